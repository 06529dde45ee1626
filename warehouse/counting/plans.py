"""Count plans: every night, each site's bins holding stock are counted by the ABC class of
what they hold (a bin takes the best class among its items; items never segmented count as
C), A bins `a_per_year` times a year, B `b_per_year`, C `c_per_year` (12, 4, 1 by default).

Bins at risk count as A bins whatever they hold, and come first among the bins due:
- variance history: a count of the bin decided in the last `variance_days` days (90 by
  default) found an item beyond the tolerance (those bins first);
- high value: a bin holding at least `high_value_multiple` times (5 by default) the site's
  mean stock value per stocked bin
  (on hand at the site's average cost, an item's standard cost where it has none) (next).
Then the rest, each group the bins counted longest ago first.

Each night opens, per site and class, ceil(bins of the class * counts a year / 365) counts,
taken in that order, skipping bins counted within the class's interval (365 / counts a year
days) or with a count open. Counts the plan opened earlier the same day (the tenant's date)
are deducted, so a second run on one day opens nothing more.
"""

from __future__ import annotations

import datetime
import math
import zoneinfo
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from erp.models import Tenant
from inventory.models import (
    CostLayer,
    Item,
    ItemSegment,
    Location,
    LocationKind,
    Site,
    StockBalance,
)
from warehouse.counting import selectors, services
from warehouse.models import Count, CountSettings, CountSource, CountStatus, Priority
from warehouse.models.counting import OPEN_COUNT

CLASSES = ("A", "B", "C")
# Sorted first to last among the bins due; the words end the count's reason.
VARIANCE, HIGH_VALUE, PLAIN = 0, 1, 2
RISK_WORDS = {VARIANCE: "variance history", HIGH_VALUE: "high value"}


def _day_start(tenant: Tenant, today: datetime.date | None) -> datetime.datetime:
    zone = zoneinfo.ZoneInfo(tenant.time_zone)
    today = today or timezone.now().astimezone(zone).date()
    return datetime.datetime.combine(today, datetime.time.min, tzinfo=zone)


def _reason(abc: str, risk: int = PLAIN) -> str:
    words = RISK_WORDS.get(risk)
    return f"count plan, class {abc}: {words}" if words else f"count plan, class {abc}"


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
        opened += _plan_site(tenant, site, per_year, start, limits)
    return opened


def _plan_site(
    tenant: Tenant, site: Site, per_year: dict, start: datetime.datetime, limits: CountSettings
) -> list:
    classes = dict(
        ItemSegment.objects.filter(tenant=tenant, site=site).values_list("item_id", "abc_class")
    )
    best: dict[int, str] = {}
    held: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for location_id, item_id, on_hand in StockBalance.objects.filter(
        tenant=tenant, location__site=site, location__kind=LocationKind.BIN, on_hand__gt=0
    ).values_list("location_id", "item_id", "on_hand"):
        abc = classes.get(item_id, "C")
        best[location_id] = min(best.get(location_id, "C"), abc)
        held[location_id].append((item_id, on_hand))
    risk = _risks(tenant, site, held, start, limits)
    for location_id in risk:
        best[location_id] = "A"
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
            Q(reason=_reason(abc)) | Q(reason__startswith=_reason(abc) + ":"),
            source=CountSource.PLAN,
            created_at__gte=start,
        ).count()
        interval = datetime.timedelta(days=365 / frequency)
        due = [
            pk for pk in bins
            if pk not in busy and (last.get(pk) is None or last[pk] <= start - interval)
        ]  # fmt: skip
        epoch = datetime.datetime.min.replace(tzinfo=datetime.UTC)
        due.sort(key=lambda pk: (risk.get(pk, PLAIN), last.get(pk) or epoch, pk))
        tonight = due[: max(quota, 0)]
        # Opened in the plan's order, so the queue shows the riskiest bins first.
        locations = Location.objects.in_bulk(tonight)
        for pk in tonight:
            opened.append(
                services.open_count(
                    tenant=tenant,
                    user=None,
                    location=locations[pk],
                    reason=_reason(abc, risk.get(pk, PLAIN)),
                    source=CountSource.PLAN,
                    priority=Priority.LOW,
                )
            )
    return opened


def _risks(
    tenant: Tenant, site: Site, held: dict[int, list[tuple[int, Decimal]]],
    start: datetime.datetime, limits: CountSettings,
) -> dict[int, int]:  # fmt: skip
    """The site's stocked bins at risk: location id -> VARIANCE or HIGH_VALUE."""
    risk: dict[int, int] = {}
    costs = {
        item_id: value / quantity
        for item_id, quantity, value in CostLayer.objects.filter(
            tenant=tenant, site=site, remaining_quantity__gt=0
        )
        .values("item_id")
        .annotate(quantity=Sum("remaining_quantity"), value=Sum("remaining_value"))
        .values_list("item_id", "quantity", "value")
    }
    items = {pk for rows in held.values() for pk, _ in rows}
    for pk, cost in Item.objects.filter(tenant=tenant, pk__in=items - costs.keys()).values_list(
        "pk", "standard_cost"
    ):
        costs[pk] = cost
    values = {
        location_id: sum((on_hand * costs[item_id] for item_id, on_hand in rows), Decimal(0))
        for location_id, rows in held.items()
    }
    # Against the mean, not a share of the total: where every bin holds about the same,
    # none stands out, and a top-half rule would make half of them A bins.
    if values:
        threshold = sum(values.values(), Decimal(0)) / len(values) * limits.high_value_multiple
        risk.update((pk, HIGH_VALUE) for pk, value in values.items() if value >= threshold > 0)
    off = (
        Count.objects.filter(
            tenant=tenant,
            site=site,
            location_id__in=held,
            decided_at__gte=start - datetime.timedelta(days=limits.variance_days),
            results__within_tolerance=False,
        )
        .values_list("location_id", flat=True)
        .distinct()
    )
    risk.update(dict.fromkeys(off, VARIANCE))
    return risk
