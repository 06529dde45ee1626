"""Nightly KPI snapshots: each registered measure (`reporting.measures.registry`) over one day,
for every site and for all sites together, kept as numerator and denominator so trends read
a few rows per day instead of recomputing the history.

`write_snapshots` replaces a day's rows in one transaction (a repeat, or a backfill over days
already written, gives the same rows: idempotent). `trend` reads them for past days and
computes today live, since today is not over.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, transaction

from inventory import selectors as inventory_selectors
from reporting.measures import registry
from reporting.models import KpiSnapshot
from reporting.scope import Scope, today


def yesterday(tenant) -> datetime.date:
    return today(tenant) - datetime.timedelta(days=1)


def has_snapshots(*, tenant, day: datetime.date) -> bool:
    return KpiSnapshot.objects.filter(tenant=tenant, day=day).exists()


@transaction.atomic
def write_snapshots(*, tenant, day: datetime.date) -> int:
    """Compute every registered measure for `day`, for all sites and for each site, and
    replace that day's snapshots with them. Returns the rows written. Refuses a day that is
    not over yet in the tenant's time zone (ValueError): its figures would still change."""
    if day >= today(tenant):
        raise ValueError(f"{day} is not over yet; snapshots cover finished days.")
    sites = [None, *inventory_selectors.sites(tenant=tenant).order_by("pk")]
    rows = []
    for site in sites:
        scope = Scope(tenant=tenant, start=day, end=day, site=site)
        for measure in registry.measures():
            numerator, denominator = measure.function(scope)
            rows.append(
                KpiSnapshot(
                    tenant=tenant,
                    day=day,
                    key=measure.key,
                    site=site,
                    numerator=Decimal(numerator),
                    denominator=Decimal(denominator),
                )
            )
    KpiSnapshot.objects.filter(tenant=tenant, day=day).delete()
    KpiSnapshot.objects.bulk_create(rows)
    return len(rows)


@dataclass(frozen=True)
class Day:
    day: datetime.date
    numerator: Decimal
    denominator: Decimal
    live: bool = False  # today, computed now rather than read from a snapshot

    @property
    def value(self) -> Decimal | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass
class Trend:
    key: str
    days: list[Day]
    missing: list[datetime.date]  # past days without a snapshot (not yet backfilled)


def trend(scope: Scope, key: str, *, using: str = DEFAULT_DB_ALIAS) -> Trend:
    """`key` day by day over the scope's period and site: snapshots for past days (one
    query), today computed live. Customer and item filters do not apply (snapshots are kept
    per site only)."""
    on = today(scope.tenant)
    rows = {
        row.day: row
        for row in KpiSnapshot.objects.using(using).filter(
            tenant=scope.tenant,
            key=key,
            site=scope.site,
            day__gte=scope.start,
            day__lte=min(scope.end, on - datetime.timedelta(days=1)),
        )
    }
    days, missing = [], []
    day = scope.start
    while day <= min(scope.end, on):
        if day == on:
            live = Scope(tenant=scope.tenant, start=on, end=on, site=scope.site)
            numerator, denominator = registry.get(key).function(live)
            days.append(Day(day, Decimal(numerator), Decimal(denominator), live=True))
        elif day in rows:
            days.append(Day(day, rows[day].numerator, rows[day].denominator))
        else:
            missing.append(day)
        day += datetime.timedelta(days=1)
    return Trend(key, days, missing)
