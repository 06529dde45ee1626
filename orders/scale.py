"""Customers and shipped sales orders for a scale tenant (`seed_scale`).

The orders are history: each one is created already shipped and closed, with its lines
matching the shipment posting that references it, so no open demand is published.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

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
