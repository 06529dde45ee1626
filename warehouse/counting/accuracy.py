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


def record_accuracy(
    *, tenant: Tenant, start: datetime.datetime, end: datetime.datetime, by: str = "site"
) -> list[Accuracy]:
    """Accuracy per group of the counts approved in [start, end), groups sorted by name."""
    if by not in GROUPS:
        raise ValueError(f"group by one of {GROUPS}")
    results = CountResult.objects.filter(
        tenant=tenant, count__status=CountStatus.APPROVED,
        count__decided_at__gte=start, count__decided_at__lt=end,
    ).select_related("count__site", "count__zone")  # fmt: skip
    classes: dict[tuple[int, int], str] = {}
    if by == "abc":
        classes = {
            (item_id, site_id): abc
            for item_id, site_id, abc in ItemSegment.objects.filter(tenant=tenant).values_list(
                "item_id", "site_id", "abc_class"
            )
        }
    groups: dict[str, Accuracy] = {}
    for result in results:
        count = result.count
        if by == "site":
            name = count.site.code
        elif by == "zone":
            name = (
                f"{count.site.code} / {count.zone.code}" if count.zone else f"{count.site.code} / —"
            )
        else:
            name = classes.get((result.item_id, count.site_id), "unclassified")
        row = groups.setdefault(name, Accuracy(name))
        row.made += 1
        row.within += 1 if result.within_tolerance else 0
        row.value_counted += result.counted * result.unit_cost
        row.value_variance += abs(result.counted - result.expected) * result.unit_cost
    return [groups[name] for name in sorted(groups)]
