"""Inventory record accuracy (DOMAIN.md, "Measures") from approved counts.

One item (lot, serial) counted in one bin is one count made: a bin holding three items gives
three, each with its item's ABC class. For the counts approved in the period:
- accuracy = counts whose variance is within the tolerance in force when decided / counts made;
- value accuracy gap = Σ |counted - expected| * unit cost / Σ counted * unit cost.
Grouped by site, by zone, or by the item's ABC class at the count's site (items never
segmented are "unclassified").
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Abs, Coalesce

from erp.models import Tenant
from inventory.models import ItemSegment
from warehouse.models import CountResult, CountStatus

GROUPS = ("site", "zone", "abc")


@dataclass
class Accuracy:
    group: str
    made: int = 0
    within: int = 0
    value_counted: Decimal = Decimal(0)
    value_variance: Decimal = Decimal(0)  # absolute

    @property
    def rate(self) -> Decimal | None:
        return Decimal(self.within) / self.made if self.made else None

    @property
    def value_gap(self) -> Decimal | None:
        return self.value_variance / self.value_counted if self.value_counted else None

    @property
    def rate_pct(self) -> Decimal | None:
        return None if self.rate is None else (self.rate * 100).quantize(Decimal("0.1"))

    @property
    def value_gap_pct(self) -> Decimal | None:
        gap = self.value_gap
        return None if gap is None else (gap * 100).quantize(Decimal("0.1"))


def _approved(tenant: Tenant, start, end, using: str = DEFAULT_DB_ALIAS):
    return CountResult.objects.using(using).filter(
        tenant=tenant, count__status=CountStatus.APPROVED,
        count__decided_at__gte=start, count__decided_at__lt=end,
    )  # fmt: skip


def _summed(results, *keys: str):
    """The counts made and within tolerance and the values counted and off, per `keys`, in
    one grouped statement."""
    return (
        results.values(*keys)
        .annotate(
            made=Count("id"),
            within=Count("id", filter=Q(within_tolerance=True)),
            value_counted=Sum(F("counted") * F("unit_cost"), default=Decimal(0)),
            value_variance=Sum(
                Abs(F("counted") - F("expected")) * F("unit_cost"), default=Decimal(0)
            ),
        )
        .order_by()
    )


def _accuracy(name: str, row: dict) -> Accuracy:
    return Accuracy(
        name, made=row["made"], within=row["within"], value_counted=row["value_counted"],
        value_variance=row["value_variance"],
    )  # fmt: skip


def record_accuracy(
    *, tenant: Tenant, start: datetime.datetime, end: datetime.datetime, by: str = "site"
) -> list[Accuracy]:
    """Accuracy per group of the counts approved in [start, end), groups sorted by name,
    summed in the database (a period's counts are thousands of rows at a busy tenant)."""
    if by not in GROUPS:
        raise ValueError(f"group by one of {GROUPS}")
    results = _approved(tenant, start, end)
    if by == "site":
        rows = _summed(results, "count__site__code")
        named = [(r["count__site__code"], r) for r in rows]
    elif by == "zone":
        rows = _summed(results, "count__site__code", "count__zone__code")
        named = [(f"{r['count__site__code']} / {r['count__zone__code'] or '—'}", r) for r in rows]
    else:
        # The item's class at the count's site, from the last segmentation.
        abc = ItemSegment.objects.filter(
            tenant=tenant, item_id=OuterRef("item_id"), site_id=OuterRef("count__site_id")
        ).values("abc_class")[:1]
        rows = _summed(results.annotate(abc=Coalesce(Subquery(abc), Value("unclassified"))), "abc")
        named = [(r["abc"], r) for r in rows]
    return [_accuracy(name, row) for name, row in sorted(named, key=lambda pair: pair[0])]


def accuracy_by_site(
    *, tenant: Tenant, start: datetime.datetime, end: datetime.datetime, site=None,
    category: str | None = None, abc_class: str = "", using: str = DEFAULT_DB_ALIAS,
) -> list[Accuracy]:  # fmt: skip
    """`record_accuracy` by site, summed in the database (one grouped statement) and narrowed
    by the report filters: a site, the items' category (None: any; "": none) and their ABC
    class at the count's site."""
    results = _approved(tenant, start, end, using)
    if site is not None:
        results = results.filter(count__site=site)
    if category is not None:
        results = results.filter(item__category=category)
    if abc_class:
        results = results.filter(
            Exists(
                ItemSegment.objects.filter(
                    tenant=tenant,
                    item_id=OuterRef("item_id"),
                    site_id=OuterRef("count__site_id"),
                    abc_class=abc_class,
                )
            )
        )
    rows = _summed(results, "count__site__code").order_by("count__site__code")
    return [_accuracy(r["count__site__code"], r) for r in rows]
