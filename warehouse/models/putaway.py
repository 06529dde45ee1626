"""Directed putaway: rules that say where received goods go, and the tasks operators work."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.fields import TenantForeignKey, TenantModel
from inventory.models import (
    BinType,
    Item,
    Location,
    Lot,
    SerialNumber,
    Site,
    StockTransaction,
    Velocity,
    Zone,
)
from warehouse.models.receiving import ReceiptLine


class PutawayRule(TenantModel):
    """Evaluated by priority (lowest first); the first rule whose conditions all match the
    received item picks the target zone or bin type. Blank conditions match anything."""

    priority = models.PositiveIntegerField(default=100)
    name = models.CharField(max_length=80)
    site = TenantForeignKey(
        Site,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: every site"),
    )
    category = models.CharField(max_length=60, blank=True)
    velocity_class = models.CharField(max_length=10, choices=Velocity.choices, blank=True)
    hazardous = models.BooleanField(null=True, blank=True, help_text=_("Empty: either"))
    unit = models.CharField(
        max_length=20, blank=True, help_text=_("Unit received in (e.g. pallet)")
    )
    target_zone = TenantForeignKey(
        Zone, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_bin_type = models.CharField(max_length=20, choices=BinType.choices, blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(target_zone__isnull=True, target_bin_type=""),
                name="warehouse_putawayrule_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.priority}: {self.name}"

    def matches(self, *, item: Item, unit: str, site_id: int) -> bool:
        return (
            self.is_active
            and (self.site_id is None or self.site_id == site_id)
            and (not self.category or self.category.lower() == item.category.lower())
            and (not self.velocity_class or self.velocity_class == item.velocity_class)
            and (self.hazardous is None or self.hazardous == item.hazardous)
            and (not self.unit or self.unit == unit)
        )


class TaskState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PutawayTask(TenantModel):
    receipt_line = TenantForeignKey(
        ReceiptLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="putaway_tasks",
        help_text=_("Empty for stock released from QC"),
    )
    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = TenantForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    serial = TenantForeignKey(
        SerialNumber, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    from_location = TenantForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    suggested_location = TenantForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rule = TenantForeignKey(
        PutawayRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    suggestion_note = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=20, choices=TaskState.choices, default=TaskState.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    to_location = TenantForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = models.CharField(max_length=200, blank=True)
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
                condition=models.Q(quantity__gt=0), name="warehouse_putawaytask_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=TaskState.values),
                name="warehouse_putawaytask_state_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="done")
                | models.Q(transaction__isnull=False, to_location__isnull=False),
                name="warehouse_putawaytask_done_has_move",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "state", "created_at"], name="wh_putaway_queue_idx")
        ]

    def __str__(self) -> str:
        return f"Putaway #{self.pk}"
