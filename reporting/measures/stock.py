"""Stock measures (DOMAIN.md, "Measures"): record accuracy and adjustment rate, turns, days on
hand and carrying cost, excess and dead stock, and the summary the landing pages show.

Each takes a `reporting.scope.Scope` and the database alias to read on (`using`, the replica
when `erp.replica.read_on_replica` picked it) and returns plain figures: numerator,
denominator, the ratio (None when nothing is under it: the page shows "—") and the rows a
page drills down to. The sums come from the owning apps' selectors, one bounded statement
each: warehouse's counts, inventory's ledger and cost layers, purchasing's planning levels.

Formulas (the pages state them):
- record accuracy = approved counts (item, lot or serial in a bin) within tolerance / counts
  approved in the period; value gap = Σ |counted - expected| x unit cost / Σ counted x unit cost;
- adjustment rate = Σ |value| of the adjustment and count postings in real bins in the period /
  average inventory value over the period;
- average inventory value = the mean of the stock value at the end of the day before the
  period, at each month end inside it and at its end (each from the month's valuation snapshot
  plus the entries since);
- turns = COGS / average inventory value, COGS = the cost value of the shipments posted in the
  period (-Σ value of their entries leaving the sites' bins); annualised turns = turns x 365 /
  days; days on hand = days in the period / turns;
- carrying cost = the tenant's carrying-cost rate a year x average inventory value x days / 365;
- excess = what an item-site holds now above the last planning run's order-up-to, valued at
  the site's average layer cost; dead = what an item-site holds now with no shipment or
  transfer out of that site in the last N days (default 180), valued at cost.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS

from erp.ranked_rows import RankedRows
from inventory.models import TransactionKind
from inventory.selectors import measures as stock_sums
from inventory.services.adjustments import settings_for as inventory_settings_for
from purchasing.planning import selectors as planning_selectors
from reporting.figures import ratio
from reporting.measures import registry
from reporting.scope import Scope
from warehouse.counting.accuracy import Accuracy, accuracy_by_site

DEAD_DAYS = 180
ZERO = Decimal(0)


def _filters(scope: Scope) -> dict:
    return {
        "site_id": scope.site.pk if scope.site is not None else None,
        "category": scope.category,
        "abc_class": scope.abc_class,
    }


# --- accuracy and adjustments ---------------------------------------------------------------


@dataclass
class AccuracyFigures:
    made: int
    within: int
    value_counted: Decimal
    value_variance: Decimal
    by_site: list[Accuracy]
    adjustment_value: Decimal  # Σ |value| of adjustment and count postings in real bins
    adjustment_lines: int
    average_value: Decimal

    @property
    def rate(self) -> Decimal | None:
        return ratio(self.within, self.made)

    @property
    def value_gap(self) -> Decimal | None:
        return ratio(self.value_variance, self.value_counted)

    @property
    def adjustment_rate(self) -> Decimal | None:
        return ratio(self.adjustment_value, self.average_value)


def counts_accuracy(scope: Scope, *, using: str = DEFAULT_DB_ALIAS) -> list[Accuracy]:
    """Record accuracy per site of the counts approved in the scope's period."""
    start, stop = scope.bounds()
    f = _filters(scope)
    return accuracy_by_site(
        tenant=scope.tenant, start=start, end=stop, site=scope.site, category=f["category"],
        abc_class=f["abc_class"], using=using,
    )  # fmt: skip


def adjustments(scope: Scope, *, using: str = DEFAULT_DB_ALIAS) -> tuple[int, Decimal]:
    """The adjustment and count postings' site-side lines in the period, and Σ |value|."""
    start, stop = scope.bounds()
    flows = stock_sums.period_flows(
        tenant=scope.tenant, start=start, stop=stop, using=using,
        kinds=stock_sums.ADJUSTMENT_KINDS, **_filters(scope),
    )  # fmt: skip
    kinds = [flows.get(str(k), {}) for k in stock_sums.ADJUSTMENT_KINDS]
    return (
        sum(a.get("lines", 0) for a in kinds),
        sum((a.get("absolute_value", ZERO) for a in kinds), ZERO),
    )


def inventory_accuracy(scope: Scope, *, using: str = DEFAULT_DB_ALIAS) -> AccuracyFigures:
    by_site = counts_accuracy(scope, using=using)
    lines, value = adjustments(scope, using=using)
    return AccuracyFigures(
        made=sum(r.made for r in by_site),
        within=sum(r.within for r in by_site),
        value_counted=sum((r.value_counted for r in by_site), ZERO),
        value_variance=sum((r.value_variance for r in by_site), ZERO),
        by_site=by_site,
        adjustment_value=value,
        adjustment_lines=lines,
        average_value=average_value(scope, using=using)[0],
    )


# --- turns, days on hand, carrying cost -----------------------------------------------------


def value_days(scope: Scope) -> list[datetime.date]:
    """The days whose closing stock value the average takes: the day before the period, each
    month's last day inside it, and its last day."""
    days = [scope.start - datetime.timedelta(days=1)]
    month = scope.start.replace(day=1)
    while True:
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        last = month - datetime.timedelta(days=1)
        if last >= scope.end:
            break
        if last >= scope.start:
            days.append(last)
    days.append(scope.end)
    return days


def average_value(
    scope: Scope, *, using: str = DEFAULT_DB_ALIAS
) -> tuple[Decimal, list[tuple[datetime.date, Decimal]]]:
    """The mean closing value over `value_days`, and each day's value."""
    points = [
        (day, stock_sums.value_as_of(tenant=scope.tenant, day=day, using=using, **_filters(scope)))
        for day in value_days(scope)
    ]
    return sum((v for _, v in points), ZERO) / len(points), points


