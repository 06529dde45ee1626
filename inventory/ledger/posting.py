"""`post`: the one entry point that changes stock.

A posting is a list of `Move`s (quantity from one balance key to another); each becomes two
entries, so every transaction sums to zero per item, lot and serial by construction. `post`
checks the input in Python, locks any serial numbers moved, values the flows that cross a
site's boundary (`inventory.ledger.valuation`, which locks the cost layers), then writes the
header, balances and entries in one prepared statement (`inventory.ledger.statement`) that
locks balance rows in one global order (item, location, lot, serial, status) and writes
nothing at all if any of them would go short. Cost layers and the reservations named in
`consume` follow. The statement count does not grow with the number of lines.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from erp.models import Tenant, User
from erp.numbers import plain
from inventory import units
from inventory.errors import (
    InsufficientStock,
    InvalidPosting,
    LedgerInconsistent,
    SerialConflict,
    UnitConversionError,
)
from inventory.ledger import snapshots, statement, valuation
from inventory.models import (
    Item,
    Location,
    Lot,
    Reservation,
    SerialNumber,
    StockBalance,
    StockStatus,
    StockTransaction,
    TransactionKind,
)

QUANTUM = Decimal("0.0001")
STATUSES = frozenset(StockStatus.values)
KINDS = frozenset(TransactionKind.values)  # `.values` builds a new list on every call
HEADER_FIELDS = [
    "id", "tenant_id", "kind", "reference", "idempotency_key", "posted_by_id", "posted_at",
    "reason", "reverses_id",
]  # fmt: skip


@dataclass(frozen=True)
class Move:
    """`quantity` (> 0, in `unit` or the base unit) of `item` from `source` to `destination`."""

    item: Item
    quantity: Decimal
    source: Location
    destination: Location
    lot: Lot | None = None
    serial: SerialNumber | None = None
    source_status: str = StockStatus.AVAILABLE
    destination_status: str | None = None  # None: same as source_status
    unit: str | None = None
    unit_cost: Decimal | None = None  # per base unit, for stock entering a site
    layer_entry: int | None = None  # a reversal takes from the FIFO layer this entry made


@dataclass(frozen=True)
class Consume:
    """Use `quantity` (base unit) of `reservation` in this posting: its balance is a source."""

    reservation: Reservation
    quantity: Decimal


@dataclass
class Leg:
    item: Item
    location: Location
    lot: Lot | None
    serial: SerialNumber | None
    status: str
    quantity: Decimal  # signed, base unit
    value: Decimal = Decimal(0)
    unit_cost: Decimal = Decimal(0)

    @property
    def key(self) -> tuple:
        return (
            self.item.pk,
            self.location.pk,
            self.lot.pk if self.lot else 0,
            self.serial.pk if self.serial else 0,
            self.status,
        )


def _base_quantity(move: Move, factors: dict[tuple[int, str], Decimal]) -> Decimal:
    item = move.item
    try:
        quantity = Decimal(move.quantity)
    except (TypeError, ArithmeticError) as exc:
        raise InvalidPosting(f"Quantity {move.quantity!r} is not a number.") from exc
    if not quantity.is_finite() or quantity <= 0:
        raise InvalidPosting(
            f"Quantity of {item.sku} must be more than zero, not {quantity}.", sku=item.sku
        )
    unit = move.unit or item.base_unit
    factor = Decimal(1) if unit == item.base_unit else factors.get((item.pk, unit))
    if factor is None:
        raise UnitConversionError(
            f"{item.sku} has no unit '{unit}'; use {item.base_unit} or one of its units.",
            sku=item.sku,
            unit=unit,
        )
    quantity = units.convert(item=item, unit=unit, quantity=quantity, factor=factor)
    if quantity != quantity.quantize(QUANTUM):
        raise UnitConversionError(
            f"{quantity} {item.base_unit} of {item.sku} has more than 4 decimal places.",
            sku=item.sku,
        )
    return quantity.quantize(QUANTUM)


def _check_move(tenant: Tenant, move: Move, quantity: Decimal, today: datetime.date) -> None:
    item, lot, serial = move.item, move.lot, move.serial
    for obj in (item, move.source, move.destination, lot, serial):
        if obj is not None and (obj.pk is None or obj.tenant_id != tenant.pk):
            raise InvalidPosting(f"Unknown {type(obj).__name__.lower()} {obj}.")
    destination_status = move.destination_status or move.source_status
    for status in (move.source_status, destination_status):
        if status not in STATUSES:
            raise InvalidPosting(f"Unknown stock status '{status}'.")
    if (move.source.pk, move.source_status) == (move.destination.pk, destination_status):
        raise InvalidPosting(f"{item.sku}: source and destination are the same.")
    if lot is not None and lot.item_id != item.pk:
        raise InvalidPosting(f"Lot {lot.code} belongs to another item, not {item.sku}.")
    if serial is not None and serial.item_id != item.pk:
        raise InvalidPosting(f"Serial {serial.serial} belongs to another item, not {item.sku}.")
    if item.is_lot_tracked and lot is None:
        raise InvalidPosting(f"{item.sku} is lot-tracked: give the lot.", sku=item.sku)
    if item.is_serial_tracked:
        if serial is None:
            raise InvalidPosting(f"{item.sku} is serial-tracked: give the serial.", sku=item.sku)
        if quantity != 1:
            raise InvalidPosting(
                f"A serial number is one unit; {plain(quantity)} of {item.sku} were asked "
                f"for serial {serial.serial}.",
                sku=item.sku,
            )
    elif serial is not None:
        raise InvalidPosting(f"{item.sku} is not serial-tracked.", sku=item.sku)
    if not item.is_lot_tracked and lot is not None and not item.is_serial_tracked:
        raise InvalidPosting(f"{item.sku} is not lot-tracked.", sku=item.sku)
    if (
        lot is not None
        and lot.expiry_date is not None
        and lot.expiry_date < today
        and destination_status == StockStatus.AVAILABLE
        and move.destination.is_real
    ):
        raise InvalidPosting(
            f"Lot {lot.code} of {item.sku} expired on {lot.expiry_date:%Y-%m-%d}; it cannot be "
            "available stock (post it as expired or quarantine).",
            sku=item.sku,
            lot=lot.code,
        )


def _factors(moves: Sequence[Move]) -> dict[tuple[int, str], Decimal]:
    return units.factors((m.item, m.unit) for m in moves)


def _balance_rows(
    legs: list[Leg], consumed: dict[tuple, Decimal]
) -> tuple[list[tuple], dict[tuple, Decimal], dict[tuple, Leg]]:
    """One row per balance key touched, in the global lock order, with its net change."""
    deltas: dict[tuple, Decimal] = defaultdict(Decimal)
    sample: dict[tuple, Leg] = {}
    for leg in legs:
        deltas[leg.key] += leg.quantity
        sample.setdefault(leg.key, leg)
    keys = sorted(k for k in deltas if deltas[k] != 0 or consumed.get(k))
    rows = [
        (key[0], key[1], key[2] or None, key[3] or None, key[4], deltas[key],
         consumed.get(key, Decimal(0)), sample[key].location.is_real, sample[key].location.site_id)
        for key in keys
    ]  # fmt: skip
    return rows, deltas, sample


def _check_serials(tenant: Tenant, legs: list[Leg]) -> None:
    """Lock the serial numbers moved (sorted, before any balance) and refuse a posting that
    would leave one in two places or twice in one. The deferred trigger is the backstop."""
    serial_legs = [leg for leg in legs if leg.serial is not None]
    if not serial_legs:
        return
    ids = sorted({leg.serial.pk for leg in serial_legs})
    list(
        SerialNumber.objects.select_for_update()
        .filter(tenant=tenant, pk__in=ids)
        .order_by("pk")
        .values_list("pk")
    )
    after: dict[int, dict[tuple, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    names = {}
    for balance in StockBalance.objects.filter(
        tenant=tenant, serial_id__in=ids, on_hand__gt=0
    ).select_related("location"):
        key = (
            balance.item_id,
            balance.location_id,
            balance.lot_id or 0,
            balance.serial_id,
            balance.status,
        )
        after[balance.serial_id][key] += balance.on_hand
        names[key] = balance.location.code
    for leg in serial_legs:
        after[leg.serial.pk][leg.key] += leg.quantity
        names.setdefault(leg.key, leg.location.code)
    for leg in serial_legs:
        holding = {key: q for key, q in after[leg.serial.pk].items() if q > 0}
        if len(holding) > 1 or any(q > 1 for q in holding.values()):
            elsewhere = sorted(names[key] for key in holding if key != leg.key) or [
                leg.location.code
            ]
            raise SerialConflict(
                serial=leg.serial.serial, sku=leg.item.sku, where=", ".join(elsewhere)
            )


def _raise_shortfall(tenant: Tenant, leg: Leg, delta: Decimal, consumed: Decimal) -> None:
    balance = StockBalance.objects.filter(
        tenant=tenant,
        item=leg.item,
        location=leg.location,
        lot=leg.lot,
        serial=leg.serial,
        status=leg.status,
    ).first()
    on_hand = balance.on_hand if balance else Decimal(0)
    reserved = balance.reserved if balance else Decimal(0)
    # Stock reserved for others is not available to this posting; its own consumption is.
    available = on_hand - reserved + consumed
    raise InsufficientStock(
        sku=leg.item.sku,
        location=leg.location.code,
        lot=leg.lot.code if leg.lot else "",
        available=max(available, Decimal(0)),
        requested=-delta,
        status=leg.status,
    )


def _consume(tenant: Tenant, consume: Sequence[Consume], legs: list[Leg]) -> dict[tuple, Decimal]:
    sources = {leg.key for leg in legs if leg.quantity < 0}
    consumed: dict[tuple, Decimal] = defaultdict(Decimal)
    for use in consume:
        reservation = use.reservation
        balance = reservation.balance
        key = (
            balance.item_id,
            balance.location_id,
            balance.lot_id or 0,
            balance.serial_id or 0,
            balance.status,
        )
        if reservation.tenant_id != tenant.pk or key not in sources:
            raise InvalidPosting(
                f"Reservation #{reservation.pk} is not for stock this posting takes."
            )
        quantity = Decimal(use.quantity)
        if quantity <= 0 or quantity > reservation.quantity:
            raise InvalidPosting(
                f"Reservation #{reservation.pk} holds {plain(reservation.quantity)}; "
                f"cannot use {quantity}."
            )
        consumed[key] += quantity
    return consumed


class ConcurrentChange(RuntimeError):
    pass


def _update_reservations(tenant: Tenant, consume: Sequence[Consume]) -> None:
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for use in consume:
        totals[use.reservation.pk] += Decimal(use.quantity)
    ids = sorted(totals)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH u AS (SELECT * FROM unnest(%s::bigint[], %s::numeric[]) AS u(id, q)),
            gone AS (
                DELETE FROM inventory_reservation r USING u
                WHERE r.tenant_id = %s AND r.id = u.id AND r.quantity = u.q RETURNING r.id),
            kept AS (
                UPDATE inventory_reservation r SET quantity = r.quantity - u.q FROM u
                WHERE r.tenant_id = %s AND r.id = u.id AND r.quantity > u.q RETURNING r.id)
            SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM kept)
            """,
            [ids, [totals[i] for i in ids], tenant.pk, tenant.pk],
        )
        if cursor.fetchone()[0] != len(ids):
            # After the balances were written: must roll back, so not a DomainError.
            raise ConcurrentChange("A reservation changed while it was being used; try again.")


