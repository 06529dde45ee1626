"""Reservations: stock promised to a document line. They move `reserved`, never `on_hand`;
`post(..., consume=[Consume(reservation, qty)])` uses them up in the posting itself."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from erp.models import Tenant, User
from inventory.errors import InsufficientStock, InvalidPosting
from inventory.models import (
    Item,
    Location,
    Lot,
    Reservation,
    SerialNumber,
    StockBalance,
    StockStatus,
)


@transaction.atomic
def reserve(
    *,
    tenant: Tenant,
    user: User | None,
    item: Item,
    location: Location,
    quantity: Decimal,
    source_type: str,
    source_id: int,
    lot: Lot | None = None,
    serial: SerialNumber | None = None,
    status: str = StockStatus.AVAILABLE,
    reference: str = "",
) -> Reservation:
    """Reserve `quantity` (base unit) of the balance for a source line; repeat calls add up.

    The balance row is locked by the conditional UPDATE, so two reservations of the last
    unit cannot both succeed. Raises `InsufficientStock` when on hand minus reserved is short.
    """
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise InvalidPosting(f"Reserve a quantity above zero, not {quantity}.")
    if not location.is_real:
        raise InvalidPosting("Only stock in a bin can be reserved.")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE inventory_stockbalance SET reserved = reserved + %s
            WHERE tenant_id = %s AND item_id = %s AND location_id = %s
              AND lot_id IS NOT DISTINCT FROM %s AND serial_id IS NOT DISTINCT FROM %s
              AND status = %s AND on_hand - reserved >= %s
            RETURNING id
            """,
            [quantity, tenant.pk, item.pk, location.pk, lot.pk if lot else None,
             serial.pk if serial else None, status, quantity],
        )  # fmt: skip
        row = cursor.fetchone()
        if row is None:
            balance = StockBalance.objects.filter(
                tenant=tenant, item=item, location=location, lot=lot, serial=serial, status=status
            ).first()
            available = balance.on_hand - balance.reserved if balance else Decimal(0)
            raise InsufficientStock(
                sku=item.sku, location=location.code, lot=lot.code if lot else "",
                available=available, requested=quantity, status=status,
            )  # fmt: skip
        cursor.execute(
            """
            INSERT INTO inventory_reservation AS r
                (tenant_id, balance_id, quantity, source_type, source_id, reference, created_at, created_by_id)
            VALUES (%s, %s, %s, %s, %s, %s, now(), %s)
            ON CONFLICT (tenant_id, source_type, source_id, balance_id)
            DO UPDATE SET quantity = r.quantity + EXCLUDED.quantity
            RETURNING id
            """,
            [
                tenant.pk,
                row[0],
                quantity,
                source_type,
                source_id,
                reference[:100],
                user.pk if user else None,
            ],
        )
        reservation_id = cursor.fetchone()[0]
    return Reservation.objects.select_related("balance").get(pk=reservation_id)


@transaction.atomic
def release(
    *, tenant: Tenant, user: User | None, reservation: Reservation, quantity: Decimal | None = None
) -> Decimal:
    """Give back `quantity` (all when None) of a reservation; return what was released.

    Lock order as everywhere: the balance row first, then the reservation.
    """
    balance = StockBalance.objects.select_for_update().get(tenant=tenant, pk=reservation.balance_id)
    current = (
        Reservation.objects.select_for_update().filter(tenant=tenant, pk=reservation.pk).first()
    )
    if current is None:
        return Decimal(0)
    amount = current.quantity if quantity is None else min(Decimal(quantity), current.quantity)
    if amount <= 0:
        raise InvalidPosting(f"Release a quantity above zero, not {quantity}.")
    if amount == current.quantity:
        current.delete()
    else:
        current.quantity -= amount
        current.save(update_fields=["quantity"])
    balance.reserved -= amount
    balance.save(update_fields=["reserved"])
    return amount


def release_source(
    *, tenant: Tenant, user: User | None, source_type: str, source_id: int
) -> Decimal:
    """Release every reservation of one source line (e.g. a cancelled order line)."""
    total = Decimal(0)
    for reservation in Reservation.objects.filter(
        tenant=tenant, source_type=source_type, source_id=source_id
    ).order_by("balance_id"):
        total += release(tenant=tenant, user=user, reservation=reservation)
    return total


@dataclass(frozen=True)
class Candidate:
    """Available stock of an item at a site, locked for the caller's transaction."""

    balance_id: int
    item_id: int
    location_id: int
    lot_id: int | None
    free: Decimal  # on hand - reserved
    bin_code: str
    bin_type: str
    walk_sequence: int
    expiry: datetime.date | None
    lot_received: datetime.datetime | None


