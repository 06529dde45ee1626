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
    days = phased(free, [(r["date"], r["supply"], r["demand"]) for r in rows], today=today)
    return Atp(item=item, site=site, on_hand_available=free, days=days)


def phased(
    free: Decimal,
    rows: list[tuple[datetime.date, Decimal, Decimal]],
    *,
    today: datetime.date,
) -> list[AtpDay]:
    """The days of ATP from available stock `free` and (date, supply, demand) sums, demand
    negative as projections store it; the first day is `today`."""
    by_day: dict[datetime.date, tuple[Decimal, Decimal]] = {}
    for date, row_supply, row_demand in rows:
        day = max(date, today)  # past-due supply and demand count today
        supply, demand = by_day.get(day, (Decimal(0), Decimal(0)))
        by_day[day] = (supply + row_supply, demand - row_demand)
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
    return days


@dataclass
class AtpFigure:
    """One item at one site: its available-status stock and what can be promised today."""

    item: Item
    site_id: int
    site_code: str
    on_hand: Decimal
    reserved: Decimal
    atp: Decimal

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


def atp_figures(
    *, tenant, items: list[Item], site: Site | None = None, today: datetime.date | None = None
) -> list[AtpFigure]:
    """Today's ATP of many items in two set-based queries, whatever their number: at `site`
    for every item, else at each site where an item has available stock or projections.
    The figures are the first day of `atp` for each pair (the same `phased` sums)."""
    today = today or timezone.localdate()
    ids = [item.pk for item in items]
    balances = StockBalance.objects.filter(
        tenant=tenant, item_id__in=ids, is_real=True, status=StockStatus.AVAILABLE
    )
    projected = Projection.objects.filter(tenant=tenant, item_id__in=ids)
    if site is not None:
        balances, projected = balances.filter(site=site), projected.filter(site=site)
    zero = Decimal(0)
    stock = {
        (row["item_id"], row["site_id"]): row
        for row in balances.order_by()
        .values("item_id", "site_id", "site__code")
        .annotate(held=Sum("on_hand", default=zero), promised=Sum("reserved", default=zero))
        .exclude(held=0, promised=0)
    }
    rows: dict[tuple[int, int], list] = {}
    codes = {key: row["site__code"] for key, row in stock.items()}
    for row in (
        projected.order_by()
        .values("item_id", "site_id", "site__code", "date")
        .annotate(
            supply=Sum("quantity", filter=Q(quantity__gt=0), default=zero),
            demand=Sum("quantity", filter=Q(quantity__lt=0), default=zero),
        )
    ):
        key = (row["item_id"], row["site_id"])
        rows.setdefault(key, []).append((row["date"], row["supply"], row["demand"]))
        codes[key] = row["site__code"]
    if site is not None:
        pairs = [(item, site.pk) for item in items]
        codes.update({(item.pk, site.pk): site.code for item in items})
    else:
        by_item: dict[int, list[int]] = {}
        for item_id, site_id in sorted(codes, key=lambda key: (key[0], codes[key])):
            by_item.setdefault(item_id, []).append(site_id)
        pairs = [(item, site_id) for item in items for site_id in by_item.get(item.pk, [])]
    figures = []
    for item, site_id in pairs:
        key = (item.pk, site_id)
        held = stock.get(key, {})
        on_hand, reserved = held.get("held", zero), held.get("promised", zero)
        days = phased(on_hand - reserved, rows.get(key, []), today=today)
        figures.append(AtpFigure(item, site_id, codes[key], on_hand, reserved, days[0].promisable))
    return figures
