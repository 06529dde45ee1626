"""Transfer orders: every change of a transfer, its stock and its projections.

A released transfer reserves its stock at the source (FEFO, then FIFO, then walk order); the
pick scans confirm it bin by bin; shipping posts the picked stock from the source bins to the
tenant's in-transit location, consuming the reservations, so the source site's valuation
drops by exactly the cost that left (the ledger's layers) and that value sits in transit.
Receiving posts in transit -> the destination dock at the cost it left with, then queues a
putaway. While a line is on its way its outstanding quantity is published as supply
(`transfer_in`) at the destination on the expected date, so ATP and planners see it; at the
source the reservation already takes it out of what can be promised.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from erp import numbering
from erp.models import Tenant, User
from erp.numbers import plain
from erp.roles import require_role
from inventory import ledger, units
from inventory.errors import UnitConversionError
from inventory.ledger import projections
from inventory.models import (
    Item,
    Location,
    LocationKind,
    Lot,
    ProjectionKind,
    Reservation,
    SerialNumber,
    Site,
    StockBalance,
    StockEntry,
    StockStatus,
    TransactionKind,
)
from warehouse import webhooks
from warehouse.counting import services as counting
from warehouse.counting import triggers
from warehouse.errors import WarehouseError
from warehouse.exceptions import services as exceptions
from warehouse.models import (
    CountRequest,
    PutawayTask,
    TransferDiscrepancy,
    TransferDiscrepancyKind,
    TransferDiscrepancyResolution,
    TransferLine,
    TransferOrder,
    TransferPick,
    TransferReceipt,
    TransferStatus,
    WorkKind,
)
from warehouse.permissions import TRANSFER_DRAFTERS
from warehouse.picking import steps
from warehouse.putaway import services as putaway
from warehouse.receiving import selectors as receiving_selectors
from warehouse.states import transfer_machine
from warehouse.workqueue import services as work

PICK_SOURCE = "transfer_pick"
LINE_SOURCE = "transfer_line"
X = TransferStatus
WRITE_OFF = "write_off"


class TransferError(WarehouseError):
    pass


def next_number(tenant: Tenant) -> str:
    return numbering.next_number(TransferOrder, tenant=tenant, prefix="TR-", width=5)


def _lock(tenant: Tenant, transfer: TransferOrder) -> TransferOrder:
    return (
        TransferOrder.objects.select_for_update(of=("self",))
        .select_related("from_site", "to_site")
        .get(tenant=tenant, pk=transfer.pk)
    )


def _check_sites(from_site: Site, to_site: Site) -> None:
    if from_site.pk == to_site.pk:
        raise TransferError("A transfer goes between two different sites.")
    for site in (from_site, to_site):
        if not site.is_active:
            raise TransferError(f"Site {site.code} is not active.")


def _draft(transfer: TransferOrder) -> None:
    if transfer.status != X.DRAFT:
        raise TransferError(
            f"{transfer.number} is {transfer_machine.display(transfer.status)}: only a draft "
            "can be changed."
        )


@transaction.atomic
def create(
    *, tenant: Tenant, user: User, from_site: Site, to_site: Site,
    expected_date: datetime.date, note: str = "",
) -> TransferOrder:  # fmt: skip
    """A draft transfer between two different active sites of the tenant."""
    require_role(tenant=tenant, user=user, roles=TRANSFER_DRAFTERS)
    _check_sites(from_site, to_site)
    try:
        with transaction.atomic():
            transfer = TransferOrder(
                tenant=tenant, number=next_number(tenant), from_site=from_site, to_site=to_site,
                expected_date=expected_date, note=note[:200], created_by=user,
            )  # fmt: skip
            transfer._history_user = user
            transfer.save()
            return transfer
    except IntegrityError as exc:
        raise TransferError(
            "Another transfer took that number at the same moment; try again."
        ) from exc


@transaction.atomic
def update(
    *, tenant: Tenant, user: User, transfer: TransferOrder, from_site: Site, to_site: Site,
    expected_date: datetime.date, note: str = "",
) -> TransferOrder:  # fmt: skip
    transfer_machine.authorize(tenant=tenant, user=user, action="release")
    transfer = _lock(tenant, transfer)
    _draft(transfer)
    _check_sites(from_site, to_site)
    transfer.from_site, transfer.to_site = from_site, to_site
    transfer.expected_date, transfer.note = expected_date, note[:200]
    transfer._history_user = user
    transfer.save()
    return transfer


def _base(tenant: Tenant, item: Item, unit: str, quantity) -> Decimal:
    try:
        quantity = Decimal(quantity)
    except (TypeError, InvalidOperation) as exc:
        raise TransferError(f"{quantity!r} is not a quantity.") from exc
    if not quantity.is_finite() or quantity <= 0:
        raise TransferError(f"Give a quantity above zero, not {plain(quantity)}.")
    try:
        base = units.to_base(
            tenant=tenant, item=item, unit=unit or item.base_unit, quantity=quantity
        )
    except UnitConversionError as exc:
        raise TransferError(str(exc)) from exc
    if base != base.quantize(Decimal("0.0001")):
        raise TransferError(f"{plain(base)} {item.base_unit} has more than 4 decimal places.")
    return base


@transaction.atomic
def add_line(
    *, tenant: Tenant, user: User, transfer: TransferOrder, item: Item, quantity: Decimal,
    unit: str = "", lot: Lot | None = None,
) -> TransferLine:  # fmt: skip
    """Add `quantity` `unit` of `item` (optionally one lot) to a draft."""
    require_role(tenant=tenant, user=user, roles=TRANSFER_DRAFTERS)
    transfer = _lock(tenant, transfer)
    _draft(transfer)
    if lot is not None and lot.item_id != item.pk:
        raise TransferError(f"Lot {lot.code} is not a lot of {item.sku}.")
    if lot is not None and not item.is_lot_tracked:
        raise TransferError(f"{item.sku} is not lot-tracked.")
    unit = unit or item.base_unit
    base = _base(tenant, item, unit, quantity)
    if item.is_serial_tracked and base != base.to_integral_value():
        raise TransferError(
            f"{item.sku} is serial-tracked: send whole units, not {plain(base)} {item.base_unit}."
        )
    return TransferLine.objects.create(
        tenant=tenant, transfer=transfer, item=item, lot=lot, unit=unit, quantity=quantity,
        quantity_base=base,
    )  # fmt: skip


@transaction.atomic
def remove_line(*, tenant: Tenant, user: User, line: TransferLine) -> None:
    transfer_machine.authorize(tenant=tenant, user=user, action="release")
    transfer = _lock(tenant, line.transfer)
    _draft(transfer)
    TransferLine.objects.filter(tenant=tenant, pk=line.pk).delete()


def _publish(tenant: Tenant, transfer: TransferOrder) -> None:
    """What each line still brings to the destination, on the expected date."""
    open_statuses = {X.RELEASED, X.PICKED, X.SHIPPED, X.PARTIALLY_RECEIVED}
    shorts = dict(
        TransferPick.objects.filter(tenant=tenant, line__transfer=transfer, short__gt=0)
        .values("line_id")
        .annotate(total=Sum("short"))
        .values_list("line_id", "total")
    )
    for line in transfer.lines.select_related("item"):
        if transfer.status in {X.RELEASED, X.PICKED}:
            # What the source bins did not hold will not come.
            coming = line.quantity_base - shorts.get(line.pk, Decimal(0))
        elif transfer.status in open_statuses:
            coming = line.in_transit_base
        else:
            coming = Decimal(0)
        projections.publish(
            tenant=tenant, source_type=LINE_SOURCE, source_id=line.pk, item=line.item,
            site=transfer.to_site, date=transfer.expected_date, quantity=coming,
            kind=ProjectionKind.TRANSFER_IN, reference=transfer.number,
        )  # fmt: skip


def _order_key(candidate):
    far = datetime.date.max
    return (
        candidate.expiry is None,
        candidate.expiry or far,
        candidate.lot_received or timezone.now(),
        candidate.walk_sequence,
        candidate.bin_code,
    )


@transaction.atomic
def release(*, tenant: Tenant, user: User, transfer: TransferOrder) -> TransferOrder:
    """Reserve every line's stock in the source site's storage bins and queue the pick.

    Lock order: the transfer, then the balances (`lock_available`, the ledger's key order).
    Raises `TransferError` naming the first line without enough free stock; nothing is
    reserved then."""
    transfer = _lock(tenant, transfer)
    transfer_machine.check(transfer, "release", tenant=tenant, user=user)
    lines = list(transfer.lines.select_related("item", "lot"))
    if not lines:
        raise TransferError(f"{transfer.number} has no lines to release.")
    _check_sites(transfer.from_site, transfer.to_site)
    candidates = ledger.lock_available(
        tenant=tenant, site_id=transfer.from_site_id, item_ids=[line.item_id for line in lines]
    )
    # A serial-tracked item's balances are one unit each: its pick names the serial.
    serial_of = dict(
        StockBalance.objects.filter(
            tenant=tenant, pk__in=[c.balance_id for c in candidates], serial__isnull=False
        ).values_list("pk", "serial_id")
    )
    used: dict[int, Decimal] = defaultdict(Decimal)
    requests = []
    for line in lines:
        need = line.quantity_base
        fitting = sorted(
            (
                c for c in candidates
                if c.item_id == line.item_id and (line.lot_id is None or c.lot_id == line.lot_id)
            ),
            key=_order_key,
        )  # fmt: skip
        free = sum((c.free - used[c.balance_id] for c in fitting), Decimal(0))
        if free < need:
            what = f"{line.item.sku}" + (f" lot {line.lot.code}" if line.lot else "")
            raise TransferError(
                f"Only {plain(free)} {line.item.base_unit} of {what} free at "
                f"{transfer.from_site.code}; {plain(need)} asked."
            )
        for candidate in fitting:
            if need <= 0:
                break
            take = min(need, candidate.free - used[candidate.balance_id])
            if take <= 0:
                continue
            used[candidate.balance_id] += take
            need -= take
            pick = TransferPick.objects.create(
                tenant=tenant, line=line, location_id=candidate.location_id,
                lot_id=candidate.lot_id, serial_id=serial_of.get(candidate.balance_id),
                quantity=take,
            )  # fmt: skip
            requests.append(
                ledger.ReserveRequest(
                    candidate.balance_id, take, PICK_SOURCE, pick.pk, transfer.number
                )
            )
    ledger.reserve_many(tenant=tenant, user=user, requests=requests)
    transfer_machine.move(transfer, "release", tenant=tenant, user=user)
    transfer.save()
    _publish(tenant, transfer)
    work.add(
        tenant=tenant, kind=WorkKind.TRANSFER, reference=transfer.pk, site=transfer.from_site,
        summary=f"Pick transfer {transfer.number} to {transfer.to_site.code}",
    )  # fmt: skip
    return transfer


def _release_reservations(tenant: Tenant, user: User | None, transfer: TransferOrder) -> None:
    for pick_id in (
        TransferPick.objects.filter(tenant=tenant, line__transfer=transfer)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        ledger.release_source(tenant=tenant, user=user, source_type=PICK_SOURCE, source_id=pick_id)


@transaction.atomic
def cancel(
    *, tenant: Tenant, user: User, transfer: TransferOrder, reason: str = ""
) -> TransferOrder:
    """Cancel a transfer not yet shipped: its reservations, projections and queue entry go."""
    transfer = _lock(tenant, transfer)
    transfer_machine.check(transfer, "cancel", tenant=tenant, user=user)
    _release_reservations(tenant, user, transfer)
    transfer_machine.move(transfer, "cancel", tenant=tenant, user=user, reason=reason)
    transfer.save()
    _publish(tenant, transfer)
    work.withdraw(
        tenant=tenant, user=user, kind=WorkKind.TRANSFER, reference=transfer.pk,
        reason=reason or "transfer cancelled",
    )  # fmt: skip
    return transfer


def _open_picks(
    tenant: Tenant, transfer: TransferOrder, *, location: Location, item: Item,
    lot: Lot | None, serial: SerialNumber | None,
) -> list[TransferPick]:  # fmt: skip
    """The transfer's picks of this stock in `location` with something left to pick, locked;
    `TransferError` naming the field to scan again when there is none."""
    if item.is_serial_tracked and serial is None:
        raise TransferError(
            f"{item.sku} is serial-tracked: scan or type its serial.", field="serial"
        )
    picks = list(
        TransferPick.objects.select_for_update(of=("self",))
        .filter(
            tenant=tenant, line__transfer=transfer, line__item=item, location=location, lot=lot,
            serial=serial,
        )
        .order_by("pk")
    )  # fmt: skip
    open_picks = [p for p in picks if p.remaining > 0]
    if open_picks:
        return open_picks
    if serial is not None:
        if picks:
            raise TransferError(
                f"Serial {serial.serial} is picked already for {transfer.number}.", field="serial"
            )
        raise TransferError(
            f"Serial {serial.serial} of {item.sku} is not reserved for {transfer.number} in "
            f"{location.code}: take one of the serials it lists.",
            field="serial",
        )
    where = f"{item.sku}" + (f" lot {lot.code}" if lot else "")
    raise TransferError(f"{transfer.number} takes no {where} from {location.code}.")


@transaction.atomic
def pick(
    *, tenant: Tenant, user: User, transfer: TransferOrder, location: Location, item: Item,
    lot: Lot | None, quantity: Decimal, unit: str = "", serial: SerialNumber | None = None,
) -> TransferPick:  # fmt: skip
    """Confirm `quantity` of `item` (and `lot`) taken from `location` for the transfer. The
    stock stays reserved in its bin until shipped. The last pick makes the transfer picked
    and finishes its queue entry. A serial-tracked item is picked one scanned `serial` at a
    time, which must be one the transfer reserved in that bin. Raises `TransferError` for a
    bin, item, lot or serial the transfer does not take from there, or more than is left to
    pick."""
    transfer = _lock(tenant, transfer)
    transfer_machine.authorize(tenant=tenant, user=user, action="pick")
    if transfer.status != X.RELEASED:
        raise TransferError(
            f"{transfer.number} is {transfer_machine.display(transfer.status)}: nothing to pick."
        )
    base = _base(tenant, item, unit or item.base_unit, quantity)
    open_picks = _open_picks(tenant, transfer, location=location, item=item, lot=lot, serial=serial)
    left = sum((p.remaining for p in open_picks), Decimal(0))
    if base > left:
        raise TransferError(
            f"Only {plain(left)} {item.base_unit} of {item.sku} left to pick from "
            f"{location.code}; {plain(base)} scanned."
        )
    work.record_start(tenant=tenant, user=user, kind=WorkKind.TRANSFER, reference=transfer.pk)
    remaining = base
    for row in open_picks:
        take = min(remaining, row.remaining)
        if take <= 0:
            break
        row.picked += take
        row.picked_by, row.picked_at = user, timezone.now()
        row.save(update_fields=["picked", "picked_by", "picked_at"])
        remaining -= take
    _finish_picking(tenant, user, transfer)
    return open_picks[0]


def _finish_picking(tenant: Tenant, user: User, transfer: TransferOrder) -> None:
    """The last open pick (taken in full or short) makes the transfer picked."""
    if not TransferPick.objects.filter(
        tenant=tenant, line__transfer=transfer, quantity__gt=F("picked") + F("short")
    ).exists():
        transfer_machine.move(transfer, "pick", tenant=tenant, user=user)
        transfer.save()
        work.finish(tenant=tenant, user=user, kind=WorkKind.TRANSFER, reference=transfer.pk)


@transaction.atomic
def short_pick(
    *, tenant: Tenant, user: User, transfer: TransferOrder, location: Location, item: Item,
    lot: Lot | None, found: Decimal, unit: str = "", serial: SerialNumber | None = None,
) -> TransferPick:  # fmt: skip
    """The bin `location` held only `found` (0 allowed) of what the transfer takes from it.

    As an outbound short pick: what was found is picked, the rest of the reservation is
    released, the bin's free units of that stock go to quarantine until a count (raised at
    once) decides, and a floor exception is recorded. The line ships what was picked, and
    the destination's incoming supply drops by the missing quantity. No other bin is tried:
    a transfer is replenishment, not a customer promise, and the planner re-plans the rest.
    Lock order: the transfer, its picks, then balances (release, hold), then the count.
    Raises `TransferError` when the bin is not one of the transfer's, or `found` is not
    below what is left to pick there."""
    transfer = _lock(tenant, transfer)
    transfer_machine.authorize(tenant=tenant, user=user, action="pick")
    if transfer.status != X.RELEASED:
        raise TransferError(
            f"{transfer.number} is {transfer_machine.display(transfer.status)}: nothing to pick."
        )
    try:
        found = Decimal(found)
    except (TypeError, InvalidOperation) as exc:
        raise TransferError(f"{found!r} is not a quantity.") from exc
    if not found.is_finite() or found < 0:
        raise TransferError(f"Give the quantity found, 0 or more, not {plain(found)}.")
    base = _base(tenant, item, unit or item.base_unit, found) if found > 0 else Decimal(0)
    open_picks = _open_picks(tenant, transfer, location=location, item=item, lot=lot, serial=serial)
    left = sum((p.remaining for p in open_picks), Decimal(0))
    if base >= left:
        raise TransferError(
            f"{plain(base)} {item.base_unit} found is not short: {plain(left)} are left to pick "
            f"from {location.code}. Confirm the pick instead.",
            field="quantity",
        )
    work.record_start(tenant=tenant, user=user, kind=WorkKind.TRANSFER, reference=transfer.pk)
    remaining = base
    balance_id = None
    for row in open_picks:
        take = min(remaining, row.remaining)
        remaining -= take
        row.picked += take
        row.short = row.quantity - row.picked
        row.picked_by, row.picked_at = user, timezone.now()
        row.save(update_fields=["picked", "short", "picked_by", "picked_at"])
        reservation = Reservation.objects.filter(
            tenant=tenant, source_type=PICK_SOURCE, source_id=row.pk
        ).first()
        if reservation is not None:
            balance_id = reservation.balance_id
            if row.short > 0:
                ledger.release(
                    tenant=tenant, user=user, reservation=reservation, quantity=row.short
                )
    if balance_id is not None:
        balance = StockBalance.objects.get(tenant=tenant, pk=balance_id)
        # What the bin still claims beyond what is promised is in doubt too: held until the
        # count, so nothing else is promised or picked from it meanwhile.
        hold = balance.on_hand - balance.reserved
        if hold > 0:
            ledger.post(
                tenant=tenant, user=user, kind=TransactionKind.STATUS_CHANGE,
                moves=[ledger.Move(
                    item=item, quantity=hold, source=location, destination=location, lot=lot,
                    serial=serial, source_status=StockStatus.AVAILABLE, destination_status=StockStatus.QUARANTINE,
                )],
                reference=f"{transfer.number} short pick",
                reason="missing at transfer pick; held pending a count",
                idempotency_key=f"transfer-short-hold:{open_picks[0].pk}",
            )  # fmt: skip
    request, _created = CountRequest.objects.get_or_create(
        tenant=tenant, location=location, done=False,
        defaults={"reason": f"short transfer pick {transfer.number} of {item.sku}"[:200]},
    )  # fmt: skip
    counting.count_flagged_bin(tenant=tenant, user=user, request=request)
    exceptions.record_short_transfer_pick(
        tenant=tenant, user=user, transfer=transfer, location=location, item=item,
        expected=left, found=base,
    )  # fmt: skip
    _finish_picking(tenant, user, transfer)
    _publish(tenant, transfer)
    return open_picks[0]


@transaction.atomic
def ship(*, tenant: Tenant, user: User, transfer: TransferOrder) -> TransferOrder:
    """Post the picked stock from the source bins to in transit, using its reservations.

    The ledger values each move out of the source site (FIFO layers or the average) and the
    in-transit entries carry that value; each pick keeps the value it left with, which its
    receipt brings back in. A repeat (double tap) posts nothing twice (idempotency key).

    Its cartons get the tenant's next SSCCs, one label each (`cartons.seal`: locked after the
    transfer, as a carton close locks it after its order; none without a GS1 company prefix,
    since a missing label setting must not hold stock at the dock); what is picked must be
    packed, or nothing packed at all (one carton)."""
    from warehouse.transfers import cartons

    transfer = _lock(tenant, transfer)
    transfer_machine.check(transfer, "ship", tenant=tenant, user=user)
    cartons.seal(tenant=tenant, user=user, transfer=transfer)
    in_transit = ledger.virtual_location(tenant=tenant, kind=LocationKind.IN_TRANSIT)
    picks = list(
        TransferPick.objects.filter(tenant=tenant, line__transfer=transfer)
        .select_related("line__item", "lot", "serial", "location")
        .order_by("pk")
    )
    reservations = {
        r.source_id: r
        for r in Reservation.objects.filter(
            tenant=tenant, source_type=PICK_SOURCE, source_id__in=[p.pk for p in picks]
        ).select_related("balance")
    }
    # A pick found empty (short to zero) has no reservation left and nothing to move.
    picks = [row for row in picks if row.picked > 0]
    if not picks:
        raise TransferError(
            f"Nothing was found to pick for {transfer.number}: there is nothing to ship."
        )
    moves, consume = [], []
    for row in picks:
        if row.pk not in reservations:
            raise TransferError(
                f"The stock reserved for {transfer.number} in {row.location.code} is no longer "
                "reserved; cancel the transfer and release it again."
            )
        moves.append(
            ledger.Move(
                item=row.line.item, quantity=row.picked, source=row.location,
                destination=in_transit, lot=row.lot, serial=row.serial,
            )
        )  # fmt: skip
        consume.append(ledger.Consume(reservations[row.pk], row.picked))
    posting = ledger.post(
        tenant=tenant, user=user, kind=TransactionKind.TRANSFER, moves=moves, consume=consume,
        reference=f"{transfer.number} out", idempotency_key=f"transfer-ship:{transfer.pk}",
    )  # fmt: skip
    triggers.count_pick_faces(tenant=tenant, user=user, posting=posting)
    # The in-transit entries hold each move's value, in the order of the moves.
    arrived = list(
        StockEntry.objects.filter(tenant=tenant, transaction_id=posting.pk, location=in_transit)
        .order_by("pk")
        .values_list("value", flat=True)
    )
    shipped: dict[int, Decimal] = defaultdict(Decimal)
    for row, value in zip(picks, arrived, strict=True):
        row.shipped_value = value
        row.save(update_fields=["shipped_value"])
        shipped[row.line_id] += row.picked
    for line in transfer.lines.all():
        line.shipped_base = shipped.get(line.pk, Decimal(0))
        line.save(update_fields=["shipped_base"])
    transfer_machine.move(transfer, "ship", tenant=tenant, user=user)
    transfer.shipped_at = timezone.now()
    transfer.save()
    _publish(tenant, transfer)
    webhooks.transfer_shipped(tenant=tenant, transfer=transfer)
    return transfer


def _unit_cost(
    tenant: Tenant, line: TransferLine, lot: Lot | None, serial: SerialNumber | None = None
) -> Decimal:
    """What one unit of this lot (or this serial: each left with its own cost) left with."""
    picks = TransferPick.objects.filter(tenant=tenant, line=line, lot=lot, serial=serial)
    totals = picks.aggregate(q=Sum("picked"), v=Sum("shipped_value"))
    if not totals["q"]:
        return Decimal(0)
    return (totals["v"] / totals["q"]).quantize(Decimal("0.000001"))


def _lot_in_transit(
    tenant: Tenant, line: TransferLine, lot: Lot | None, serial: SerialNumber | None = None
) -> Decimal:
    shipped = TransferPick.objects.filter(
        tenant=tenant, line=line, lot=lot, serial=serial
    ).aggregate(q=Sum("picked", default=Decimal(0)))["q"]
    received = TransferReceipt.objects.filter(
        tenant=tenant, line=line, lot=lot, serial=serial
    ).aggregate(q=Sum("quantity_base", default=Decimal(0)))["q"]
    return shipped - received


def _shipped_serial(
    tenant: Tenant, transfer: TransferOrder, item: Item, serial: SerialNumber | None
) -> TransferPick:
    """The shipped pick of one serial of the transfer, not received yet; `TransferError` for
    a serial the transfer did not ship (a unit that must not be booked in under it) or one
    already received."""
    if serial is None:
        raise TransferError(
            f"{item.sku} is serial-tracked: scan the serial of each unit.", field="serial"
        )
    shipped = (
        TransferPick.objects.filter(
            tenant=tenant, line__transfer=transfer, line__item=item, serial=serial, picked__gt=0
        )
        .select_related("lot")
        .first()
    )
    if shipped is None:
        raise TransferError(
            f"Serial {serial.serial} of {item.sku} is not on {transfer.number}: it was not "
            "shipped with it. Set the unit aside and tell a supervisor.",
            field="serial",
        )
    if TransferReceipt.objects.filter(
        tenant=tenant, line__transfer=transfer, serial=serial
    ).exists():
        raise TransferError(
            f"Serial {serial.serial} of {transfer.number} is received already.", field="serial"
        )
    return shipped


@transaction.atomic
def receive(
    *, tenant: Tenant, user: User, transfer: TransferOrder, item: Item, lot: Lot | None,
    quantity: Decimal, location: Location, scan_key: str, unit: str = "",
    serial: SerialNumber | None = None,
) -> TransferReceipt:  # fmt: skip
    """Post `quantity` of `item` (and `lot`) from in transit to the destination dock
    `location` at the cost it left with, and queue its putaway. More than is in transit for
    that lot is received all the same and recorded as an over discrepancy (the excess comes
    from the adjustment location at the same cost). A serial-tracked item is received one
    scanned `serial` at a time (its lot is the one it shipped in); a serial the transfer
    did not ship, or one received already, is refused, since booking it in would put one
    unit in two places. A repeated `scan_key` returns the first receipt. Raises
    `TransferError` for an item, lot or serial the transfer did not ship, or a bin that is not
    at the destination."""
    done = TransferReceipt.objects.filter(tenant=tenant, scan_key=scan_key).first()
    if done is not None:
        return done
    transfer = _lock(tenant, transfer)
    transfer_machine.authorize(tenant=tenant, user=user, action="receive")
    if transfer.status not in (X.SHIPPED, X.PARTIALLY_RECEIVED):
        raise TransferError(
            f"{transfer.number} is {transfer_machine.display(transfer.status)}: nothing to receive."
        )
    if not location.is_real or location.site_id != transfer.to_site_id:
        raise TransferError(f"{location.code} is not a bin at {transfer.to_site.code}.")
    if (
        not receiving_selectors.dock_locations(tenant=tenant, site_id=location.site_id)
        .filter(pk=location.pk)
        .exists()
    ):
        raise TransferError(
            f"{location.code} is not a dock or receiving bin: scan the dock the goods are put "
            "down at.",
            field="bin",
        )
    if item.is_serial_tracked:
        lot = _shipped_serial(tenant, transfer, item, serial).lot
        if Decimal(quantity) != 1:
            raise TransferError(
                f"A serial is one unit: receive 1 {item.base_unit}, not {plain(quantity)}.",
                field="quantity",
            )
    else:
        serial = None
    shipped_line = (
        TransferPick.objects.filter(
            tenant=tenant, line__transfer=transfer, line__item=item, lot=lot, serial=serial
        )
        .order_by("line_id")
        .values_list("line_id", flat=True)
        .first()
    )
    line = (
        TransferLine.objects.select_for_update(of=("self",))
        .filter(tenant=tenant, pk=shipped_line)
        .first()
    )
    if line is None:
        where = f"{item.sku}" + (f" lot {lot.code}" if lot else "")
        raise TransferError(f"{transfer.number} did not ship {where}.")
    base = _base(tenant, item, unit or item.base_unit, quantity)
    cost = _unit_cost(tenant, line, lot, serial)
    expected = max(_lot_in_transit(tenant, line, lot, serial), Decimal(0))
    from_transit = min(base, expected)
    over = base - from_transit
    in_transit = ledger.virtual_location(tenant=tenant, kind=LocationKind.IN_TRANSIT)
    moves = []
    if from_transit > 0:
        moves.append(ledger.Move(
            item=item, quantity=from_transit, source=in_transit, destination=location, lot=lot,
            serial=serial, unit_cost=cost,
        ))  # fmt: skip
    if over > 0:
        found = ledger.virtual_location(tenant=tenant, kind=LocationKind.ADJUSTMENT)
        moves.append(ledger.Move(
            item=item, quantity=over, source=found, destination=location, lot=lot, unit_cost=cost,
        ))  # fmt: skip
    posting = ledger.post(
        tenant=tenant, user=user, kind=TransactionKind.TRANSFER, moves=moves,
        reference=f"{transfer.number} in", idempotency_key=f"transfer-receive:{scan_key}"[:100],
    )  # fmt: skip
    receipt = TransferReceipt.objects.create(
        tenant=tenant, line=line, lot=lot, serial=serial, quantity_base=base, unit_cost=cost,
        location=location, transaction=posting, scan_key=scan_key[:100], received_by=user,
    )  # fmt: skip
    line.received_base += from_transit
    line.save(update_fields=["received_base"])
    if over > 0:
        TransferDiscrepancy.objects.create(
            tenant=tenant, transfer=transfer, line=line, kind=TransferDiscrepancyKind.OVER,
            quantity=over, reason=f"{plain(over)} {item.base_unit} more than shipped",
            created_by=user,
        )  # fmt: skip
    # Like a purchase receipt's: the goods on the dock get a putaway task in the queue.
    suggestion = putaway.suggest(
        tenant=tenant, item=item, lot=lot, quantity=base, unit=item.base_unit,
        site_id=location.site_id,
    )  # fmt: skip
    task = PutawayTask.objects.create(
        tenant=tenant, item=item, lot=lot, serial=serial, quantity=base, from_location=location,
        suggested_location=suggestion.location, rule=suggestion.rule,
        suggestion_note=suggestion.note[:200],
    )  # fmt: skip
    putaway.queue(tenant=tenant, task=task)
    complete = all(row.received_base >= row.shipped_base for row in transfer.lines.all())
    transfer_machine.move(
        transfer, "receive", tenant=tenant, user=user,
        target=X.RECEIVED if complete else X.PARTIALLY_RECEIVED,
    )  # fmt: skip
    transfer.save()
    _publish(tenant, transfer)
    if complete:
        webhooks.transfer_received(tenant=tenant, transfer=transfer)
    return receipt


@transaction.atomic
def close(
    *, tenant: Tenant, user: User, transfer: TransferOrder, missing: str = "", reason: str = ""
) -> TransferOrder:
    """Close a received transfer (accepting its over discrepancies), or a partially received
    one short.

    A closed transfer receives nothing more, so closing short settles what is still in
    transit: each line's missing quantity (each missing serial on its own) becomes a short
    discrepancy, written off from in transit to the scrap location at the cost it left with,
    so its value leaves transit as a loss and neither site holds it. `missing` must say
    `write_off` and a reason is kept. Goods that may still turn up are waited for by not
    closing: the transfer stays partially received, and they can be received whenever they
    arrive. Lock order: the transfer, its lines, then the ledger. Raises `TransferError`
    when a short close is not confirmed or has no reason."""
    transfer = _lock(tenant, transfer)
    transfer_machine.check(transfer, "close", tenant=tenant, user=user)
    lines = list(transfer.lines.select_related("item").select_for_update(of=("self",)))
    short = [line for line in lines if line.in_transit_base > 0]
    if short and missing != WRITE_OFF:
        units = sum((line.in_transit_base for line in short), Decimal(0))
        raise TransferError(
            f"{transfer.number} is short {plain(units)} units: closing writes them off as a loss. "
            "If they may still arrive, leave it open: it stays partially received and they "
            "can be received when they come."
        )
    if short and not reason.strip():
        raise TransferError("Say why the transfer is closed short: the reason is kept.")
    in_transit = ledger.virtual_location(tenant=tenant, kind=LocationKind.IN_TRANSIT)
    loss = ledger.virtual_location(tenant=tenant, kind=LocationKind.SCRAP)
    moves = []
    for line in short:
        unserialized = Decimal(0)
        shipped = sorted(
            set(line.picks.filter(picked__gt=0).values_list("lot_id", "serial_id")),
            key=lambda key: (key[0] or 0, key[1] or 0),
        )
        for lot_id, serial_id in shipped:
            lot = Lot.objects.get(tenant=tenant, pk=lot_id) if lot_id else None
            serial = SerialNumber.objects.get(tenant=tenant, pk=serial_id) if serial_id else None
            left = _lot_in_transit(tenant, line, lot, serial)
            if left <= 0:
                continue
            moves.append(ledger.Move(
                item=line.item, quantity=left, source=in_transit, destination=loss, lot=lot,
                serial=serial, unit_cost=_unit_cost(tenant, line, lot, serial),
            ))  # fmt: skip
            if serial is None:
                unserialized += left
                continue
            TransferDiscrepancy.objects.create(
                tenant=tenant, transfer=transfer, line=line, serial=serial,
                kind=TransferDiscrepancyKind.SHORT, quantity=left,
                reason=f"serial {serial.serial} missing: {reason.strip()}"[:200],
                resolution=TransferDiscrepancyResolution.WRITTEN_OFF, created_by=user,
            )  # fmt: skip
        if unserialized > 0:
            TransferDiscrepancy.objects.create(
                tenant=tenant, transfer=transfer, line=line, kind=TransferDiscrepancyKind.SHORT,
                quantity=unserialized, reason=reason.strip()[:200], created_by=user,
                resolution=TransferDiscrepancyResolution.WRITTEN_OFF,
            )  # fmt: skip
        line.written_off_base += line.in_transit_base
        line.save(update_fields=["written_off_base"])
    # Closing accepts what arrived beyond the shipment: it is on the destination's books.
    for over in TransferDiscrepancy.objects.filter(
        tenant=tenant, transfer=transfer, kind=TransferDiscrepancyKind.OVER,
        resolution=TransferDiscrepancyResolution.OPEN,
    ):  # fmt: skip
        over.resolution = TransferDiscrepancyResolution.ACCEPTED
        over._history_user = user
        over.save(update_fields=["resolution"])
    if moves:
        ledger.post(
            tenant=tenant, user=user, kind=TransactionKind.ADJUSTMENT, moves=moves,
            reference=f"{transfer.number} short", reason=reason[:200],
            idempotency_key=f"transfer-close:{transfer.pk}",
        )  # fmt: skip
    transfer_machine.move(transfer, "close", tenant=tenant, user=user, reason=reason)
    transfer.save()
    _publish(tenant, transfer)
    return transfer


def _scanned(
    tenant: Tenant, *, transfer: TransferOrder, bin_code: str, site: Site, item_code: str,
    lot_code: str, serial_code: str = "",
):  # fmt: skip
    """The location, item, unit, lot and serial a scanner page's codes name; `TransferError`
    with the form field to scan again."""
    from inventory import scanning
    from inventory.errors import InvalidPosting
    from inventory.services import lots

    try:
        location = scanning.resolve_bin(tenant=tenant, code=bin_code, site=site)
    except InvalidPosting as exc:
        raise TransferError(str(exc), field="bin") from exc
    try:
        item, unit, scan = scanning.resolve_item(tenant=tenant, text=item_code)
    except InvalidPosting as exc:
        raise TransferError(str(exc), field="item") from exc
    serial = None
    if item.is_serial_tracked:
        code = (serial_code or "").strip() or (scan.serial or "")
        if not code:
            raise TransferError(
                f"{item.sku} is serial-tracked: scan or type the unit's serial.", field="serial"
            )
        serial = SerialNumber.objects.filter(tenant=tenant, item=item, serial=code).first()
        if serial is None:
            raise TransferError(
                f"Serial {code} of {item.sku} is not on {transfer.number}.", field="serial"
            )
    lot = None
    code = (lot_code or "").strip() or (scan.lot or "")
    if item.is_lot_tracked:
        if not code and serial is not None and serial.lot_id:
            # The serial knows its lot: no second scan for it.
            return location, item, unit or item.base_unit, serial.lot, serial
        if not code:
            raise TransferError(f"{item.sku} is lot-tracked: scan or type its lot.", field="lot")
        try:
            lot = lots.existing_lot(tenant=tenant, item=item, code=code)
        except InvalidPosting as exc:
            raise TransferError(str(exc), field="lot") from exc
    return location, item, unit or item.base_unit, lot, serial


@dataclass
class PickStep:
    """The outcome of a scan on the transfer's pick step: the pick confirmed, or (nothing
    done) the field to scan next and what to tell the operator."""

    pick: TransferPick | None
    needs: str = ""
    message: str = ""


def pick_step(
    *, tenant: Tenant, user: User, transfer: TransferOrder, bin_code: str, item_code: str,
    quantity: Decimal, lot_code: str = "", serial_code: str = "", short: bool = False,
) -> PickStep:  # fmt: skip
    """`pick` (or, `short`, `short_pick` of `quantity` found) the transfer's next pick in walk
    order from what the operator scanned, through the outbound pick's scan steps
    (`warehouse.picking.steps`): its bin, its item, its lot or serial when tracked. Scans
    right so far but incomplete return what to scan next and change nothing. Raises
    `WarehouseError` (with the form field) for a scan that is not the pick's."""
    from warehouse.transfers import selectors

    wanted = selectors.next_pick(tenant=tenant, transfer=transfer)
    if wanted is None:
        raise TransferError(f"{transfer.number} has nothing left to pick.")
    item = wanted.line.item
    needs = steps.check_scans(
        tenant=tenant, bin_code=bin_code, item_code=item_code, quantity=quantity,
        lot_code=lot_code, serial_code=serial_code,
        wanted=steps.Wanted(wanted.location, item, wanted.lot, wanted.serial),
    )  # fmt: skip
    if needs:
        return PickStep(None, *needs)
    stock = {
        "tenant": tenant, "user": user, "transfer": transfer, "location": wanted.location,
        "item": item, "lot": wanted.lot, "serial": wanted.serial,
    }  # fmt: skip
    if short:
        return PickStep(short_pick(**stock, found=quantity))
    return PickStep(pick(**stock, quantity=quantity))


def receive_scanned(
    *, tenant: Tenant, user: User, transfer: TransferOrder, bin_code: str, item_code: str,
    quantity: Decimal, scan_key: str, lot_code: str = "", serial_code: str = "",
) -> TransferReceipt:  # fmt: skip
    """`receive` from what the operator scanned at the destination dock."""
    location, item, unit, lot, serial = _scanned(
        tenant, transfer=transfer, bin_code=bin_code, site=transfer.to_site,
        item_code=item_code, lot_code=lot_code, serial_code=serial_code,
    )  # fmt: skip
    return receive(
        tenant=tenant, user=user, transfer=transfer, item=item, lot=lot, quantity=quantity,
        location=location, scan_key=scan_key, unit=unit, serial=serial,
    )  # fmt: skip
