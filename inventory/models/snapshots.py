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


class ClosedDay(TenantModel):
    """One site's day closed into `DayValue` rows: the running value the stock measures
    (turns, carrying cost, the adjustment rate's average) read for any day's end, so a day in
    the middle of a month costs no more than its own entries since the last closed day.

    Kept per item category, the one filter those measures take that a site total cannot
    answer; an item whose category changes forgets every closed day of its tenant (they are
    closed again in the next run), since its past entries now count under another category.
    """

    site = TenantForeignKey(Site, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField(help_text="The day closed, in the site's time zone")
    ends_at = models.DateTimeField(help_text="End of the day in the site's time zone")
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["site", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "site", "day"], name="inventory_closedday_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.day:%Y-%m-%d}"


class DayValue(TenantModel):
    """Σ quantity and Σ value of a site's entries posted before its closed day's end, for the
    items of one category ("" for items without one); a category at zero in both has no row."""

    closed_day = TenantForeignKey(
        ClosedDay, on_delete=models.CASCADE, related_name="rows", db_index=False
    )
    category = models.CharField(max_length=60, blank=True)
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    value = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        ordering = ["closed_day", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "closed_day", "category"],
                name="inventory_dayvalue_one_per_category",
            ),
        ]


class TransitClose(TenantModel):
    """Σ quantity and Σ value of the tenant's entries at its in-transit locations posted
    before `ends_at`: "in transit now" is this plus the entries since, instead of every
    transfer ever shipped. One row per tenant, moved forward by `inventory.ledger.transit_close`
    and forgotten by a backdated posting before its end."""

    ends_at = models.DateTimeField()
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    value = models.DecimalField(max_digits=18, decimal_places=4)
    closed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"], name="inventory_transitclose_one_per_tenant"
            ),
        ]

    def __str__(self) -> str:
        return f"in transit before {self.ends_at:%Y-%m-%d %H:%M}"


class HeldClose(TenantModel):
    """That the tenant's `HeldValue` rows hold what each item-site held before `ends_at`: "held
    now" (the excess and dead stock lists) is those rows plus the entries posted since, not a
    sum over every open cost layer. One row per tenant, written with the rows by
    `inventory.ledger.held_close` and forgotten by a backdated posting before its end (the
    rows stay until the next close replaces them, unread)."""

    ends_at = models.DateTimeField()
    closed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="inventory_heldclose_one_per_tenant"),
        ]

    def __str__(self) -> str:
        return f"held before {self.ends_at:%Y-%m-%d %H:%M}"


class HeldValue(TenantModel):
    """Σ remaining quantity and value of one item-site's open cost layers as they stood at the
    tenant's `HeldClose`; item-sites holding nothing then have no row."""

    # No foreign-key indexes: the rows are read and replaced a tenant at a time, through the
    # unique (tenant, site, item), never from an item or a site.
    item = TenantForeignKey(Item, on_delete=models.CASCADE, related_name="+", db_index=False)
    site = TenantForeignKey(Site, on_delete=models.CASCADE, related_name="+", db_index=False)
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    value = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "site", "item"], name="inventory_heldvalue_one_per_item_site"
            ),
        ]
