"""Min/max upkeep and the replenishment run (DOMAIN.md, "Replenishment and planning").

A face needs stock when its available on hand plus what is already on its way is at or below
its min; it then gets (max - on hand - on its way), rounded up to whole replenishment units,
from one reserve balance at the same site chosen FEFO (earliest expiry, lots without expiry
last) then FIFO (oldest lot). A task takes one source balance: when that balance holds less
than wanted, the task moves what it holds and the next run tops up the rest.

The run is set-based: one aggregate query finds every face that needs stock, one query per
site locks the reserve candidates, and the tasks, their reservations and their queue entries
are written in bulk, so its statement count does not grow with the number of faces. A face
never has two open tasks (a partial unique constraint), and runs of one tenant are serialised
by a transaction-level advisory lock, so overlapping runs do not send stock twice.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from erp.errors import InvalidTransition
from erp.models import Tenant, User
from erp.numbers import plain
from inventory import ledger
from inventory.models import (
    Bin,
    BinType,
    Item,
    Location,
    Lot,
    Reservation,
    Site,
    StockBalance,
    StockStatus,
    TransactionKind,
)
from warehouse import webhooks
from warehouse.counting import triggers
from warehouse.errors import WarehouseError
from warehouse.models import (
    CountRequest,
    PickFace,
    Priority,
    Replenishment,
    ReplenishmentState,
    WorkKind,
)
from warehouse.permissions import SUPERVISORS
from warehouse.states import replenishment_machine
from warehouse.workqueue import services as work

SOURCE = "replenishment"  # the reservations' source_type
LOCK_KEY = 72_917  # pg_advisory_xact_lock(LOCK_KEY, tenant id): one run per tenant at a time


# --- min/max -------------------------------------------------------------------------------


@transaction.atomic
def save_face(*, tenant: Tenant, user: User, face: PickFace) -> PickFace:
    """Create or change a face's min/max after `check_face`; history records `user`."""
    from erp.roles import require_role

    require_role(tenant=tenant, user=user, roles=SUPERVISORS)
    check_face(tenant=tenant, item=face.item, bin=face.bin, minimum=face.min_quantity,
               maximum=face.max_quantity, unit=face.unit)  # fmt: skip
    face.tenant = tenant
    face._history_user = user
    face.save()
    return face


@transaction.atomic
def delete_face(*, tenant: Tenant, user: User, face: PickFace) -> None:
    """Remove a face's min/max; refused while a replenishment to it is open."""
    from erp.roles import require_role

    require_role(tenant=tenant, user=user, roles=SUPERVISORS)
    face = PickFace.objects.select_for_update().get(tenant=tenant, pk=face.pk)
    if Replenishment.objects.filter(tenant=tenant, face=face).exists():
        raise WarehouseError(
            f"{face.bin.code} {face.item.sku} has replenishments; it is kept for their history."
        )
    face._history_user = user
    face.delete()


def check_face(
    *, tenant: Tenant, item: Item, bin: Bin, minimum: Decimal, maximum: Decimal, unit: str
) -> None:
    """Raise `WarehouseError` naming the first rule a min/max breaks."""
    if minimum is None or maximum is None or minimum < 0:
        raise WarehouseError("Min must be zero or more.", field="min_quantity")
    if maximum <= minimum:
        raise WarehouseError(
            f"Max ({plain(maximum)}) must be more than min ({plain(minimum)}).",
            field="max_quantity",
        )
    if bin.bin_type != BinType.PICK_FACE:
        raise WarehouseError(f"{bin.code} is not a pick face bin.", field="bin")
    if unit != item.base_unit and not item.units.filter(tenant=tenant, code=unit).exists():
        raise WarehouseError(f"{item.sku} has no unit '{unit}'.", field="unit")


# --- the run -------------------------------------------------------------------------------


@dataclass
class Need:
    face_id: int
    item_id: int
    site_id: int
    zone_id: int | None
    location_id: int | None
    bin_id: int
    bin_code: str
    sku: str
    base_unit: str
    unit: str
    factor: Decimal
    minimum: Decimal
    maximum: Decimal
    on_hand: Decimal
    free: Decimal
    picks_waiting: int

    @property
    def quantity(self) -> Decimal:
        """max - on hand (nothing is on its way to a face the run considers), rounded up to
        whole replenishment units."""
        units = ((self.maximum - self.on_hand) / self.factor).to_integral_value(ROUND_CEILING)
        return units * self.factor

    @property
    def urgent(self) -> bool:
        """Empty once the picks waiting at it are done."""
        return self.free <= 0 and self.picks_waiting > 0