def _legs(moves: Sequence[Move], quantities: list[Decimal]) -> list[Leg]:
    legs = []
    for move, quantity in zip(moves, quantities, strict=True):
        destination_status = move.destination_status or move.source_status
        legs.append(
            Leg(move.item, move.source, move.lot, move.serial, move.source_status, -quantity)
        )
        legs.append(
            Leg(move.item, move.destination, move.lot, move.serial, destination_status, quantity)
        )
    return legs


def post(
    *,
    tenant: Tenant,
    user: User | None,
    kind: str,
    moves: Sequence[Move],
    reference: str = "",
    idempotency_key: str | None = None,
    reason: str = "",
    consume: Sequence[Consume] = (),
    posted_at: datetime.datetime | None = None,
    reverses_id: int | None = None,
) -> StockTransaction:
    """Post `moves` as one transaction and return it (or the earlier one for a repeated key).

    Guarantees: all or nothing; balances change in the same database transaction as the
    entries; real locations never go below zero nor below what is reserved; serial numbers
    are one unit in one place. Lock order: the serial numbers moved, the cost layers sorted
    by (item, site), the items (share lock), the balance rows sorted by (item, location, lot,
    serial, status), then reservations. Every posting takes them in this order, so
    concurrent postings cannot deadlock.
    Raises `InvalidPosting`/`UnitConversionError` for bad input, `InsufficientStock` when a
    source lacks stock, `SerialConflict` when a serial would be in two places.
    """
    args = {
        "tenant": tenant, "user": user, "kind": kind, "moves": moves, "reference": reference,
        "idempotency_key": idempotency_key, "reason": reason, "consume": consume,
        "posted_at": posted_at, "reverses_id": reverses_id,
    }  # fmt: skip
    if connection.in_atomic_block:
        # No savepoint: a refused posting has written nothing (see `statement`), and a failure
        # after the writes is not a DomainError, so it rolls the caller's transaction back.
        return _post(**args)
    with transaction.atomic():
        return _post(**args)


