"""Pick-face replenishment: the min/max each pick face is kept between, and the tasks that
bring stock from reserve to a face (DOMAIN.md, "Replenishment and planning")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.fields import TenantForeignKey, TenantModel
from inventory.models import Bin, Item, Location, Lot, StockTransaction


class PickFace(TenantModel):
    """An item's min/max on a pick-face bin, in the item's base unit. Replenishment moves
    whole `unit`s (a case, a pallet) from reserve."""

    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    bin = TenantForeignKey(Bin, on_delete=models.PROTECT, related_name="+")
    min_quantity = models.DecimalField(_("min"), max_digits=18, decimal_places=4)
    max_quantity = models.DecimalField(_("max"), max_digits=18, decimal_places=4)
    unit = models.CharField(
        _("replenishment unit"), max_length=20, help_text=_("e.g. case: moves round up to it")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["bin__site__code", "bin__code", "item__sku"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "bin", "item"], name="warehouse_pickface_bin_item_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(min_quantity__gte=0, max_quantity__gt=models.F("min_quantity")),
                name="warehouse_pickface_min_below_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bin.code} {self.item.sku}"


class ReplenishmentState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    SHORT = "short", _("Short")
    CANCELLED = "cancelled", _("Cancelled")


class Replenishment(TenantModel):
    """Move `quantity` (base unit) of `item` (`lot`) from a reserve bin to a pick face; the
    source stock is reserved for it (source type `replenishment`) until it is moved."""

    face = TenantForeignKey(PickFace, on_delete=models.PROTECT, related_name="replenishments")
    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = TenantForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    from_location = TenantForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    to_location = TenantForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        max_length=20, choices=ReplenishmentState.choices, default=ReplenishmentState.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    moved_quantity = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    transaction = TenantForeignKey(
        StockTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0),
                name="warehouse_replenishment_quantity_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=ReplenishmentState.values),
                name="warehouse_replenishment_state_valid",
            ),
            # Two overlapping runs cannot both send stock to one face.
            models.UniqueConstraint(
                fields=["tenant", "face"],
                condition=models.Q(state="open"),
                name="warehouse_replenishment_one_open_per_face",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "state", "created_at"], name="wh_replenish_queue_idx")
        ]

    def __str__(self) -> str:
        return f"Replenishment #{self.pk}"
