"""What the floor flags for a supervisor: short picks, packing differences, bins to count."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from erp.fields import TenantForeignKey, TenantModel
from inventory.models import Item, Location
from orders.models import SalesOrder
from warehouse.models.picking import PickTask
from warehouse.models.replenishment import Replenishment


class ExceptionKind(models.TextChoices):
    SHORT_PICK = "short_pick", _("Short pick")
    PACK_MISMATCH = "pack_mismatch", _("Packed differs from picked")
    SHORT_REPLENISHMENT = "short_replenishment", _("Short replenishment")


class FloorException(TenantModel):
    """Something on the floor a supervisor must see: a short pick, a packing difference."""

    kind = models.CharField(max_length=20, choices=ExceptionKind.choices)
    # Empty for a short replenishment: reserve stock is no order's.
    order = TenantForeignKey(
        SalesOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    task = TenantForeignKey(
        PickTask, on_delete=models.PROTECT, null=True, blank=True, related_name="exceptions"
    )
    replenishment = TenantForeignKey(
        Replenishment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    location = TenantForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expected = models.DecimalField(max_digits=18, decimal_places=4)
    found = models.DecimalField(max_digits=18, decimal_places=4)
    outcome = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class CountRequest(TenantModel):
    """A bin flagged to be counted (after a short pick); counting itself comes later."""

    location = TenantForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "location"],
                condition=models.Q(done=False),
                name="warehouse_countrequest_one_open_per_bin",
            ),
        ]
