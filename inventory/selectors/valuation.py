"""Inventory value as of a date, summed from the ledger's entries (DOMAIN.md, "Costing").

Value of a site as of the end of day D = Σ StockEntry.value over the entries in the site's bins
(`site_id` set) whose transaction was posted before the midnight that ends D in the site's own
time zone; the quantity is the same sum of StockEntry.quantity. Value moves only when stock
crosses a site's boundary (`inventory.ledger.valuation`): receipts add it at their cost, outflows
take it from the oldest FIFO layers or at the moving average, and moves inside a site add nothing.
So for today the sum equals the open cost layers' remaining value, which `verify` checks.

Every figure is one SQL aggregation; the groups are dicts from `values()`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS
from django.db.models import (
    DateField,
    DateTimeField,
    F,
    Func,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import NullIf

from inventory.models import CostLayer, Item, LocationKind, Site, StockEntry

BLANK_CATEGORY = "__none__"  # stands for items without a category in filters and links


class EndOfLocalDay(Func):
    """The instant `day` ends in the time zone named by `zone`: the next midnight there."""

    output_field = DateTimeField()

    def __init__(self, day: datetime.date, zone):
        super().__init__(Value(day, output_field=DateField()), zone)

    def as_sql(self, compiler, connection, **extra_context):
        day_sql, day_params = compiler.compile(self.source_expressions[0])
        zone_sql, zone_params = compiler.compile(self.source_expressions[1])
        sql = f"((({day_sql})::date + 1)::timestamp AT TIME ZONE ({zone_sql}))"
        return sql, (*day_params, *zone_params)


def posted_by_end_of(day: datetime.date) -> Q:
    """Entries whose transaction was posted on or before `day` in their site's time zone."""
    return Q(transaction__posted_at__lt=EndOfLocalDay(day, F("site__time_zone")))


def _site_entries(*, tenant) -> QuerySet[StockEntry]:
    return StockEntry.objects.filter(tenant=tenant, site__isnull=False)


def value_by_site_and_category(*, tenant) -> QuerySet:
    """Quantity and value per (site, item category), leaving out groups at zero.

    Without a date this is everything posted so far; narrow it with `posted_by_end_of(D)`
    (a condition on the entries, so it lands in WHERE, before the sums).
    """
    return (
        _site_entries(tenant=tenant)
        .values("site", "site__code", "site__name", "site__time_zone", "item__category")
        .annotate(quantity=Sum("quantity"), value=Sum("value"))
        .exclude(quantity=0, value=0)
        .order_by("site__code", "item__category")
    )


def value_by_item(*, tenant, site: Site) -> QuerySet:
    """Quantity, value and average unit cost (value / quantity) per item at `site`."""
    return (
        _site_entries(tenant=tenant)
        .filter(site=site)
        .values(
            "item",
            "item__sku",
            "item__description",
            "item__category",
            "item__base_unit",
            "item__costing_method",
        )
        .annotate(quantity=Sum("quantity"), value=Sum("value"))
        .annotate(unit_cost=F("value") / NullIf(F("quantity"), Value(Decimal(0))))
        .exclude(quantity=0, value=0)
        .order_by("-value", "item__sku")
    )


def valuation_totals(groups: QuerySet) -> dict:
    """Sum of quantity and value over grouped rows from the functions above (one query)."""
    zero = Decimal(0)
    return groups.aggregate(
        total_quantity=Sum("quantity", default=zero), total_value=Sum("value", default=zero)
    )


def item_value_as_of(
    *, tenant, item: Item, site: Site, day: datetime.date, using: str = DEFAULT_DB_ALIAS
) -> dict:
    """Quantity, value and average unit cost of `item` at `site` as of the end of `day`."""
    zero = Decimal(0)
    totals = (
        _site_entries(tenant=tenant)
        .using(using)
        .filter(item=item, site=site)
        .filter(posted_by_end_of(day))
        .aggregate(quantity=Sum("quantity", default=zero), value=Sum("value", default=zero))
    )
    totals["unit_cost"] = totals["value"] / totals["quantity"] if totals["quantity"] else None
    return totals


def valued_items(*, tenant) -> QuerySet[Item]:
    return Item.objects.filter(tenant=tenant)


def item_categories(*, tenant) -> list[str]:
    return list(
        Item.objects.filter(tenant=tenant)
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )


def cost_layers(*, tenant, item: Item, site: Site) -> QuerySet[CostLayer]:
    """The present cost layers of `item` at `site` (FIFO: one per receipt; average: the pool)."""
    return CostLayer.objects.filter(tenant=tenant, item=item, site=site).select_related("entry")


def layer_totals(layers: QuerySet[CostLayer]) -> dict:
    zero = Decimal(0)
    return layers.aggregate(
        remaining_quantity=Sum("remaining_quantity", default=zero),
        remaining_value=Sum("remaining_value", default=zero),
    )


def in_transit(*, tenant, item: Item | None = None, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Quantity and value held in the tenant's in-transit location (goods between sites):
    the entries' sums, so what left a site's valuation is visible until it arrives."""
    entries = StockEntry.objects.using(using).filter(
        tenant=tenant, location__kind=LocationKind.IN_TRANSIT
    )
    if item is not None:
        entries = entries.filter(item=item)
    totals = entries.aggregate(
        quantity=Sum("quantity", default=Decimal(0)), value=Sum("value", default=Decimal(0))
    )
    return {"quantity": totals["quantity"], "value": totals["value"]}
