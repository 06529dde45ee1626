"""Period snapshots of stock value: what valuation as of a date starts from instead of the
whole history (DESIGN.md, "Scale"). Derived data, written only by `inventory.ledger.snapshots`.

A `SnapshotPeriod` says that one site's month is closed: its `ends_at` is the end of the month's
last day in the site's time zone at closing time, the same instant `posted_by_end_of` uses.
`ValuationSnapshot` rows hold Σ quantity and Σ value of the site's entries posted before
`ends_at`, per item; an item at zero in both has no row (a missing row means zero).
"""

from __future__ import annotations

from django.db import models

from erp.fields import TenantForeignKey, TenantModel
from inventory.models.items import Item
from inventory.models.locations import Site


class SnapshotPeriod(TenantModel):
    # No single-column indexes: the unique (tenant, site, month) serves every lookup (a
    # tenant has a few hundred periods), and the rows' unique starts with the period.
    site = TenantForeignKey(Site, on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField(help_text="First day of the month closed")
    ends_at = models.DateTimeField(help_text="End of the month in the site's time zone")
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["site", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "site", "month"], name="inventory_snapshotperiod_one_per_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.month:%Y-%m}"


class ValuationSnapshot(TenantModel):
    period = TenantForeignKey(
        SnapshotPeriod, on_delete=models.CASCADE, related_name="rows", db_index=False
    )
    item = TenantForeignKey(Item, on_delete=models.CASCADE, related_name="+", db_index=False)
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    value = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        ordering = ["period", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "period", "item"], name="inventory_valuationsnapshot_one_per_item"
            ),
        ]
