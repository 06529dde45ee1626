"""Reads of inventory's tables for views, tasks and reports (no writes). One module per area;
the names are re-exported here so callers write `selectors.bins(tenant=...)`."""

from inventory.selectors.atp import atp
from inventory.selectors.items import (
    item_atp,
    item_balances,
    item_entries,
    item_projections,
    item_units,
    items,
    items_with_on_hand,
    unit_for_gtin,
    units_of,
    used_item_categories,
)
from inventory.selectors.locations import (
    bins,
    sites,
    sites_with_counts,
    zones,
    zones_with_counts,
)

__all__ = [
    "atp",
    "bins",
    "item_atp",
    "item_balances",
    "item_entries",
    "item_projections",
    "item_units",
    "items",
    "items_with_on_hand",
    "sites",
    "sites_with_counts",
    "unit_for_gtin",
    "units_of",
    "used_item_categories",
    "zones",
    "zones_with_counts",
]
