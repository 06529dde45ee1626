"""A small hand-made tenant for the landing-page tests: 2 open pick tasks in zone A and 1 in
zone B, one putaway finished this hour, a wave past its cut-off, one open supervisor alert,
2 open reorder suggestions, 10 units received at 2.50 (25.00 of stock), one confirmed order
whose only line (4 of an item without stock, at 10.00) is backordered 10 days past its promise,
and one member per role."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import LocationKind
from reporting.scope import today
from tests.factories import (
    AlertFactory,
    BinFactory,
    CustomerFactory,
    ItemFactory,
    SiteFactory,
    SuggestionFactory,
    ZoneFactory,
    confirmed_order,
    member,
)
from tests.inventory.pages import post_move
from tests.inventory.stock import loc
from warehouse.models import Wave, WorkKind, WorkStatus, WorkTask


@dataclass
class World:
    tenant: object
    users: dict  # role -> user
    zone_a: object
    zone_b: object
    backorder: object  # the confirmed order whose line waits for stock


BACKORDER_DAYS_LATE = 10  # in the 8-14 days bucket


def build(tenant, *, prefix: str = "") -> World:
    site = SiteFactory(tenant=tenant, code=f"{prefix}S1")
    zone_a = ZoneFactory(site=site, code="A")
    zone_b = ZoneFactory(site=site, code="B")
    bin_a = BinFactory(zone=zone_a, code=f"{prefix}A-01")
    item = ItemFactory(tenant=tenant)
    users = {role: member(tenant, role) for role in Role}
    now = timezone.now()
    post_move(tenant, item, LocationKind.SUPPLIER, bin_a, 10, kind="receipt", unit_cost="2.50")
    with tenant_context(tenant):
        for reference, zone in enumerate([zone_a, zone_a, zone_b], start=1):
            WorkTask.objects.create(
                tenant=tenant, kind=WorkKind.PICK, reference=reference, site=site, zone=zone,
                summary=f"Pick batch {reference}",
            )  # fmt: skip
        WorkTask.objects.create(
            tenant=tenant, kind=WorkKind.PUTAWAY, reference=99, site=site, zone=zone_a,
            summary="Put away", status=WorkStatus.DONE, finished_at=now,
        )  # fmt: skip
        Wave.objects.create(
            tenant=tenant, number=f"{prefix}W-LATE", site=site, staging=loc(bin_a),
            created_by=users[Role.SUPERVISOR],
            cutoff=today(tenant) - datetime.timedelta(days=1),
        )  # fmt: skip
    AlertFactory(tenant=tenant)
    for sku in ("P1", "P2"):  # one open suggestion per item-site
        SuggestionFactory(
            tenant=tenant, site=site, item=ItemFactory(tenant=tenant, sku=f"{prefix}{sku}")
        )
    late = today(tenant) - datetime.timedelta(days=BACKORDER_DAYS_LATE)
    backorder = confirmed_order(
        CustomerFactory(tenant=tenant, code=f"{prefix}CUST"), site,
        [(ItemFactory(tenant=tenant, sku=f"{prefix}NOSTOCK"), 4)],
        promised=late, user=users[Role.SUPERVISOR],
    )  # fmt: skip
    return World(tenant=tenant, users=users, zone_a=zone_a, zone_b=zone_b, backorder=backorder)
