"""Suppliers and received purchase orders for a scale tenant (`seed_scale`).

The orders are history: each one is created already received and closed, with its lines
matching the receipt posting that references it, so no open supply is published.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
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


# --- documents of the history (`seed_scale_documents`) -----------------------------------

SEEDED = "PO-S"  # the received history's numbers


@dataclass(frozen=True)
class SeededLine:
    pk: int
    line_no: int
    item_id: int
    unit: str
    quantity: Decimal
    quantity_base: Decimal  # received (= ordered, as seed_scale made them)


@dataclass(frozen=True)
class SeededOrder:
    pk: int
    number: str
    supplier_id: int
    site_id: int
    received_at: datetime.datetime
    lines: list[SeededLine]


def seeded_orders(*, tenant: Tenant, exclude_ids) -> list[SeededOrder]:
    """The received history's orders (not in `exclude_ids`, a subquery of those already
    documented) with their lines, by number."""
    orders = {
        pk: SeededOrder(pk, number, supplier_id, site_id, closed_at, [])
        for pk, number, supplier_id, site_id, closed_at in PurchaseOrder.objects.filter(
            tenant=tenant, number__startswith=SEEDED, status=OrderStatus.CLOSED
        )
        .exclude(pk__in=exclude_ids)
        .order_by("number")
        .values_list("pk", "number", "supplier_id", "site_id", "closed_at")
    }
    for pk, order_id, line_no, item_id, unit, quantity, received in (
        PurchaseOrderLine.objects.filter(tenant=tenant, order_id__in=list(orders))
        .order_by("order_id", "line_no")
        .values_list("pk", "order_id", "line_no", "item_id", "unit", "quantity", "received_base")
    ):
        orders[order_id].lines.append(SeededLine(pk, line_no, item_id, unit, quantity, received))
    return list(orders.values())


@dataclass(frozen=True)
class Promise:
    """What the order said before the goods came: sent at, expected on, and per line the
    units ordered when they differ from those received (short-closed when fewer came)."""

    order_id: int
    sent_at: datetime.datetime
    expected_date: datetime.date
    ordered: dict[int, tuple[Decimal, Decimal]]  # line id -> (quantity in unit, base)


def record_promises(*, tenant: Tenant, promises: list[Promise]) -> None:
    """Give the received history its send and expected dates and its lines the quantities
    ordered: a line that received less is short-closed (the order was closed with it), one
    that received more was an accepted over-receipt. One UPDATE per table."""
    if not promises:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE purchasing_purchaseorder o
            SET approved_at = v.sent_at, sent_at = v.sent_at, expected_date = v.expected_date
            FROM unnest(%s::bigint[], %s::timestamptz[], %s::date[])
                 AS v(id, sent_at, expected_date)
            WHERE o.tenant_id = %s AND o.id = v.id
            """,
            [[p.order_id for p in promises], [p.sent_at for p in promises],
             [p.expected_date for p in promises], tenant.pk],
        )  # fmt: skip
        cursor.execute(
            """
            UPDATE purchasing_purchaseorderline l SET expected_date = v.expected_date
            FROM unnest(%s::bigint[], %s::date[]) AS v(order_id, expected_date)
            WHERE l.tenant_id = %s AND l.order_id = v.order_id
            """,
            [[p.order_id for p in promises], [p.expected_date for p in promises], tenant.pk],
        )
        changed = [(line, q, b) for p in promises for line, (q, b) in p.ordered.items()]
        if changed:
            cursor.execute(
                """
                UPDATE purchasing_purchaseorderline l
                SET quantity = v.quantity, quantity_base = v.base,
                    short_closed = l.received_base < v.base
                FROM unnest(%s::bigint[], %s::numeric[], %s::numeric[]) AS v(id, quantity, base)
                WHERE l.tenant_id = %s AND l.id = v.id
                """,
                [[c[0] for c in changed], [c[1] for c in changed], [c[2] for c in changed],
                 tenant.pk],
            )  # fmt: skip
