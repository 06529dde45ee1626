"""Reservations: stock promised to a document line. They move `reserved`, never `on_hand`;
`post(..., consume=[Consume(reservation, qty)])` uses them up in the posting itself."""

from __future__ import annotations

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
