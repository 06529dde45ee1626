"""Count plans: every night, each site's bins holding stock are counted by the ABC class of
what they hold (a bin takes the best class among its items; items never segmented count as
C), A bins `a_per_year` times a year, B `b_per_year`, C `c_per_year` (12, 4, 1 by default).

Each night opens, per site and class, ceil(bins of the class * counts a year / 365) counts,
the bins counted longest ago first, skipping bins counted within the class's interval
(365 / counts a year days) or with a count open. Counts the plan opened earlier the same day
(the tenant's date) are deducted, so a second run on one day opens nothing more.
"""

from __future__ import annotations

import datetime
import math
import zoneinfo
from collections import defaultdict

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from erp.models import Tenant
from inventory.models import ItemSegment, Location, LocationKind, Site, StockBalance
from warehouse.counting import selectors, services
from warehouse.models import Count, CountSource, CountStatus, Priority
from warehouse.models.counting import OPEN_COUNT

CLASSES = ("A", "B", "C")


def _day_start(tenant: Tenant, today: datetime.date | None) -> datetime.datetime:
    zone = zoneinfo.ZoneInfo(tenant.time_zone)
    today = today or timezone.now().astimezone(zone).date()
    return datetime.datetime.combine(today, datetime.time.min, tzinfo=zone)


def _reason(abc: str) -> str:
    return f"count plan, class {abc}"


@transaction.atomic
def plan_counts(*, tenant: Tenant, today: datetime.date | None = None) -> list[Count]:
    """Open tonight's planned counts for every active site of `tenant`; returns them."""
    limits = selectors.settings_for(tenant)
    if not limits.plan_enabled:
        return []
    per_year = {"A": limits.a_per_year, "B": limits.b_per_year, "C": limits.c_per_year}
    start = _day_start(tenant, today)
    opened = []
    for site in Site.objects.filter(tenant=tenant, is_active=True).order_by("pk"):
        opened += _plan_site(tenant, site, per_year, start)
    return opened


def _plan_site(tenant: Tenant, site: Site, per_year: dict, start: datetime.datetime) -> list:
    classes = dict(
        ItemSegment.objects.filter(tenant=tenant, site=site).values_list("item_id", "abc_class")
    )
    best: dict[int, str] = {}
    for location_id, item_id in (
        StockBalance.objects.filter(
            tenant=tenant, location__site=site, location__kind=LocationKind.BIN, on_hand__gt=0
        )
        .values_list("location_id", "item_id")
        .distinct()
    ):
        abc = classes.get(item_id, "C")
        best[location_id] = min(best.get(location_id, "C"), abc)
    by_class: dict[str, list[int]] = defaultdict(list)
    for location_id, abc in best.items():
        by_class[abc].append(location_id)
    counts = Count.objects.filter(tenant=tenant, site=site)
    last = dict(
        counts.exclude(status=CountStatus.CANCELLED)
        .values_list("location_id")
        .annotate(last=Max("created_at"))
    )
    busy = set(counts.filter(status__in=OPEN_COUNT).values_list("location_id", flat=True))
    opened = []
    for abc in CLASSES:
        frequency = per_year[abc]
        bins = by_class.get(abc, [])
        if not frequency or not bins:
            continue
        quota = math.ceil(len(bins) * frequency / 365)
        quota -= counts.filter(
            source=CountSource.PLAN, reason=_reason(abc), created_at__gte=start
        ).count()
        interval = datetime.timedelta(days=365 / frequency)
        due = [
            pk for pk in bins
            if pk not in busy and (last.get(pk) is None or last[pk] <= start - interval)
        ]  # fmt: skip
        epoch = datetime.datetime.min.replace(tzinfo=datetime.UTC)
        due.sort(key=lambda pk: (last.get(pk) or epoch, pk))
        for location in Location.objects.filter(pk__in=due[: max(quota, 0)]).order_by("pk"):
            opened.append(
                services.open_count(
                    tenant=tenant,
                    user=None,
                    location=location,
                    reason=_reason(abc),
                    source=CountSource.PLAN,
                    priority=Priority.LOW,
                )
            )
    return opened
