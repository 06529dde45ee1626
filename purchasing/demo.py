"""Demo suppliers, what they sell, and purchase orders in each status. Idempotent."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from erp.models import Membership, Tenant
from erp.roles import Role
from inventory.models import Item, Site
from purchasing.models import PurchaseOrder, Supplier, SupplierItem
from purchasing.services import orders

SUPPLIERS = {
    "northwind": [
        ("ROAST", "Roastery Partners", 7, "5"),
        ("PACKCO", "PackCo Supplies", 3, "2"),
        ("FARM", "Green Valley Farms", 10, "0"),
    ],
    "harbor": [
        ("MARINE", "Marine Hardware Ltd", 5, "5"),
        ("SAFE", "SafeSea Equipment", 14, "2"),
        ("PAINTS", "Coastal Paints", 8, "0"),
    ],
}


def _user(tenant: Tenant, role: Role):
    membership = Membership.objects.filter(tenant=tenant, role=role).select_related("user").first()
    return membership.user if membership else None


def load(tenant: Tenant) -> list[PurchaseOrder]:
    """Suppliers for every demo item and five orders (draft, approved, sent, and two sent ones
    for receiving to work on). Returns the sent orders, oldest first."""
    planner, finance = _user(tenant, Role.PLANNER), _user(tenant, Role.FINANCE)
    items = list(Item.objects.filter(tenant=tenant).order_by("sku"))
    sites = list(Site.objects.filter(tenant=tenant).order_by("code"))
    if not (planner and finance and items and sites):
        return []
    suppliers = []
    for code, name, lead, tolerance in SUPPLIERS.get(tenant.slug, []):
        supplier, _ = Supplier.objects.get_or_create(
            tenant=tenant, code=code,
            defaults={"name": name, "default_lead_time_days": lead, "over_receipt_tolerance_pct": Decimal(tolerance), "contact_name": "Orders desk", "email": f"orders@{code.lower()}.example"},
        )  # fmt: skip
        suppliers.append(supplier)
    for index, item in enumerate(items):
        supplier = suppliers[index % len(suppliers)]
        SupplierItem.objects.get_or_create(
            tenant=tenant, supplier=supplier, item=item,
            defaults={"supplier_sku": f"{supplier.code}-{index + 1:03d}", "price": item.standard_cost, "pack_size": 1, "preferred": True, "inspection_required": item.tracking == "serial"},
        )  # fmt: skip
    if PurchaseOrder.objects.filter(tenant=tenant, supplier_reference__startswith="DEMO-").exists():
        return receiving_orders(tenant)
    today = timezone.localdate()
    made = []
    for n, status in enumerate(["draft", "approved", "sent", "sent", "sent"]):
        supplier = suppliers[n % len(suppliers)]
        order = orders.create_order(
            tenant=tenant, user=planner, supplier=supplier, site=sites[0],
            # The approved one was due yesterday and never sent: an overdue receipt alert.
            expected_date=today + datetime.timedelta(days=n * 2 - 2 - (status == "approved")), supplier_reference=f"DEMO-{status.upper()}-{n - 1 if status == 'sent' else 0}",
        )  # fmt: skip
        for item in [
            i
            for i in items
            if SupplierItem.objects.filter(tenant=tenant, supplier=supplier, item=i).exists()
        ][:3]:
            quantity = Decimal(24) if item.tracking != "serial" else Decimal(2)
            orders.add_line(
                tenant=tenant,
                user=planner,
                order=order,
                item=item,
                quantity=quantity,
                unit_cost=item.standard_cost,
            )
        if status != "draft":
            orders.approve(tenant=tenant, user=finance, order=order)
        if status == "sent":
            orders.send(tenant=tenant, user=planner, order=order)
            made.append(order)
    return made[1:]


def receiving_orders(tenant: Tenant) -> list[PurchaseOrder]:
    """The two sent orders the warehouse demo receives against, oldest first."""
    return list(
        PurchaseOrder.objects.filter(
            tenant=tenant, supplier_reference__in=["DEMO-SENT-2", "DEMO-SENT-3"]
        ).order_by("number")
    )
