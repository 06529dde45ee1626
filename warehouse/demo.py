"""Demo receiving: putaway rules, one order partly received, one with discrepancies, and
putaway tasks waiting. Idempotent (scan keys and look-ups)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from erp.models import Membership, Tenant
from erp.roles import Role
from purchasing.models import PurchaseOrder
from warehouse import selectors
from warehouse.models import PutawayRule
from warehouse.services import receiving


def load(tenant: Tenant, orders: list[PurchaseOrder]) -> None:
    from inventory.models import Zone

    for site_zone in Zone.objects.filter(tenant=tenant, code="STO"):
        PutawayRule.objects.get_or_create(
            tenant=tenant,
            name=f"Bulk storage at {site_zone.site.code}",
            defaults={"priority": 50, "site": site_zone.site, "target_zone": site_zone},
        )
    PutawayRule.objects.get_or_create(
        tenant=tenant,
        name="Fast movers to pick faces",
        defaults={"priority": 10, "velocity_class": "fast", "target_bin_type": "pick_face"},
    )
    operator = (
        Membership.objects.filter(tenant=tenant, role=Role.OPERATOR).select_related("user").first()
    )
    if operator is None or len(orders) < 2:
        return
    partial, troubled = orders[0], orders[1]
    expiry = timezone.localdate() + datetime.timedelta(days=240)
    for order, plan in ((partial, "half"), (troubled, "trouble")):
        dock = selectors.dock_locations(tenant=tenant, site_id=order.site_id).first()
        for line in order.lines.select_related("item").order_by("line_no"):
            quantity = (
                (line.quantity_base / 2).to_integral_value()
                if plan == "half"
                else line.quantity_base + 6
            )
            if line.item.tracking == "serial":
                continue
            receiving.receive(
                tenant=tenant, user=operator.user, order=order, item=line.item, quantity=quantity,
                dock=dock, scan_key=f"demo:{order.number}:{line.line_no}",
                lot_code=f"D{line.pk}" if line.item.tracking == "lot" else "", expiry=expiry if line.item.tracking == "lot" else None,
                damaged=Decimal(2) if plan == "trouble" else Decimal(0), note="demo: damaged in transit" if plan == "trouble" else "",
            )  # fmt: skip
