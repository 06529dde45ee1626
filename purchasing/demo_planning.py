"""Demo planning: a recent rush of sales that takes some items low, lead times the suppliers can
be measured by, and a planning run (after the segments), so the planner's page opens with
suggestions of both kinds: purchases where every site ran low, a transfer where one site still
has stock to spare.

Two steps: the rush before the segments, the run after them. Idempotent: the rush's postings carry keys, the orders are dated once, and a tenant with a
finished run gets no second one.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Min
from django.utils import timezone

from erp.models import Tenant
from inventory import ledger
from inventory.models import Bin, Item, LocationKind, Lot, Site, Tracking
from purchasing.models import PlanningRun, PurchaseOrder, RunStatus
from purchasing.planning import run as planning

# Days each received demo order is dated as sent before its goods came: spread around the
# supplier's stated lead time, so the measured lead time has a spread too.
SPREAD = [-1, 2]
RUSH_DAYS = 14
RUSH_DAILY = Decimal(100)


def load_rush(tenant: Tenant) -> None:
    """Call inside the tenant's context, before the segments (so they count the rush too).

    A rush of sales over the last two weeks, received just before it, so the stock the other
    steps left stays as it was: the first two items at every site, the third at the last site
    only (the first site keeps its stock to transfer)."""
    items = list(
        # In the sales history's order (inventory.demo_segments), whose steady and lumpy
        # patterns these first three keep: the history's every-other-week items stay Y.
        Item.objects.filter(tenant=tenant).exclude(tracking=Tracking.SERIAL).order_by("pk")[:3]
    )
    sites = list(Site.objects.filter(tenant=tenant).order_by("code"))
    if len(items) < 3 or not sites:
        return
    # Lot-tracked items sell from their latest lot (lots are inventory's to make, not ours).
    lots = {
        lot.item_id: lot
        for lot in Lot.objects.filter(tenant=tenant, item__in=items).order_by("expiry_date", "pk")
    }
    supplier = ledger.virtual_location(tenant=tenant, kind=LocationKind.SUPPLIER)
    customer = ledger.virtual_location(tenant=tenant, kind=LocationKind.CUSTOMER)
    today = timezone.localdate()
    for site in sites:
        face = (
            Bin.objects.filter(tenant=tenant, site=site, bin_type="pick_face")
            .order_by("walk_sequence")
            .first()
        )
        if face is None:
            continue
        location = ledger.bin_location(tenant=tenant, bin=face)
        chosen = [
            (item, lots.get(item.pk))
            for item in items[:2] + ([items[2]] if site == sites[-1] else [])
            if item.tracking != Tracking.LOT or item.pk in lots
        ]
        key = f"demo-planning-rush:{site.code}"
        ledger.post(
            tenant=tenant, user=None, kind="receipt",
            moves=[ledger.Move(item=item, quantity=RUSH_DAILY * RUSH_DAYS, source=supplier,
                               destination=location, lot=lot, unit_cost=item.standard_cost)
                   for item, lot in chosen],
            reference="demo sales rush", idempotency_key=f"{key}:receipt",
            posted_at=_at(today - datetime.timedelta(days=RUSH_DAYS + 2), 8),
        )  # fmt: skip
        for day in range(RUSH_DAYS):
            ledger.post(
                tenant=tenant, user=None, kind="shipment",
                moves=[ledger.Move(item=item, quantity=RUSH_DAILY, source=location,
                                   destination=customer, lot=lot)
                       for item, lot in chosen],
                reference="demo sales rush", idempotency_key=f"{key}:{day}",
                posted_at=_at(today - datetime.timedelta(days=day + 1), 11),
            )  # fmt: skip


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def _date_received_orders(tenant: Tenant) -> None:
    received = (
        PurchaseOrder.objects.filter(tenant=tenant, supplier_reference__startswith="DEMO-SENT")
        .annotate(first=Min("lines__first_received_at"))
        .filter(first__isnull=False)
        .select_related("supplier")
        .order_by("number")
    )
    for n, order in enumerate(received):
        days = order.supplier.default_lead_time_days + SPREAD[n % len(SPREAD)]
        sent = order.first - datetime.timedelta(days=days)
        if order.sent_at and order.sent_at <= sent:
            continue  # dated already
        # The demo's orders are sent and received within seconds; dating them back is what a
        # real supplier's lead time would have done.
        PurchaseOrder.objects.filter(tenant=tenant, pk=order.pk).update(
            sent_at=sent, approved_at=sent - datetime.timedelta(hours=2)
        )


def load(tenant: Tenant) -> None:
    """Call inside the tenant's context, after the segments."""
    if PlanningRun.objects.filter(tenant=tenant, status=RunStatus.DONE).exists():
        return
    _date_received_orders(tenant)
    run = PlanningRun.objects.create(tenant=tenant)
    planning.run_planning(tenant=tenant, run=run)