NEEDS_SQL = """
WITH faces AS (
    SELECT f.id, f.item_id, b.site_id, b.zone_id, loc.id AS location_id, f.bin_id, b.code,
           i.sku, i.base_unit, f.unit,
           CASE WHEN f.unit = i.base_unit THEN 1 ELSE u.factor END AS factor,
           f.min_quantity, f.max_quantity
    FROM warehouse_pickface f
    JOIN inventory_bin b ON b.tenant_id = f.tenant_id AND b.id = f.bin_id
    JOIN inventory_item i ON i.tenant_id = f.tenant_id AND i.id = f.item_id
    LEFT JOIN inventory_itemunit u
        ON u.tenant_id = f.tenant_id AND u.item_id = f.item_id AND u.code = f.unit
    LEFT JOIN inventory_location loc ON loc.tenant_id = f.tenant_id AND loc.bin_id = f.bin_id
    WHERE f.tenant_id = %(tenant)s AND b.is_active AND i.is_active
      AND (%(site)s::bigint IS NULL OR b.site_id = %(site)s::bigint)
      AND NOT EXISTS (
          SELECT 1 FROM warehouse_replenishment r
          WHERE r.tenant_id = f.tenant_id AND r.face_id = f.id AND r.state = 'open')
),
stock AS (
    SELECT sb.location_id, sb.item_id, sum(sb.on_hand) AS on_hand,
           sum(sb.on_hand - sb.reserved) AS free
    FROM inventory_stockbalance sb
    JOIN faces ON faces.location_id = sb.location_id AND faces.item_id = sb.item_id
    WHERE sb.tenant_id = %(tenant)s AND sb.status = 'available'
    GROUP BY sb.location_id, sb.item_id
),
picks AS (
    SELECT t.from_location_id, t.item_id, count(*) AS waiting
    FROM warehouse_picktask t
    JOIN faces ON faces.location_id = t.from_location_id AND faces.item_id = t.item_id
    WHERE t.tenant_id = %(tenant)s AND t.state = 'open'
    GROUP BY t.from_location_id, t.item_id
)
SELECT faces.id, faces.item_id, faces.site_id, faces.zone_id, faces.location_id,
       faces.bin_id, faces.code, faces.sku, faces.base_unit, faces.unit, faces.factor,
       faces.min_quantity, faces.max_quantity,
       COALESCE(stock.on_hand, 0), COALESCE(stock.free, 0), COALESCE(picks.waiting, 0)
FROM faces
LEFT JOIN stock ON stock.location_id = faces.location_id AND stock.item_id = faces.item_id
LEFT JOIN picks ON picks.from_location_id = faces.location_id AND picks.item_id = faces.item_id
WHERE faces.factor IS NOT NULL AND COALESCE(stock.on_hand, 0) <= faces.min_quantity
ORDER BY faces.id
"""


def needs(*, tenant: Tenant, site: Site | None = None) -> list[Need]:
    """Every face of the tenant (at `site`) at or below its min with nothing on its way,
    in one query. A face whose replenishment unit the item lacks is left out."""
    with connection.cursor() as cursor:
        cursor.execute(NEEDS_SQL, {"tenant": tenant.pk, "site": site.pk if site else None})
        return [Need(*row) for row in cursor.fetchall()]


def _source_order(candidate: ledger.Candidate) -> tuple:
    # FEFO: earliest expiry first, lots without expiry after; then FIFO: oldest lot first.
    never = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return (
        candidate.expiry is None,
        candidate.expiry or datetime.date.max,
        candidate.lot_received or never,
        candidate.walk_sequence,
        candidate.bin_code,
        candidate.balance_id,
    )


