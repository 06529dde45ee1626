"""Demo sales history and segments, so the segments page shows every class in `make demo`.

`load_history`: a year of weekly shipments to customers at each site, for the demo's items that
are not serial-tracked, each in its own weekly pattern (steady, alternating, lumpy). The units
shipped are first received a year back as "demo sales history" stock, in a lot of their own
for lot-tracked items, so that shipping them leaves every bin's stock, lot and cost layer as
the opening stock left it. `load_segments` computes the segments after every other demo step
(the outbound demo ships an order too). Idempotent: postings carry keys, and the segments are
recomputed to the same rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from erp.models import Tenant
from inventory import ledger
from inventory.models import Bin, Item, LocationKind, Lot, Site, Tracking
from inventory.services import segmentation

WEEKS = segmentation.WEEKS
# Units shipped in week k (0 = this week), per item in catalogue order; a multiplier per site
# makes the two sites rank the items differently.
PATTERNS: list[Callable[[int], int]] = [
    lambda k: 12,  # steady: X
    lambda k: 9 if k % 2 else 3,  # alternating: CV 0.5, X
    lambda k: 24 if k % 4 == 0 else 0,  # one week in four: Z
    lambda k: 10 + 6 * (k % 3 == 0),  # steady with a bump: X
    lambda k: 8 if k % 2 else 0,  # every other week: CV 1.0, Y
    lambda k: 30 if k % 8 == 0 else 1,  # rare big orders: Z
]


def _history_items(tenant: Tenant) -> list[Item]:
    return list(Item.objects.filter(tenant=tenant).exclude(tracking=Tracking.SERIAL).order_by("pk"))


def _lot(tenant: Tenant, item: Item, site: Site, today: datetime.date) -> Lot | None:
    if item.tracking != Tracking.LOT:
        return None
    lot, _ = Lot.objects.get_or_create(
        tenant=tenant,
        item=item,
        code=f"HIST-{site.code}",
        defaults={"expiry_date": today + datetime.timedelta(days=730)},
    )
    return lot


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def load_history(tenant: Tenant) -> None:
    """Call inside the tenant's context, after the demo stock (its pick faces hold the items)."""
    today = timezone.localdate()
    items = _history_items(tenant)
    supplier = ledger.virtual_location(tenant=tenant, kind=LocationKind.SUPPLIER)
    customer = ledger.virtual_location(tenant=tenant, kind=LocationKind.CUSTOMER)
    for site_index, site in enumerate(Site.objects.filter(tenant=tenant).order_by("code")):
        face = (
            Bin.objects.filter(tenant=tenant, site=site, bin_type="pick_face")
            .order_by("walk_sequence")
            .first()
        )
        if face is None or not items:
            continue
        location = ledger.bin_location(tenant=tenant, bin=face)
        plan = []
        for index, item in enumerate(items):
            pattern = PATTERNS[(index + site_index) % len(PATTERNS)]
            weekly = [Decimal(pattern(k) * (site_index + 1)) for k in range(WEEKS)]
            plan.append((item, _lot(tenant, item, site, today), weekly))
        key = f"demo-history:{site.code}"
        ledger.post(
            tenant=tenant, user=None, kind="receipt",
            moves=[ledger.Move(item=item, quantity=sum(weekly), source=supplier, destination=location, lot=lot, unit_cost=item.standard_cost)
                   for item, lot, weekly in plan],
            reference="demo sales history", idempotency_key=f"{key}:receipt",
            posted_at=_at(today - datetime.timedelta(days=WEEKS * 7 + 2), 8),
        )  # fmt: skip
        for k in range(WEEKS):
            moves = [
                ledger.Move(item=item, quantity=weekly[k], source=location, destination=customer, lot=lot)
                for item, lot, weekly in plan
                if weekly[k]
            ]  # fmt: skip
            if moves:
                ledger.post(
                    tenant=tenant, user=None, kind="shipment", moves=moves,
                    reference="demo sales history", idempotency_key=f"{key}:week:{k}",
                    posted_at=_at(today - datetime.timedelta(days=7 * k + 1), 15),
                )  # fmt: skip


def load_segments(tenant: Tenant) -> None:
    """Call inside the tenant's context, after every other demo step."""
    segmentation.compute_segments(tenant=tenant)
