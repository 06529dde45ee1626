"""reporting's tables: nightly KPI snapshots (derived data, written only by
`reporting.snapshots`)."""

from __future__ import annotations

from django.db import models

from erp.fields import TenantForeignKey, TenantModel
from inventory.models import Site


class KpiSnapshot(TenantModel):
    """One measure's numerator and denominator over one day (in the tenant's time zone), for
    one site or all of them (`site` null). Trend charts read these for past days."""

    day = models.DateField()
    key = models.CharField(max_length=60)
    site = TenantForeignKey(
        Site, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    numerator = models.DecimalField(max_digits=24, decimal_places=4)
    denominator = models.DecimalField(max_digits=24, decimal_places=4)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key", "day"]
        constraints = [
            # NULLS NOT DISTINCT: one all-sites row per day and key, as one row per site.
            # The same index serves every read: a range of days (a few dozen rows a day).
            models.UniqueConstraint(
                fields=["tenant", "day", "key", "site"],
                name="reporting_kpisnapshot_one_per_day",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.day} {self.site_id or 'all sites'}"