@transaction.atomic
def run(*, tenant: Tenant, site: Site | None = None) -> list[Replenishment]:
    """Raise a replenishment task for every face of the tenant (at `site`) at or below its
    min, reserve its source stock and queue it (REPLENISH; urgent for a face that the picks
    waiting at it will empty). Returns the tasks made; a face already served, or one whose
    item has no free reserve stock at its site, gets none.

    Lock order: the tenant's advisory lock (overlapping runs wait, then see the first run's
    tasks), then the reserve balances per site in the ledger's key order (`lock_available`),
    so the run cannot deadlock with a posting or an allocation."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_KEY, tenant.pk])
    found = needs(tenant=tenant, site=site)
    if not found:
        return []
    missing = {need.bin_id for need in found if need.location_id is None}
    if missing:
        # A face that never held stock has no ledger location yet.
        ledger.ensure_bin_locations(tenant=tenant, bins=Bin.objects.filter(pk__in=missing))
        ids = dict(
            Location.objects.filter(tenant=tenant, bin_id__in=missing).values_list("bin_id", "pk")
        )
        for need in found:
            need.location_id = need.location_id or ids[need.bin_id]
    by_site: dict[int, list[Need]] = defaultdict(list)
    for need in found:
        by_site[need.site_id].append(need)
    planned: list[tuple[Need, ledger.Candidate, Decimal]] = []
    for site_id, site_needs in sorted(by_site.items()):
        candidates = ledger.lock_available(
            tenant=tenant,
            site_id=site_id,
            item_ids={need.item_id for need in site_needs},
            bin_types=(BinType.RESERVE,),
        )
        per_item: dict[int, list[ledger.Candidate]] = defaultdict(list)
        for candidate in candidates:
            per_item[candidate.item_id].append(candidate)
        free = {candidate.balance_id: candidate.free for candidate in candidates}
        # The faces that waiting picks will empty get the scarce stock first.
        for need in sorted(site_needs, key=lambda n: (not n.urgent, n.face_id)):
            for candidate in sorted(per_item.get(need.item_id, ()), key=_source_order):
                if free[candidate.balance_id] > 0:
                    quantity = min(need.quantity, free[candidate.balance_id])
                    free[candidate.balance_id] -= quantity
                    planned.append((need, candidate, quantity))
                    break
    if not planned:
        return []
    tasks = bulk_create_with_history(
        [
            Replenishment(
                tenant=tenant, face_id=need.face_id, item_id=need.item_id,
                lot_id=candidate.lot_id, quantity=quantity,
                from_location_id=candidate.location_id, to_location_id=need.location_id,
            )
            for need, candidate, quantity in planned
        ],
        Replenishment,
        batch_size=5000,
        default_change_reason="replenishment run",
    )  # fmt: skip
    ledger.reserve_many(
        tenant=tenant,
        user=None,
        requests=[
            ledger.ReserveRequest(
                balance_id=candidate.balance_id, quantity=quantity, source_type=SOURCE,
                source_id=task.pk, reference=f"replenish {need.bin_code}",
            )
            for task, (need, candidate, quantity) in zip(tasks, planned, strict=True)
        ],
    )  # fmt: skip
    work.add_many(
        tenant=tenant,
        entries=[
            work.Entry(
                kind=WorkKind.REPLENISH, reference=task.pk, site_id=need.site_id,
                zone_id=need.zone_id,
                priority=Priority.URGENT if need.urgent else Priority.NORMAL,
                summary=f"Replenish {need.bin_code}: {plain(quantity)} {need.base_unit} "
                f"{need.sku} from {candidate.bin_code}",
            )
            for task, (need, candidate, quantity) in zip(tasks, planned, strict=True)
        ],
    )  # fmt: skip
    webhooks.stock_below_min(
        tenant=tenant,
        raised=[(need, task) for task, (need, _, _) in zip(tasks, planned, strict=True)],
    )
    return tasks


# --- doing the work ------------------------------------------------------------------------


def _lock(tenant: Tenant, task: Replenishment) -> Replenishment:
    return (
        Replenishment.objects.select_for_update(of=("self",))
        .select_related("item", "lot", "from_location", "to_location", "face")
        .get(tenant=tenant, pk=task.pk)
    )


def _reservation(tenant: Tenant, task: Replenishment) -> Reservation | None:
    return Reservation.objects.filter(tenant=tenant, source_type=SOURCE, source_id=task.pk).first()


@transaction.atomic
def complete(
    *, tenant: Tenant, user: User, task: Replenishment, source: Location, lot: Lot | None,
    quantity: Decimal, destination: Location,
) -> Replenishment:  # fmt: skip
    """Move `quantity` (base units found in the source, at most the task's) from the task's
    reserve bin to its face, consuming the reservation. Less than the task's quantity ends
    it short: the rest of the reservation is given back, the source's unpromised stock of that
    lot is held (quarantine) until the bin is counted, and a count is requested.

    Lock order: the task, then the ledger (balances, then reservations). A repeat on a
    finished task is refused (`InvalidTransition`); a wrong bin or lot is a `WarehouseError`
    naming the field, and nothing is posted."""
    replenishment_machine.authorize(tenant=tenant, user=user, action="complete")
    task = _lock(tenant, task)
    replenishment_machine.check(task, "complete", tenant=tenant, user=user)
    if source.pk != task.from_location_id:
        raise WarehouseError(
            f"{source.code} is not the source bin; take it from {task.from_location.code}.",
            field="source",
        )
    if (lot.pk if lot else None) != task.lot_id:
        raise WarehouseError(
            f"Lot {lot.code if lot else '(none)'} is not the reserved lot "
            f"{task.lot.code if task.lot else '(none)'}.",
            field="item",
        )
    quantity = Decimal(quantity)
    if quantity < 0 or quantity > task.quantity:
        raise WarehouseError(
            f"Move between 0 and {plain(task.quantity)} {task.item.base_unit}.", field="quantity"
        )
    if destination.pk != task.to_location_id:
        raise WarehouseError(
            f"{destination.code} is not the pick face; bring it to {task.to_location.code}.",
            field="destination",
        )
    reservation = _reservation(tenant, task)
    if reservation is None or reservation.quantity < task.quantity:
        raise WarehouseError(
            f"The reservation behind replenishment #{task.pk} has changed; ask a supervisor."
        )
    if quantity > 0:
        task.transaction = ledger.post(
            tenant=tenant, user=user, kind=TransactionKind.REPLENISHMENT,
            moves=[ledger.Move(item=task.item, quantity=quantity, source=task.from_location, destination=task.to_location, lot=task.lot)],
            consume=[ledger.Consume(reservation, quantity)],
            reference=f"replenish #{task.pk} {task.to_location.code}",
            idempotency_key=f"replenish:{task.pk}",
        )  # fmt: skip
    short = quantity < task.quantity
    task.moved_quantity = quantity
    task.completed_by, task.completed_at = user, timezone.now()
    replenishment_machine.move(task, "short" if short else "complete", tenant=tenant, user=user)
    task.save(
        update_fields=["transaction", "moved_quantity", "completed_by", "completed_at", "state"]
    )
    if short:
        _short(tenant, user, task, task.quantity - quantity)
    # Sources are reserve bins today; a face it ever draws from is checked like a pick's.
    triggers.count_pick_faces(tenant=tenant, user=user, posting=task.transaction)
    work.finish(tenant=tenant, user=user, kind=WorkKind.REPLENISH, reference=task.pk)
    return task


def _short(tenant: Tenant, user: User, task: Replenishment, missing: Decimal) -> None:
    reservation = _reservation(tenant, task)
    if reservation is not None:
        ledger.release(tenant=tenant, user=user, reservation=reservation)
    balance = StockBalance.objects.filter(
        tenant=tenant, item=task.item, location=task.from_location, lot=task.lot,
        serial__isnull=True, status=StockStatus.AVAILABLE,
    ).first()  # fmt: skip
    # The bin held less than reserved, so the rest the system says it holds is in doubt too:
    # held until counted, so the next run does not send an operator back to it.
    hold = balance.on_hand - balance.reserved if balance else Decimal(0)
    if hold > 0:
        ledger.post(
            tenant=tenant, user=user, kind=TransactionKind.STATUS_CHANGE,
            moves=[ledger.Move(item=task.item, quantity=hold, source=task.from_location, destination=task.from_location, lot=task.lot, source_status=StockStatus.AVAILABLE, destination_status=StockStatus.QUARANTINE)],
            reference=f"short replenishment #{task.pk}",
            reason="missing at replenishment; held pending a count",
            idempotency_key=f"short-replenish-hold:{task.pk}",
        )  # fmt: skip
    CountRequest.objects.get_or_create(
        tenant=tenant,
        location=task.from_location,
        done=False,
        defaults={"reason": f"short replenishment #{task.pk} of {task.item.sku}"[:200]},
    )
    from warehouse.exceptions import services as exceptions

    exceptions.record_short_replenishment(tenant=tenant, user=user, task=task, missing=missing)


@transaction.atomic
def cancel(*, tenant: Tenant, user: User | None, reference: int, reason: str = "") -> None:
    """Cancel an open replenishment and give its reserved stock back (the queue's cancel)."""
    task = _lock(tenant, Replenishment(pk=reference))
    replenishment_machine.move(task, "cancel", tenant=tenant, user=user, reason=reason)
    task.save(update_fields=["state"])
    ledger.release_source(tenant=tenant, user=user, source_type=SOURCE, source_id=task.pk)


@dataclass(frozen=True)
class ScanResult:
    task: Replenishment
    message: str
    needs: str = ""  # the field to scan next; empty once the task is finished
    repeat: bool = False


def complete_scanned(
    *, tenant: Tenant, user: User, task: Replenishment, source_code: str, item_code: str,
    lot_code: str, quantity: Decimal | None, destination_code: str,
) -> ScanResult:  # fmt: skip
    """Complete a replenishment from what the operator scanned, in the order walked: the
    source bin, the item (GTIN, GS1-128 with its lot, or SKU), the quantity found, the face.
    Scans right so far but incomplete return the field to scan next and change nothing; a
    repeat on a finished task reports what was done. Errors: `WarehouseError` naming the
    field that did not match."""
    from inventory import scanning
    from inventory.errors import InvalidPosting

    task = (
        Replenishment.objects.select_related("item", "lot", "from_location", "to_location")
        .filter(tenant=tenant)
        .get(pk=task.pk)
    )
    if task.state != ReplenishmentState.OPEN:
        return ScanResult(task, _describe(task), repeat=True)
    site = task.from_location.site_id
    try:
        source = scanning.resolve_bin(tenant=tenant, code=source_code, site=site)
    except InvalidPosting as exc:
        raise WarehouseError(str(exc), field="source") from exc
    if source.pk != task.from_location_id:
        raise WarehouseError(
            f"Wrong bin: {source.code} scanned; take it from {task.from_location.code}.",
            field="source",
        )
    found_nothing = quantity is not None and quantity == 0
    if not item_code.strip():
        if not found_nothing:
            return ScanResult(task, f"{source.code} is right: scan the item.", needs="item")
    else:
        try:
            item, _unit, scan = scanning.resolve_item(tenant=tenant, text=item_code)
        except InvalidPosting as exc:
            raise WarehouseError(str(exc), field="item") from exc
        if item.pk != task.item_id:
            raise WarehouseError(
                f"Wrong item: {item.sku} scanned; move {task.item.sku}.", field="item"
            )
        if task.lot_id:
            given = scan.lot or lot_code.strip()
            if not given:
                return ScanResult(task, f"Scan or type lot {task.lot.code}.", needs="lot")
            if given != task.lot.code:
                raise WarehouseError(
                    f"Wrong lot: {given} scanned; move lot {task.lot.code}.", field="lot"
                )
    if quantity is None:
        return ScanResult(task, "How many did you take? Enter the quantity.", needs="quantity")
    if not destination_code.strip():
        return ScanResult(task, f"Scan the pick face {task.to_location.code}.", needs="destination")
    try:
        destination = scanning.resolve_bin(tenant=tenant, code=destination_code, site=site)
    except InvalidPosting as exc:
        raise WarehouseError(str(exc), field="destination") from exc
    try:
        task = complete(
            tenant=tenant, user=user, task=task, source=source, lot=task.lot,
            quantity=quantity, destination=destination,
        )  # fmt: skip
    except InvalidTransition:
        # A double submit that waited for the first one's lock: report what that one did.
        task.refresh_from_db()
        if task.state == ReplenishmentState.OPEN:
            raise
        return ScanResult(task, _describe(task), repeat=True)
    return ScanResult(task, _describe(task))


def _describe(task: Replenishment) -> str:
    moved = plain(task.moved_quantity or 0)
    unit = task.item.base_unit
    if task.state == ReplenishmentState.SHORT:
        return (
            f"Short: moved {moved} of {plain(task.quantity)} {unit} {task.item.sku} to "
            f"{task.to_location.code}; {task.from_location.code} is flagged for a count."
        )
    if task.state == ReplenishmentState.DONE:
        return f"Moved {moved} {unit} {task.item.sku} to {task.to_location.code}."
    return f"Replenishment #{task.pk} is {task.get_state_display().lower()}."
