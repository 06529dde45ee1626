"""Reads of inventory's tables for views, tasks and reports (no writes). One module per area;
the names are re-exported here so callers write `selectors.bins(tenant=...)`."""

from inventory.selectors.adjustments import adjustments
from inventory.selectors.atp import atp
from inventory.selectors.ledger import (
    posting_users,
    transaction_entries,
    transactions,
    with_entry_for_item,
)
from inventory.selectors.locations import (
    bin_imports,
    bins,
    sites,
    sites_with_counts,
    zones,
    zones_with_counts,
)
from inventory.selectors.stock import stock_on_hand, stock_totals

__all__ = [
    "adjustments",
    "atp",
    "bin_imports",
    "bins",
    "posting_users",
    "sites",
    "sites_with_counts",
    "stock_on_hand",
    "stock_totals",
    "transaction_entries",
    "transactions",
    "with_entry_for_item",
    "zones",
    "zones_with_counts",
]
