"""Cycle counts: opened for a bin (a short pick's flag, a supervisor's request, a plan),
counted blind by an operator, recounted by another where the variance is beyond tolerance,
and decided by a supervisor who did not count it. Approving posts the variance and settles
the bin's quarantined stock in one ledger transaction (kind `count`, reference COUNT-<id>).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from erp.models import Tenant, User
from erp.roles import require_role
from inventory import ledger
from inventory.errors import InvalidPosting
from inventory.models import (
    Item,
    Location,
    LocationKind,
    Lot,
    SerialNumber,
    StockBalance,
    StockStatus,
    StockTransaction,
    TransactionKind,
)
from inventory.services import lots
from warehouse.counting import selectors
from warehouse.errors import WarehouseError
from warehouse.models import (
    Count,
    CountedLine,
    CountRequest,
    CountResult,
    CountRound,
    CountSettings,
    CountSnapshot,
    CountSource,
    CountStatus,
    Priority,
    WorkKind,
)
from warehouse.models.counting import OPEN_COUNT
from warehouse.permissions import SETTINGS
from warehouse.states import count_machine
from warehouse.workqueue import services as work


class CountError(WarehouseError):
    pass


def _summary(count: Count, round: CountRound) -> str:
    word = "Recount" if round.number > 1 else "Count"
    return f"{word} bin {count.location.code}"


def _add_work(tenant: Tenant, count: Count, round: CountRound, priority: int) -> None:
    work.add(
        tenant=tenant, kind=WorkKind.COUNT, reference=round.pk, site=count.site, zone=count.zone,
        summary=_summary(count, round), priority=priority,
    )  # fmt: skip


@transaction.atomic
def open_count(
    *, tenant: Tenant, user: User | None, location: Location, reason: str,
    request: CountRequest | None = None, priority: int = Priority.NORMAL,
    source: str = CountSource.REQUEST,
) -> Count:  # fmt: skip
    """Open a count of the bin `location` with a snapshot of what the ledger says it holds,
    and queue its first round. A bin with a count already open returns that count (a second
    trigger for the same bin adds nothing). Lock order: the bin's advisory lock, then its
    balance rows, so no posting to them lands between the snapshot and its last entry id."""
    if not location.is_real:
        raise CountError("Only a bin can be counted.")
    # Two triggers for one bin at once (a short pick and a supervisor): the second waits here
    # and then finds the first's count, instead of failing on the one-open-count constraint.
    with connection.cursor() as cursor:
        key = f"count-bin:{tenant.pk}:{location.pk}"
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])
    existing = Count.objects.filter(tenant=tenant, location=location, status__in=OPEN_COUNT).first()
    if existing is not None:
        if request is not None and existing.request_id is None:
            existing.request = request
            existing.save(update_fields=["request"])
        return existing
    balances = list(
        StockBalance.objects.select_for_update(of=("self",))
        .filter(tenant=tenant, location=location)
        .exclude(on_hand=0)
        .order_by("pk")
        .values_list("item_id", "lot_id", "serial_id", "status", "on_hand")
    )
    count = Count.objects.create(
        tenant=tenant, site_id=location.site_id, zone_id=location.bin.zone_id if location.bin_id else None,
        location=location, reason=reason[:200], request=request, created_by=user, source=source,
        snapshot_entry_id=selectors.last_entry_id(tenant=tenant, location=location),
    )  # fmt: skip
    CountSnapshot.objects.bulk_create(
        CountSnapshot(
            tenant=tenant,
            count=count,
            item_id=item_id,
            lot_id=lot_id,
            serial_id=serial_id,
            status=status,
            quantity=on_hand,
        )
        for item_id, lot_id, serial_id, status, on_hand in balances
    )
    first = CountRound.objects.create(tenant=tenant, count=count, number=1)
    _add_work(tenant, count, first, priority)
    return count


def count_flagged_bin(*, tenant: Tenant, user: User | None, request: CountRequest) -> Count:
    """A bin flagged by a short pick becomes a count task (urgent: stock there is held)."""
    return open_count(
        tenant=tenant, user=user, location=request.location, reason=request.reason,
        request=request, priority=Priority.HIGH, source=CountSource.SHORT_PICK,
    )  # fmt: skip


def _lock_round(tenant: Tenant, round: CountRound) -> CountRound:
    return (
        CountRound.objects.select_for_update(of=("self",))
        .select_related("count__location")
        .get(tenant=tenant, pk=round.pk)
    )


def _check_counter(tenant: Tenant, user: User, round: CountRound) -> None:
    count = round.count
    if round.finished_at is not None:
        raise CountError(f"This count of {count.location.code} is already finished.")
    wanted = CountStatus.OPEN if round.number == 1 else CountStatus.RECOUNT
    if count.status != wanted:
        raise CountError(f"Count #{count.pk} is {count.get_status_display().lower()}.")
    if round.counter_id is not None and round.counter_id != user.pk:
        raise CountError(f"Someone else is counting {count.location.code}.")
    if round.number > 1 and count.rounds.filter(number__lt=round.number, counter=user).exists():
        raise CountError(
            f"You counted {count.location.code} already; another operator must recount it."
        )


@transaction.atomic
def start_round(*, tenant: Tenant, user: User, round: CountRound) -> CountRound:
    """`user` takes the round: a recount cannot go to whoever counted the bin before."""
    round = _lock_round(tenant, round)
    count_machine.authorize(tenant=tenant, user=user, action="count")
    _check_counter(tenant, user, round)
    if round.counter_id is None:
        round.counter = user
        round.save(update_fields=["counter"])
    work.record_start(tenant=tenant, user=user, kind=WorkKind.COUNT, reference=round.pk)
    return round


@transaction.atomic
def scan_bin(*, tenant: Tenant, user: User, round: CountRound, location: Location) -> CountRound:
    """The counter is at the bin: the scan must name the counted bin."""
    round = start_round(tenant=tenant, user=user, round=round)
    if location.pk != round.count.location_id:
        raise CountError(f"That is {location.code}; this count is of {round.count.location.code}.")
    if round.bin_scanned_at is None:
        round.bin_scanned_at = timezone.now()
        round.save(update_fields=["bin_scanned_at"])
    return round


def _serial_elsewhere(tenant: Tenant, serial: SerialNumber, location: Location) -> None:
    """A serial is one unit: found here, it cannot also be on hand in another bin."""
    where = (
        StockBalance.objects.filter(tenant=tenant, serial=serial, on_hand__gt=0)
        .exclude(location=location)
        .select_related("location")
        .first()
    )
    if where is not None:
        raise CountError(
            f"Serial {serial.serial} of {serial.item.sku} is on hand in {where.location.code}; "
            "a serial is one unit: move it from there first."
        )


@transaction.atomic
def record_line(
    *, tenant: Tenant, user: User, round: CountRound, item: Item, quantity: Decimal,
    lot: Lot | None = None, serial: SerialNumber | None = None, lot_code: str = "",
    lot_expiry: datetime.date | None = None, serial_code: str = "",
) -> CountedLine:  # fmt: skip
    """Record what the counter found of one item (lot, serial); counting it again replaces it.
    Items the bin was not expected to hold are counted like any other. A lot or serial named
    by `lot_code` / `serial_code` that is not on file is counted by that text (with
    `lot_expiry`, from a GS1 AI 17 or keyed) and registered only when the count is approved. Raises
    `CountError`, also for a serial on hand in another bin."""
    round = start_round(tenant=tenant, user=user, round=round)
    if round.bin_scanned_at is None:
        raise CountError(f"Scan the bin {round.count.location.code} first.")
    quantity = Decimal(quantity)
    if not quantity.is_finite() or quantity < 0:
        raise CountError("Count zero or more.")
    if not item.divisible and quantity != quantity.to_integral_value():
        raise CountError(f"{item.sku} is counted in whole {item.base_unit}.")
    lot_code = "" if lot is not None else (lot_code or "").strip()[:20]
    serial_code = "" if serial is not None else (serial_code or "").strip()[:40]
    if lot_code:
        lot = Lot.objects.filter(tenant=tenant, item=item, code=lot_code).first()
        lot_code = "" if lot is not None else lot_code
    if serial_code:
        serial = SerialNumber.objects.filter(tenant=tenant, item=item, serial=serial_code).first()
        serial_code = "" if serial is not None else serial_code
    if item.is_lot_tracked and lot is None and not lot_code:
        raise CountError(f"{item.sku} is lot-tracked: scan or key its lot.")
    if lot_code and item.expiry_required and lot_expiry is None:
        # Registering the lot on approval would fail without it; ask while at the bin.
        raise CountError(
            f"Lot {lot_code} of {item.sku} is new and needs an expiry: scan its GS1 label "
            "or key its expiry date."
        )
    if item.is_serial_tracked:
        if serial is None and not serial_code:
            raise CountError(f"{item.sku} is serial-tracked: scan each serial number.")
        if quantity > 1:
            raise CountError(f"A serial number is one {item.base_unit}.")
    if serial is not None and quantity > 0:
        _serial_elsewhere(tenant, serial, round.count.location)
    line, _created = CountedLine.objects.update_or_create(
        tenant=tenant, round=round, item=item, lot=lot, serial=serial, lot_code=lot_code,
        serial_code=serial_code, defaults={"quantity": quantity, "lot_expiry": lot_expiry or None},
    )  # fmt: skip
    return line


def _register_found(tenant: Tenant, count: Count, round: CountRound) -> None:
    """Lots and serials counted by their scanned text are registered now, through inventory's
    own services, and the counted lines name them, so the posting brings the found units in
    under them. A line whose lot or serial was registered meanwhile joins that one."""
    lines = round.lines.select_related("item").exclude(lot_code="", serial_code="").order_by("pk")
    for line in lines:
        lot, serial = line.lot, line.serial
        try:
            if line.lot_code:
                lot = lots.lot_for_receipt(
                    tenant=tenant, item=line.item, code=line.lot_code, expiry=line.lot_expiry
                )
            if line.serial_code:
                serial = lots.register_serial(
                    tenant=tenant, item=line.item, serial=line.serial_code, lot=lot
                )
        except InvalidPosting as exc:
            raise CountError(str(exc)) from exc
        if serial is not None and line.quantity > 0:
            _serial_elsewhere(tenant, serial, count.location)
        same = (
            round.lines.filter(item=line.item, lot=lot, serial=serial, lot_code="", serial_code="")
            .exclude(pk=line.pk)
            .first()
        )
        if same is not None:
            same.quantity += line.quantity
            same.save(update_fields=["quantity"])
            line.delete()
            continue
        line.lot, line.serial, line.lot_code, line.serial_code = lot, serial, "", ""
        line.save(update_fields=["lot", "serial", "lot_code", "serial_code"])


@transaction.atomic
def finish_round(*, tenant: Tenant, user: User, round: CountRound, empty: bool = False) -> Count:
    """Close the round (`empty`: the bin holds nothing, whatever was recorded). Expected
    stock is fixed at the last ledger entry now; a first count beyond tolerance asks for a
    recount by another operator, queued at once."""
    round = start_round(tenant=tenant, user=user, round=round)
    count = Count.objects.select_for_update(of=("self",)).get(tenant=tenant, pk=round.count_id)
    if round.bin_scanned_at is None:
        raise CountError(f"Scan the bin {count.location.code} first.")
    if empty:
        round.lines.all().delete()
    elif not round.lines.exists():
        raise CountError("Nothing counted yet: count what is there, or say the bin is empty.")
    round.empty = empty
    round.entry_id = selectors.last_entry_id(tenant=tenant, location=count.location)
    round.finished_at = timezone.now()
    round.save(update_fields=["empty", "entry_id", "finished_at"])
    work.finish(tenant=tenant, user=user, kind=WorkKind.COUNT, reference=round.pk)
    if round.number == 1:
        count_machine.move(count, "count", tenant=tenant, user=user)
        count.save(update_fields=["status"])
        lines = selectors.reconciliation(tenant=tenant, count=count, round=round)
        if any(line.beyond for line in lines):
            count_machine.move(count, "request_recount", tenant=tenant, user=user)
            count.save(update_fields=["status"])
            second = CountRound.objects.create(tenant=tenant, count=count, number=2)
            _add_work(tenant, count, second, Priority.HIGH)
    else:
        count_machine.move(count, "recount", tenant=tenant, user=user)
        count.save(update_fields=["status"])
    return count


def _lock_count(tenant: Tenant, count: Count) -> Count:
    return (
        Count.objects.select_for_update(of=("self",))
        .select_related("location", "site")
        .get(tenant=tenant, pk=count.pk)
    )


def _not_own(tenant: Tenant, user: User, count: Count) -> None:
    if count.rounds.filter(counter=user).exists():
        raise CountError(f"You counted {count.location.code}; another supervisor must decide.")


def _moves(tenant: Tenant, count: Count, line: selectors.Line) -> list[ledger.Move]:
    """The variance of one item (lot, serial), posted on the bin's stock as it is now:
    quarantine is released to available, or written off first where units are missing; a
    shortage beyond it comes out of available, then any other status."""
    location = count.location
    adjustment = ledger.virtual_location(tenant=tenant, kind=LocationKind.ADJUSTMENT)
    free: dict[str, Decimal] = {
        status: on_hand - reserved
        for status, on_hand, reserved in StockBalance.objects.filter(
            tenant=tenant, location=location, item=line.item, lot=line.lot, serial=line.serial
        ).values_list("status", "on_hand", "reserved")
    }
    common = {"item": line.item, "lot": line.lot, "serial": line.serial}
    moves = []
    missing = max(-line.variance, Decimal(0))
    held = free.pop(StockStatus.QUARANTINE, Decimal(0))
    write_off = min(missing, held)
    if write_off > 0:
        moves.append(ledger.Move(
            quantity=write_off, source=location, destination=adjustment,
            source_status=StockStatus.QUARANTINE, **common,
        ))  # fmt: skip
    if held - write_off > 0:
        moves.append(ledger.Move(
            quantity=held - write_off, source=location, destination=location,
            source_status=StockStatus.QUARANTINE, destination_status=StockStatus.AVAILABLE, **common,
        ))  # fmt: skip
    missing -= write_off
    order = [StockStatus.AVAILABLE, *sorted(s for s in free if s != StockStatus.AVAILABLE)]
    for status in order:
        take = min(missing, free.get(status, Decimal(0)))
        if take > 0:
            moves.append(ledger.Move(
                quantity=take, source=location, destination=adjustment, source_status=status,
                **common,
            ))  # fmt: skip
            missing -= take
    if missing > 0:
        raise CountError(
            f"{line.item.sku}: {missing} of the missing units are reserved in {location.code}; "
            "release those picks first."
        )
    if line.variance > 0:
        moves.append(ledger.Move(
            quantity=line.variance, source=adjustment, destination=location,
            destination_status=StockStatus.AVAILABLE, unit_cost=line.unit_cost, **common,
        ))  # fmt: skip
    return moves


def _results(tenant: Tenant, count: Count, lines: list[selectors.Line]) -> None:
    CountResult.objects.bulk_create(
        CountResult(
            tenant=tenant,
            count=count,
            item=line.item,
            lot=line.lot,
            serial=line.serial,
            expected=line.expected,
            counted=line.counted,
            unit_cost=line.unit_cost,
            within_tolerance=not line.beyond,
        )
        for line in lines
    )


def _close_request(tenant: Tenant, count: Count) -> None:
    CountRequest.objects.filter(tenant=tenant, location=count.location, done=False).update(
        done=True
    )


@transaction.atomic
def approve(*, tenant: Tenant, user: User, count: Count, note: str = "") -> Count:
    """Post the last round's variance at current cost and settle the bin's quarantine, in one
    ledger transaction whose reference is the count. Nobody who counted the bin may approve.
    Raises `CountError`, `InvalidTransition`, `RoleRequired` or what `ledger.post` raises,
    posting nothing then."""
    count = _lock_count(tenant, count)
    count_machine.check(count, "approve", tenant=tenant, user=user)
    _not_own(tenant, user, count)
    round = selectors.last_round(count)
    _register_found(tenant, count, round)
    lines = selectors.reconciliation(tenant=tenant, count=count, round=round)
    moves = [move for line in lines for move in _moves(tenant, count, line)]
    txn: StockTransaction | None = None
    if moves:
        txn = ledger.post(
            tenant=tenant, user=user, kind=TransactionKind.COUNT, moves=moves,
            reference=f"COUNT-{count.pk}", reason=f"count of {count.location.code} approved",
            idempotency_key=f"count:{count.pk}",
        )  # fmt: skip
    _results(tenant, count, lines)
    _close_request(tenant, count)
    count_machine.move(count, "approve", tenant=tenant, user=user, reason=note)
    count.transaction, count.decided_by, count.decided_at = txn, user, timezone.now()
    count.note = note.strip()[:300]
    count.save(update_fields=["status", "transaction", "decided_by", "decided_at", "note"])
    return count


@transaction.atomic
def reject(*, tenant: Tenant, user: User, count: Count, note: str = "") -> Count:
    """Discard the count (nothing posted) and open a new one of the bin: its stock, and any
    quarantine there, still waits for a count someone approves."""
    count = _lock_count(tenant, count)
    count_machine.check(count, "reject", tenant=tenant, user=user)
    _not_own(tenant, user, count)
    count_machine.move(count, "reject", tenant=tenant, user=user, reason=note)
    count.decided_by, count.decided_at = user, timezone.now()
    count.note = note.strip()[:300]
    count.save(update_fields=["status", "decided_by", "decided_at", "note"])
    open_count(
        tenant=tenant, user=user, location=count.location, request=count.request,
        source=CountSource.REJECTED, reason=f"count #{count.pk} rejected" + (f": {note.strip()}" if note.strip() else ""),
    )  # fmt: skip
    return count


def cancel_round(*, tenant: Tenant, user: User, reference: int, reason: str) -> None:
    """The queue cancelled a round: the whole count is cancelled (nothing posted)."""
    round = _lock_round(tenant, CountRound(pk=reference))
    count = _lock_count(tenant, round.count)
    count_machine.move(count, "cancel", tenant=tenant, user=user, reason=reason)
    count.save(update_fields=["status"])


@transaction.atomic
def save_settings(*, tenant: Tenant, user: User, settings: CountSettings) -> CountSettings:
    require_role(tenant=tenant, user=user, roles=SETTINGS)
    settings.tenant = tenant
    settings._history_user = user
    settings.save()
    return settings
