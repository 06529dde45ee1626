"""Customers and shipped sales orders for a scale tenant (`seed_scale`).

The orders are history: each one is created already shipped and closed, with its lines
matching the shipment posting that references it, so no open demand is published.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from simple_history.utils import bulk_create_with_history

from erp.models import Tenant, User
from orders.models import Customer, OrderStatus, SalesOrder, SalesOrderLine

BATCH = 2000


def customer_code(number: int) -> str:
    return f"CUS{number:05d}"


def customer_count(items: int) -> int:
    return max(3, min(5000, items // 10))


@dataclass(frozen=True)
class ShippedLine:
    item_id: int
    quantity: Decimal  # base unit
    price: Decimal


@dataclass(frozen=True)
class ShippedOrder:
    number: str
    customer_id: int
    site_id: int
    lines: list[ShippedLine]


def seed_scale(*, tenant: Tenant, items: int) -> list[int]:
    """Create the missing customers; returns their ids in code order. Call inside the
    tenant's context."""
    count = customer_count(items)
    existing = set(Customer.objects.filter(tenant=tenant).values_list("code", flat=True))
    new = [
        Customer(tenant=tenant, code=customer_code(n), name=f"Customer {n}", priority=1 + n % 3,
                 carrier=("UPS", "FedEx", "Own fleet")[n % 3], route=f"R{n % 20:02d}",
                 email=f"buyer@cus{n}.example")
        for n in range(1, count + 1)
        if customer_code(n) not in existing
    ]  # fmt: skip
    if new:
        bulk_create_with_history(new, Customer, batch_size=BATCH)
    return list(
        Customer.objects.filter(tenant=tenant, code__startswith="CUS")
        .order_by("code")
        .values_list("pk", flat=True)
    )


def record_shipped_orders(
    *, tenant: Tenant, user: User, orders: list[ShippedOrder], shipped_at: datetime.datetime
) -> None:
    """Create `orders` as shipped and closed at `shipped_at`, inside the caller's transaction
    (the shipment posting's)."""
    date = shipped_at.date()
    headers = bulk_create_with_history(
        [
            SalesOrder(tenant=tenant, number=o.number, customer_id=o.customer_id, site_id=o.site_id,
                       status=OrderStatus.CLOSED, order_date=date, requested_date=date,
                       promised_date=date, created_by=user, confirmed_at=shipped_at)
            for o in orders
        ],
        SalesOrder, batch_size=BATCH, default_user=user, default_date=shipped_at,
    )  # fmt: skip
    lines = [
        SalesOrderLine(tenant=tenant, order=header, line_no=n, item_id=line.item_id, unit="each",
                       quantity=line.quantity, quantity_base=line.quantity, price=line.price,
                       requested_date=date, promised_date=date, shipped_base=line.quantity,
                       first_shipped_at=shipped_at)
        for header, order in zip(headers, orders, strict=True)
        for n, line in enumerate(order.lines, start=1)
    ]  # fmt: skip
    bulk_create_with_history(
        lines, SalesOrderLine, batch_size=BATCH, default_user=user, default_date=shipped_at
    )


# --- documents of the history (`seed_scale_documents`) -----------------------------------

SEEDED = "SO-S"  # the shipped history's numbers
BACKORDER = "SO-B"  # the open backorders'


@dataclass(frozen=True)
class SeededLine:
    pk: int
    line_no: int
    item_id: int
    quantity_base: Decimal


@dataclass(frozen=True)
class SeededOrder:
    pk: int
    number: str
    site_id: int
    shipped_at: datetime.datetime
    lines: list[SeededLine]


def seeded_orders(*, tenant: Tenant, exclude_ids) -> list[SeededOrder]:
    """The shipped history's orders (not in `exclude_ids`, a subquery of those already
    documented) with their lines, by number."""
    orders = {
        pk: SeededOrder(pk, number, site_id, confirmed_at, [])
        for pk, number, site_id, confirmed_at in SalesOrder.objects.filter(
            tenant=tenant, number__startswith=SEEDED, status=OrderStatus.CLOSED
        )
        .exclude(pk__in=exclude_ids)
        .order_by("number")
        .values_list("pk", "number", "site_id", "confirmed_at")
    }
    for pk, order_id, line_no, item_id, quantity in (
        SalesOrderLine.objects.filter(tenant=tenant, order_id__in=list(orders))
        .order_by("order_id", "line_no")
        .values_list("pk", "order_id", "line_no", "item_id", "shipped_base")
    ):
        orders[order_id].lines.append(SeededLine(pk, line_no, item_id, quantity))
    return list(orders.values())


