"""Suppliers and received purchase orders for a scale tenant (`seed_scale`).

The orders are history: each one is created already received and closed, with its lines
matching the receipt posting that references it, so no open supply is published.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from erp.models import Tenant, User
from inventory.models import Item
from purchasing.models import OrderStatus, PurchaseOrder, PurchaseOrderLine, Supplier, SupplierItem

BATCH = 2000


def supplier_code(number: int) -> str:
    return f"SUP{number:04d}"


def supplier_count(items: int) -> int:
    return max(2, min(400, items // 75))


@dataclass(frozen=True)
class ReceivedLine:
    item_id: int
    unit: str
    quantity: Decimal  # in `unit`
    quantity_base: Decimal
    unit_cost: Decimal  # per `unit`


@dataclass(frozen=True)
class ReceivedOrder:
    number: str
    supplier_id: int
    site_id: int
    lines: list[ReceivedLine]


def seed_scale(*, tenant: Tenant, items: int) -> list[int]:
    """Create the missing suppliers and each item's preferred supplier; returns the supplier
    ids in code order. Call inside the tenant's context."""
    count = supplier_count(items)
    existing = set(Supplier.objects.filter(tenant=tenant).values_list("code", flat=True))
    new = [
        Supplier(tenant=tenant, code=supplier_code(n), name=f"Supplier {n}",
                 default_lead_time_days=3 + n % 12, contact_name="Orders desk",
                 email=f"orders@sup{n}.example")
        for n in range(1, count + 1)
        if supplier_code(n) not in existing
    ]  # fmt: skip
    if new:
        bulk_create_with_history(new, Supplier, batch_size=BATCH)
    suppliers = list(
        Supplier.objects.filter(tenant=tenant, code__startswith="SUP")
        .order_by("code")
        .values_list("pk", flat=True)
    )
    linked = set(SupplierItem.objects.filter(tenant=tenant).values_list("item_id", flat=True))
    links = [
        SupplierItem(tenant=tenant, supplier_id=suppliers[index % len(suppliers)], item_id=item_id,
                     supplier_sku=f"V-{sku}", price=cost, pack_size=1, preferred=True)
        for index, (item_id, sku, cost) in enumerate(
            Item.objects.filter(tenant=tenant).order_by("sku").values_list("pk", "sku", "standard_cost")
        )
        if item_id not in linked
    ]  # fmt: skip
    if links:
        bulk_create_with_history(links, SupplierItem, batch_size=BATCH)
    return suppliers


def record_received_orders(
    *, tenant: Tenant, user: User, orders: list[ReceivedOrder], received_at: datetime.datetime
) -> None:
    """Create `orders` as received and closed at `received_at`, inside the caller's
    transaction (the receipt posting's)."""
    date = received_at.date()
    headers = bulk_create_with_history(
        [
            PurchaseOrder(tenant=tenant, number=o.number, supplier_id=o.supplier_id,
                          site_id=o.site_id, expected_date=date, status=OrderStatus.CLOSED,
                          currency="USD", created_by=user, approved_by=user,
                          approved_at=received_at, sent_at=received_at, closed_at=received_at)
            for o in orders
        ],
        PurchaseOrder, batch_size=BATCH, default_user=user, default_date=received_at,
    )  # fmt: skip
    lines = [
        PurchaseOrderLine(tenant=tenant, order=header, line_no=n, item_id=line.item_id,
                          unit=line.unit, quantity=line.quantity, quantity_base=line.quantity_base,
                          unit_cost=line.unit_cost, expected_date=date,
                          received_base=line.quantity_base, first_received_at=received_at)
        for header, order in zip(headers, orders, strict=True)
        for n, line in enumerate(order.lines, start=1)
    ]  # fmt: skip
    bulk_create_with_history(
        lines, PurchaseOrderLine, batch_size=BATCH, default_user=user, default_date=received_at
    )
