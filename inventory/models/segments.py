"""Segmentation of items per site: ABC by annual consumption value, XYZ by demand variability
(DOMAIN.md, "Replenishment and planning"). Cycle counting reads it now, planning's service
levels later. Only `inventory.services.segmentation` writes it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from erp.fields import TenantForeignKey, TenantModel
from inventory.models.items import AbcClass, Item
from inventory.models.locations import Site


class XyzClass(models.TextChoices):
    X = "X", "X"
    Y = "Y", "Y"
    Z = "Z", "Z"


class ItemSegment(TenantModel):
    """The current segment of an item at a site, as the latest run computed it.

    One row per (tenant, item, site); each run replaces all of a tenant's rows in one
    transaction, so no history of past runs is kept (`computed_on` says which run this is).
    Derived data: deleting the item or the site takes its rows along.
    """

    # No single-column indexes: the unique (tenant, item, site) and the (tenant, site, ...)
    # index serve every lookup, and each index costs the nightly rewrite of every row.
    item = TenantForeignKey(Item, on_delete=models.CASCADE, related_name="segments", db_index=False)
    site = TenantForeignKey(Site, on_delete=models.CASCADE, related_name="+", db_index=False)
    abc_class = models.CharField(_("ABC class"), max_length=1, choices=AbcClass.choices)
    xyz_class = models.CharField(_("XYZ class"), max_length=1, choices=XyzClass.choices)
    annual_quantity = models.DecimalField(
        max_digits=18, decimal_places=4, help_text=_("Shipped in the year, base unit")
    )
    annual_value = models.DecimalField(
        max_digits=18, decimal_places=4, help_text=_("Cost value of what was shipped in the year")
    )
    demand_cv = models.DecimalField(
        _("coefficient of variation"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Of weekly demand over 52 weeks; empty when there was no demand"),
    )
    demand_periods = models.PositiveSmallIntegerField(
        _("weeks with demand"), help_text=_("Of the 52 weeks, those with any demand")
    )
    computed_on = models.DateField()

    class Meta:
        ordering = ["site", "-annual_value", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "item", "site"], name="inventory_itemsegment_one_per_item_site"
            ),
            models.CheckConstraint(
                condition=models.Q(abc_class__in=AbcClass.values),
                name="inventory_itemsegment_abc_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(xyz_class__in=XyzClass.values),
                name="inventory_itemsegment_xyz_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(demand_periods__lte=52),
                name="inventory_itemsegment_periods_in_year",
            ),
            # An item without demand has no variability to measure and no value to rank.
            models.CheckConstraint(
                condition=models.Q(demand_cv__isnull=False)
                | models.Q(abc_class="C", xyz_class="Z", demand_periods=0),
                name="inventory_itemsegment_no_demand_is_cz",
            ),
            models.CheckConstraint(
                condition=models.Q(demand_cv__isnull=True) | models.Q(demand_cv__gte=0),
                name="inventory_itemsegment_cv_not_negative",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "site", "abc_class", "xyz_class"], name="inv_segment_class_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.abc_class}{self.xyz_class}"
