"""Reads of the item master and of an item's stock, ledger and projections (tenant-filtered)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from erp.lookups import ranked_matches
from inventory.gtin import gtin_forms, normalize_gtin
from inventory.models import (
    Item,
    ItemUnit,
    Projection,
    Site,
    StockBalance,
    StockEntry,
)
from inventory.selectors.atp import Atp, atp


def items(*, tenant) -> QuerySet[Item]:
    return Item.objects.filter(tenant=tenant)


def item_matches(*, tenant, query: str, limit: int) -> list[Item]:
    """Active items whose SKU starts with, or description contains, `query`, or that have a
    unit whose GTIN starts with it."""
    gtin = Q(pk__in=ItemUnit.objects.filter(tenant=tenant, gtin__startswith=query).values("item"))
    active = items(tenant=tenant).filter(is_active=True)
    found = ranked_matches(active, query=query, code="sku", text=("description",), extra=gtin)
    return list(found[:limit])


def items_with_on_hand(*, tenant) -> QuerySet[Item]:
    """Items with `on_hand`: their stock in real locations, in the base unit."""
    real = (
        StockBalance.objects.filter(tenant=tenant, item=OuterRef("pk"), is_real=True)
        .values("item")
        .annotate(total=Sum("on_hand"))
        .values("total")
    )
    return items(tenant=tenant).annotate(
        on_hand=Coalesce(
            Subquery(real, output_field=DecimalField(max_digits=18, decimal_places=4)),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=18, decimal_places=4),
        )
    )


def used_item_categories(*, tenant) -> list[str]:
    """The tenant's non-blank item categories, for filter choices."""
    return list(
        items(tenant=tenant)
        .exclude(category="")
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )


def item_units(*, tenant) -> QuerySet[ItemUnit]:
    return ItemUnit.objects.filter(tenant=tenant).select_related("item")


def units_of(*, tenant, item: Item) -> list[ItemUnit]:
    return list(ItemUnit.objects.filter(tenant=tenant, item=item).order_by("factor", "code"))


def unit_for_gtin(*, tenant, gtin: str) -> ItemUnit | None:
    """The unit a scanned or typed GTIN (8 to 14 digits) names; raises `InvalidGtin`."""
    normalized = normalize_gtin(gtin)
    if not normalized:
        return None
    return item_units(tenant=tenant).filter(gtin__in=gtin_forms(normalized)).first()


def item_balances(*, tenant, item: Item) -> QuerySet[StockBalance]:
    """The item's stock in real locations (bin, lot, status), without rows at zero."""
    return (
        StockBalance.objects.filter(tenant=tenant, item=item, is_real=True)
        .exclude(on_hand=0, reserved=0)
        .select_related("location__bin__zone", "site", "lot")
    )


def item_entries(*, tenant, item: Item) -> QuerySet[StockEntry]:
    """The item's ledger entries, latest posting first, with their transaction and poster.

    Ordered by transaction id, the order of posting, which inv_entry_item_idx (tenant, item,
    transaction) serves without a sort: ordering by `posted_at` across the join would sort the
    item's whole history on every page. The two differ only for a backdated posting, which
    then shows where it was posted, as in an audit trail.
    """
    return (
        StockEntry.objects.filter(tenant=tenant, item=item)
        .select_related("transaction__posted_by", "location", "site", "lot", "serial")
        .order_by("-transaction_id", "-id")
    )


def item_projections(*, tenant, item: Item) -> QuerySet[Projection]:
    return Projection.objects.filter(tenant=tenant, item=item).select_related("site")


def item_atp(*, tenant, item: Item) -> list[Atp]:
    """ATP by day at every site where the item has stock or projected supply or demand."""
    stocked = StockBalance.objects.filter(tenant=tenant, item=item, is_real=True).exclude(on_hand=0)
    projected = Projection.objects.filter(tenant=tenant, item=item)
    sites = Site.objects.filter(tenant=tenant).filter(
        Q(pk__in=stocked.values("site")) | Q(pk__in=projected.values("site"))
    )
    return [atp(tenant=tenant, item=item, site=site) for site in sites.order_by("code")]
