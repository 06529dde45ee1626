"""Reads of inventory's tables for views, tasks and reports (no writes). One module per area;
the names are re-exported here so callers write `selectors.bins(tenant=...)`."""

from inventory.selectors.atp import atp
from inventory.selectors.locations import (
    bins,
    sites,
    sites_with_counts,
    zones,
    zones_with_counts,
)

__all__ = ["atp", "bins", "sites", "sites_with_counts", "zones", "zones_with_counts"]