@dataclass
class TurnsFigures:
    days: int
    cogs: Decimal
    average_value: Decimal
    points: list[tuple[datetime.date, Decimal]]
    carrying_rate: Decimal  # percent a year
    shipment_lines: int = 0

    @property
    def turns(self) -> Decimal | None:
        return ratio(self.cogs, self.average_value)

    @property
    def annual_turns(self) -> Decimal | None:
        turns = self.turns
        return None if turns is None else turns * 365 / self.days

    @property
    def days_on_hand(self) -> Decimal | None:
        turns = self.turns
        return None if not turns else Decimal(self.days) / turns

    @property
    def carrying_cost(self) -> Decimal:
        return self.carrying_rate / 100 * self.average_value * self.days / 365


def turns(scope: Scope, *, using: str = DEFAULT_DB_ALIAS) -> TurnsFigures:
    start, stop = scope.bounds()
    flows = stock_sums.period_flows(
        tenant=scope.tenant, start=start, stop=stop, using=using, **_filters(scope)
    )
    shipped = flows.get(str(TransactionKind.SHIPMENT), {})
    average, points = average_value(scope, using=using)
    return TurnsFigures(
        days=scope.days,
        cogs=-shipped.get("value", ZERO),
        average_value=average,
        points=points,
        carrying_rate=inventory_settings_for(scope.tenant).carrying_cost_rate,
        shipment_lines=shipped.get("lines", 0),
    )


# --- excess and dead stock ------------------------------------------------------------------


@dataclass
class ExcessFigures:
    excess: RankedRows  # ranked rows, paged by the page; totals per site
    dead: RankedRows
    dead_days: int
    levels_as_of: datetime.date | None  # the planning run the order-up-to levels come from
    dead_since: datetime.datetime = field(default=None)

    @property
    def excess_value(self) -> Decimal:
        return self.excess.value

    @property
    def dead_value(self) -> Decimal:
        return self.dead.value


def dead_since(scope: Scope, dead_days: int) -> datetime.datetime:
    """The start of the day `dead_days` before the scope's last day ends, tenant's zone."""
    _, stop = scope.bounds()
    return stop - datetime.timedelta(days=dead_days)


def excess_and_dead(
    scope: Scope, *, dead_days: int = DEAD_DAYS, using: str = DEFAULT_DB_ALIAS,
    excess_offset: int = 0, dead_offset: int = 0,
) -> ExcessFigures:  # fmt: skip
    """Excess above order-up-to and dead stock, as held now (the period's end sets only
    where the N days without outbound movement end). Each list's rows are read a window at a
    time, from its offset on (the page shown) with its totals."""
    since = dead_since(scope, dead_days)
    excess, dead = planning_selectors.excess_and_dead_stock(
        tenant=scope.tenant, since=since, using=using, excess_offset=excess_offset,
        dead_offset=dead_offset, **_filters(scope),
    )  # fmt: skip
    return ExcessFigures(
        excess=excess,
        dead=dead,
        dead_days=dead_days,
        levels_as_of=planning_selectors.latest_levels_date(tenant=scope.tenant, using=using),
        dead_since=since,
    )


def stockout_risk_count(scope: Scope, *, using: str = DEFAULT_DB_ALIAS) -> int:
    """How many item-sites `stockout_risk` lists."""
    return planning_selectors.stockout_risk_count(
        tenant=scope.tenant, using=using, **_filters(scope)
    )


def stockout_risk(scope: Scope, *, using: str = DEFAULT_DB_ALIAS) -> list[dict]:
    """Item-sites the last planning run found at risk: on hand + on order below the reorder
    point, or nothing on hand with backorders waiting."""
    return planning_selectors.stockout_risk(tenant=scope.tenant, using=using, **_filters(scope))


# --- the landing pages' summary -------------------------------------------------------------


def stock_summary(scope: Scope, *, using: str = DEFAULT_DB_ALIAS) -> dict:
    """The stock figures the landing pages show for `scope`, all as numbers (None: nothing
    under a ratio): turns (in the period and annualised), days on hand, average value, COGS,
    carrying cost, excess value, dead stock value (180 days), items at stockout risk (item-
    sites, from the last planning run), record accuracy and its value gap."""
    t = turns(scope, using=using)
    e = excess_and_dead(scope, using=using)
    by_site = counts_accuracy(scope, using=using)
    made = sum(r.made for r in by_site)
    counted = sum((r.value_counted for r in by_site), ZERO)
    at_risk = planning_selectors.stockout_risk_count(
        tenant=scope.tenant, using=using, **_filters(scope)
    )
    return {
        "turns": t.turns,
        "annual_turns": t.annual_turns,
        "days_on_hand": t.days_on_hand,
        "average_value": t.average_value,
        "cogs": t.cogs,
        "carrying_cost": t.carrying_cost,
        "excess_value": e.excess_value,
        "excess_items": e.excess.count(),
        "dead_stock_value": e.dead_value,
        "dead_stock_items": e.dead.count(),
        "stockout_risk_items": at_risk,
        "accuracy": ratio(sum(r.within for r in by_site), made),
        "accuracy_counts": made,
        "accuracy_value_gap": ratio(sum((r.value_variance for r in by_site), ZERO), counted),
        "levels_as_of": e.levels_as_of,
    }


# --- nightly snapshots (reporting.measures.registry) ----------------------------------------


def _accuracy_figures(scope: Scope) -> tuple[int, int]:
    by_site = counts_accuracy(scope)
    return sum(r.within for r in by_site), sum(r.made for r in by_site)


registry.register("record_accuracy", "Inventory record accuracy", _accuracy_figures)
