"""Demo transfer: one open transfer in transit from the tenant's first site to its second
(an untracked item with free stock, released, picked and shipped through the services), so
the transfer pages, the scanner's receive step, in-transit value and ATP have something to
show. Idempotent: a tenant that has a transfer gets no other."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import F, Sum
from django.utils import timezone

from erp.models import Membership, Tenant
from erp.roles import Role
from inventory.models import Site, StockBalance
from warehouse.models import TransferOrder
from warehouse.transfers import selectors, services

QUANTITY = Decimal(6)


def _user(tenant: Tenant, role: Role):
    membership = Membership.objects.filter(tenant=tenant, role=role).select_related("user").first()
    return membership.user if membership else None


def load(tenant: Tenant) -> TransferOrder | None:
    if TransferOrder.objects.filter(tenant=tenant).exists():
        return None
    sites = list(Site.objects.filter(tenant=tenant, is_active=True).order_by("pk")[:2])
    supervisor, operator = _user(tenant, Role.SUPERVISOR), _user(tenant, Role.OPERATOR)
    if len(sites) < 2 or supervisor is None or operator is None:
        return None
    source, destination = sites
    free = (
        StockBalance.objects.filter(
            tenant=tenant, site=source, is_real=True, status="available",
            item__tracking="none", item__divisible=False,
            location__bin__bin_type__in=["pick_face", "reserve"], location__bin__is_active=True,
        )
        .values("item_id")
        .annotate(free=Sum(F("on_hand") - F("reserved")))
        .filter(free__gte=QUANTITY)
        .order_by("item__sku")
        .first()
    )  # fmt: skip
    if free is None:
        return None
    from inventory.models import Item

    item = Item.objects.get(tenant=tenant, pk=free["item_id"])
    transfer = services.create(
        tenant=tenant, user=supervisor, from_site=source, to_site=destination,
        expected_date=timezone.localdate() + datetime.timedelta(days=2),
        note=f"DEMO: restock {destination.code} from {source.code}",
    )  # fmt: skip
    services.add_line(
        tenant=tenant, user=supervisor, transfer=transfer, item=item, quantity=QUANTITY
    )
    services.release(tenant=tenant, user=supervisor, transfer=transfer)
    for row in selectors.picks(tenant=tenant, transfer=transfer):
        services.pick(
            tenant=tenant, user=operator, transfer=transfer, location=row.location,
            item=row.line.item, lot=row.lot, quantity=row.quantity,
        )  # fmt: skip
    transfer.refresh_from_db()
    return services.ship(tenant=tenant, user=operator, transfer=transfer)