def _post(
    *,
    tenant: Tenant,
    user: User | None,
    kind: str,
    moves: Sequence[Move],
    reference: str = "",
    idempotency_key: str | None = None,
    reason: str = "",
    consume: Sequence[Consume] = (),
    posted_at: datetime.datetime | None = None,
    reverses_id: int | None = None,
) -> StockTransaction:
    if kind not in KINDS:
        raise InvalidPosting(f"Unknown transaction kind '{kind}'.")
    if not moves:
        raise InvalidPosting("A posting needs at least one line.")
    today = timezone.localdate()
    factors = _factors(moves)
    quantities = [_base_quantity(m, factors) for m in moves]
    for move, quantity in zip(moves, quantities, strict=True):
        _check_move(tenant, move, quantity, today)
    posted_at = posted_at or timezone.now()
    legs = _legs(moves, quantities)
    consumed = _consume(tenant, consume, legs) if consume else {}
    try:
        _check_serials(tenant, legs)
    except SerialConflict:
        # A retried scan finds its serial where the first posting put it: return that one.
        earlier = (
            StockTransaction.objects.filter(tenant=tenant, idempotency_key=idempotency_key).first()
            if idempotency_key
            else None
        )
        if earlier is None:
            raise
        return earlier
    plan = valuation.value_moves(tenant, moves, quantities, legs, posted_at)
    rows, deltas, sample = _balance_rows(legs, consumed)
    items = list({move.item.pk: move.item for move in moves}.values())
    written = statement.write(
        tenant_id=tenant.pk, kind=kind, reference=reference, idempotency_key=idempotency_key,
        user_id=user.pk if user else None, posted_at=posted_at, reason=reason,
        reverses_id=reverses_id, items=items, balance_rows=rows, legs=legs,
    )  # fmt: skip
    if written.header_id is None and idempotency_key:
        # A repeat of a posting that took the last units sees a shortfall now: it is still
        # a repeat, and gets the first posting back.
        earlier = StockTransaction.objects.filter(
            tenant=tenant, idempotency_key=idempotency_key
        ).first()
        if earlier is not None:
            return earlier
    if written.short:
        row = rows[written.short[0] - 1]
        key = (row[0], row[1], row[2] or 0, row[3] or 0, row[4])
        _raise_shortfall(tenant, sample[key], deltas[key], consumed.get(key, Decimal(0)))
    if written.header_id is None:
        if written.stale_items:
            sku = next(i.sku for i in items if i.pk in written.stale_items)
            raise InvalidPosting(
                f"{sku} was changed while this was being posted; try again.", sku=sku
            )
        if written.items_found != len(items):
            raise InvalidPosting("An item of this posting no longer exists.")
        return StockTransaction.objects.get(tenant=tenant, idempotency_key=idempotency_key)
    if written.balances_written != len(rows):
        raise LedgerInconsistent(sku=items[0].sku, site="(balance guard)")
    plan.finish(written.entry_ids)
    # Valuation snapshots (issue 15): a posting dated into a closed month forgets the months
    # from there on. No query unless `posted_at` is over an hour old.
    snapshots.invalidate_after(tenant_id=tenant.pk, posted_at=posted_at)
    if consume:
        _update_reservations(tenant, consume)
    # from_db takes the positional fast path of Model.__init__ (keyword arguments cost a
    # tenth of a small posting's client CPU).
    header = StockTransaction.from_db(
        connection.alias, HEADER_FIELDS,
        (written.header_id, tenant.pk, kind, reference[:100], idempotency_key,
         user.pk if user else None, posted_at, reason[:200], reverses_id),
    )  # fmt: skip
    StockTransaction.tenant.field.set_cached_value(header, tenant)
    if user is not None:
        StockTransaction.posted_by.field.set_cached_value(header, user)
    return header
