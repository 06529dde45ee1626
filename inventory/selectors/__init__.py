"""Reads of inventory's tables for views, tasks and reports (no writes). One module per area;
the names are re-exported here so callers write `selectors.bins(tenant=...)`."""

from inventory.selectors.adjustments import adjustments
from inventory.selectors.atp import atp
from inventory.selectors.items import (
    item_atp,
    item_balances,
    item_entries,
    item_matches,
    item_projections,
    item_units,
    items,
    items_with_on_hand,
    unit_for_gtin,
    units_of,
    used_item_categories,
)
from inventory.selectors.ledger import (
    posting_users,
    transaction_entries,
    transactions,
    with_entry_for_item,
)
from inventory.selectors.locations import (
    bin_matches,
    bins,
    sites,
    sites_with_counts,
    zones,
    zones_with_counts,
)
from inventory.selectors.stock import stock_on_hand, stock_totals
from inventory.selectors.valuation import (
    BLANK_CATEGORY,
    cost_layers,
    item_categories,
    item_value_as_of,
    layer_totals,
    posted_by_end_of,
    valuation_totals,
    value_by_item,
    value_by_site_and_category,
    valued_items,
)

__all__ = [
    "BLANK_CATEGORY",
    "adjustments",
    "atp",
    "bin_matches",
    "bins",
    "cost_layers",
    "item_atp",
    "item_balances",
    "item_categories",
    "item_entries",
    "item_matches",
    "item_projections",
    "item_units",
    "item_value_as_of",
    "items",
    "items_with_on_hand",
    "layer_totals",
    "posted_by_end_of",
    "posting_users",
    "sites",
    "sites_with_counts",
    "stock_on_hand",
    "stock_totals",
    "transaction_entries",
    "transactions",
    "unit_for_gtin",
    "units_of",
    "used_item_categories",
    "valuation_totals",
    "value_by_item",
    "value_by_site_and_category",
    "valued_items",
    "with_entry_for_item",
    "zones",
    "zones_with_counts",
]