STORAGE_BIN_TYPES = ("pick_face", "reserve")


def lock_available(
    *,
    tenant: Tenant,
    site_id: int,
    item_ids: Iterable[int],
    bin_types: Iterable[str] = STORAGE_BIN_TYPES,
) -> list[Candidate]:
    """Lock and read every `available` balance with free stock of these items in the site's
    storage bins (pick faces and reserve: not docks, QC or staging, where stock is still
    arriving or already picked), in the ledger's global key order (as `post` locks), so an
    allocation reserving from them cannot deadlock with a posting and cannot promise a unit
    twice."""
    ids = sorted(set(item_ids))
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT b.id, b.item_id, b.location_id, b.lot_id, b.on_hand - b.reserved,
                   bin.code, bin.bin_type, bin.walk_sequence, lot.expiry_date, lot.created_at
            FROM inventory_stockbalance b
            JOIN inventory_location loc ON loc.id = b.location_id AND loc.tenant_id = b.tenant_id
            JOIN inventory_bin bin ON bin.id = loc.bin_id AND bin.tenant_id = b.tenant_id
            LEFT JOIN inventory_lot lot ON lot.id = b.lot_id AND lot.tenant_id = b.tenant_id
            WHERE b.tenant_id = %s AND b.site_id = %s AND b.item_id = ANY(%s) AND b.is_real
              AND b.status = 'available' AND b.on_hand > b.reserved AND bin.is_active
              AND bin.bin_type = ANY(%s)
            ORDER BY b.item_id, b.location_id, COALESCE(b.lot_id, 0), COALESCE(b.serial_id, 0), b.status
            FOR UPDATE OF b
            """,
            [tenant.pk, site_id, ids, list(bin_types)],
        )
        return [Candidate(*row) for row in cursor.fetchall()]


@dataclass(frozen=True)
class ReserveRequest:
    balance_id: int
    quantity: Decimal
    source_type: str
    source_id: int
    reference: str = ""


def reserve_many(*, tenant: Tenant, user: User | None, requests: list[ReserveRequest]) -> None:
    """Reserve many quantities at once from balances the caller locked with `lock_available`
    and checked in memory; one statement whatever the number. A request that no longer fits
    (the caller did not lock, or counted wrong) fails the whole call with `InsufficientStock`."""
    if not requests:
        return
    per_balance: dict[int, Decimal] = defaultdict(Decimal)
    for request in requests:
        per_balance[request.balance_id] += request.quantity
    balances = sorted(per_balance)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH wanted AS (SELECT * FROM unnest(%s::bigint[], %s::numeric[]) AS w(id, q)),
            updated AS (
                UPDATE inventory_stockbalance b SET reserved = b.reserved + w.q FROM wanted w
                WHERE b.tenant_id = %s AND b.id = w.id AND b.is_real AND b.on_hand - b.reserved >= w.q
                RETURNING b.id),
            made AS (
                INSERT INTO inventory_reservation AS r
                    (tenant_id, balance_id, quantity, source_type, source_id, reference, created_at, created_by_id)
                SELECT %s, x.b, sum(x.q), x.st, x.sid, max(x.ref), now(), %s
                FROM unnest(%s::bigint[], %s::numeric[], %s::text[], %s::bigint[], %s::text[]) AS x(b, q, st, sid, ref)
                WHERE (SELECT count(*) FROM updated) = cardinality(%s::bigint[])
                GROUP BY x.b, x.st, x.sid
                ON CONFLICT (tenant_id, source_type, source_id, balance_id)
                DO UPDATE SET quantity = r.quantity + EXCLUDED.quantity
                RETURNING 1)
            SELECT (SELECT count(*) FROM updated), (SELECT count(*) FROM made)
            """,
            [
                balances, [per_balance[b] for b in balances], tenant.pk,
                tenant.pk, user.pk if user else None,
                [r.balance_id for r in requests], [r.quantity for r in requests],
                [r.source_type for r in requests], [r.source_id for r in requests],
                [r.reference[:100] for r in requests], balances,
            ],
        )  # fmt: skip
        updated, _ = cursor.fetchone()
    if updated != len(balances):
        # Some balances were updated and must not stay so: not a DomainError, so the
        # caller's transaction rolls back.
        raise ReservationRace(
            f"{len(balances) - updated} balance(s) no longer had the stock counted; allocate again."
        )


class ReservationRace(RuntimeError):
    pass