@dataclass(frozen=True)
class Promise:
    """What the order said before it shipped: confirmed at, promised for, and (shipped short)
    one line's quantity that never shipped and was cancelled when the order closed."""

    order_id: int
    confirmed_at: datetime.datetime
    promised_date: datetime.date
    short_line_id: int | None = None
    short_base: Decimal = Decimal(0)


def record_promises(*, tenant: Tenant, promises: list[Promise]) -> None:
    """Give the shipped history its order and promise dates, and its short lines their
    cancelled remainder (ordered = shipped + cancelled; the order stays closed). One UPDATE
    per table; the history rows keep the order as created (a correction of seeded data)."""
    if not promises:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE orders_salesorder o
            SET confirmed_at = v.confirmed_at, order_date = v.order_date,
                requested_date = v.promised_date, promised_date = v.promised_date
            FROM unnest(%s::bigint[], %s::timestamptz[], %s::date[], %s::date[])
                 AS v(id, confirmed_at, order_date, promised_date)
            WHERE o.tenant_id = %s AND o.id = v.id
            """,
            [[p.order_id for p in promises], [p.confirmed_at for p in promises],
             [p.confirmed_at.date() for p in promises], [p.promised_date for p in promises],
             tenant.pk],
        )  # fmt: skip
        cursor.execute(
            """
            UPDATE orders_salesorderline l
            SET requested_date = v.promised_date, promised_date = v.promised_date
            FROM unnest(%s::bigint[], %s::date[]) AS v(order_id, promised_date)
            WHERE l.tenant_id = %s AND l.order_id = v.order_id
            """,
            [[p.order_id for p in promises], [p.promised_date for p in promises], tenant.pk],
        )
        short = [p for p in promises if p.short_line_id]
        if short:
            # quantity is in "each" for the seeded lines: quantity = quantity_base.
            cursor.execute(
                """
                UPDATE orders_salesorderline l
                SET quantity = l.shipped_base + v.short, quantity_base = l.shipped_base + v.short,
                    cancelled_base = v.short
                FROM unnest(%s::bigint[], %s::numeric[]) AS v(id, short)
                WHERE l.tenant_id = %s AND l.id = v.id AND l.cancelled_base = 0
                """,
                [[p.short_line_id for p in short], [p.short_base for p in short], tenant.pk],
            )


@dataclass(frozen=True)
class Backorder:
    number: str
    customer_id: int
    site_id: int
    confirmed_at: datetime.datetime
    promised_date: datetime.date
    lines: list[tuple[int, Decimal, Decimal]]  # item id, base quantity, price


def record_backorders(*, tenant: Tenant, user: User, orders: list[Backorder]) -> int:
    """Create the missing `orders` as confirmed, nothing allocated: each line backordered
    since its order was confirmed, and published as demand on its promised date like a
    confirmed order's. Returns how many were created."""
    from orders.services.sales_orders import publish_demand

    existing = set(
        SalesOrder.objects.filter(tenant=tenant, number__in=[o.number for o in orders]).values_list(
            "number", flat=True
        )
    )
    new = [o for o in orders if o.number not in existing]
    if not new:
        return 0
    headers = bulk_create_with_history(
        [
            SalesOrder(tenant=tenant, number=o.number, customer_id=o.customer_id, site_id=o.site_id,
                       status=OrderStatus.CONFIRMED, order_date=o.confirmed_at.date(),
                       requested_date=o.promised_date, promised_date=o.promised_date,
                       created_by=user, confirmed_at=o.confirmed_at)
            for o in new
        ],
        SalesOrder, batch_size=BATCH, default_user=user,
    )  # fmt: skip
    lines = bulk_create_with_history(
        [
            SalesOrderLine(tenant=tenant, order=header, line_no=n, item_id=item_id, unit="each",
                           quantity=quantity, quantity_base=quantity, price=price,
                           requested_date=o.promised_date, promised_date=o.promised_date,
                           backordered_since=o.confirmed_at)
            for header, o in zip(headers, new, strict=True)
            for n, (item_id, quantity, price) in enumerate(o.lines, start=1)
        ],
        SalesOrderLine, batch_size=BATCH, default_user=user,
    )  # fmt: skip
    publish_demand(tenant=tenant, lines=lines)
    return len(new)
