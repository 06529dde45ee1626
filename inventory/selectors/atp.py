"""Available-to-promise, time-phased by day (DOMAIN.md, "Available-to-promise").

net(d) = supply(d) - demand(d), with day 0 also taking available on hand - reserved (status
`available`, real locations of the site) and everything past due; cumulative(d) is the running
sum; promisable(d) = min over t >= d of cumulative(t): what can be promised on day d without
taking stock a later, already accepted demand needs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.utils import timezone

from inventory.models import Item, Projection, Site, StockBalance, StockStatus


@dataclass
class AtpDay:
    date: datetime.date
    supply: Decimal
    demand: Decimal
    net: Decimal
    cumulative: Decimal
    promisable: Decimal


@dataclass
class Atp:
    item: Item
    site: Site
    on_hand_available: Decimal
    days: list[AtpDay]

    def first_date_for(self, quantity: Decimal) -> datetime.date | None:
        """The first day on which `quantity` can be promised, or None within the horizon."""
        for day in self.days:
            if day.promisable >= quantity:
                return day.date
        return None


def atp(*, tenant, item: Item, site: Site, today: datetime.date | None = None) -> Atp:
    """ATP of `item` at `site` from `today` to the last projected date (two queries)."""
    today = today or timezone.localdate()
    free = StockBalance.objects.filter(
        tenant=tenant, item=item, site=site, is_real=True, status=StockStatus.AVAILABLE
    ).aggregate(free=Sum(F("on_hand") - F("reserved")))["free"] or Decimal(0)
    rows = (
        Projection.objects.filter(tenant=tenant, item=item, site=site)
        .values("date")
        .annotate(
            supply=Sum("quantity", filter=Q(quantity__gt=0), default=Decimal(0)),
            demand=Sum("quantity", filter=Q(quantity__lt=0), default=Decimal(0)),
        )
        .order_by("date")
    )
    by_day: dict[datetime.date, tuple[Decimal, Decimal]] = {}
    for row in rows:
        day = max(row["date"], today)  # past-due supply and demand count today
        supply, demand = by_day.get(day, (Decimal(0), Decimal(0)))
        by_day[day] = (supply + row["supply"], demand - row["demand"])
    by_day.setdefault(today, (Decimal(0), Decimal(0)))
    days: list[AtpDay] = []
    cumulative = Decimal(0)
    for day in sorted(by_day):
        supply, demand = by_day[day]
        net = supply - demand + (free if day == today else Decimal(0))
        cumulative += net
        days.append(AtpDay(day, supply, demand, net, cumulative, Decimal(0)))
    lowest = None
    for entry in reversed(days):
        lowest = entry.cumulative if lowest is None else min(lowest, entry.cumulative)
        entry.promisable = lowest
    return Atp(item=item, site=site, on_hand_available=free, days=days)
