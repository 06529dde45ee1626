"""Stock adjustments with reason codes, approved by a second person above a value threshold."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.fields import TenantForeignKey, TenantModel
from inventory.models.items import Item, Lot, SerialNumber
from inventory.models.ledger import Location, StockStatus, StockTransaction


class InventorySettings(TenantModel):
    """Per-tenant inventory policy (one row per tenant)."""

    adjustment_approval_threshold = models.DecimalField(
        _("adjustment approval threshold"),
        max_digits=18,
        decimal_places=2,
        default=Decimal("500.00"),
        help_text=_(
            "Adjustments whose absolute value exceeds this need a second person's approval."
        ),
    )
    carrying_cost_rate = models.DecimalField(
        _("carrying cost rate (% a year)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("25.00"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "What holding stock costs a year (capital, storage, insurance, shrinkage), as a "
            "percent of its average value; the carrying-cost report uses it."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "inventory settings"
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="inventory_settings_one_per_tenant"),
            models.CheckConstraint(
                condition=models.Q(adjustment_approval_threshold__gte=0),
                name="inventory_settings_threshold_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(carrying_cost_rate__gte=0, carrying_cost_rate__lte=100),
                name="inventory_settings_carrying_rate_percent",
            ),
        ]


class ReasonCode(models.TextChoices):
    DAMAGED = "damaged", _("Damaged in warehouse")
    FOUND = "found", _("Found stock")
    LOST = "lost", _("Lost / missing")
    COUNT = "count", _("Count correction")
    EXPIRED = "expired", _("Expired, written off")
    SAMPLE = "sample", _("Sample / internal use")
    OTHER = "other", _("Other (see note)")


class AdjustmentState(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    POSTED = "posted", _("Posted")
    REJECTED = "rejected", _("Rejected")


class AdjustmentKind(models.TextChoices):
    ADJUSTMENT = "adjustment", _("Adjustment")
    REVERSAL = "reversal", _("Reversal")


class Adjustment(TenantModel):
    """A request to add or remove stock in a bin, or to reverse a posted transaction. Posts
    at once within the threshold; above it a second person approves it, so both kinds share
    one approval queue."""

    kind = models.CharField(
        max_length=20, choices=AdjustmentKind.choices, default=AdjustmentKind.ADJUSTMENT
    )
    reverses = TenantForeignKey(
        StockTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    item = TenantForeignKey(Item, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    location = TenantForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lot = TenantForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    serial = TenantForeignKey(
        SerialNumber, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=StockStatus.choices, default=StockStatus.AVAILABLE
    )
    quantity = models.DecimalField(
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Signed, base unit: + adds stock, - removes it"),
    )
    estimated_value = models.DecimalField(max_digits=18, decimal_places=4)
    reason_code = models.CharField(max_length=20, choices=ReasonCode.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)
    state = models.CharField(
        max_length=20, choices=AdjustmentState.choices, default=AdjustmentState.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    transaction = TenantForeignKey(
        StockTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(quantity=0), name="inventory_adjustment_quantity_not_zero"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=AdjustmentState.values),
                name="inventory_adjustment_state_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="posted") | models.Q(transaction__isnull=False),
                name="inventory_adjustment_posted_has_transaction",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="adjustment",
                        item__isnull=False,
                        location__isnull=False,
                        quantity__isnull=False,
                        reverses__isnull=True,
                    )
                    | models.Q(kind="reversal", reverses__isnull=False, item__isnull=True)
                ),
                name="inventory_adjustment_kind_fields",
            ),
            # Two supervisors asking at once leave one request for the other to decide.
            models.UniqueConstraint(
                fields=["tenant", "reverses"],
                condition=models.Q(state="pending"),
                name="inventory_adjustment_one_pending_reversal",
            ),
        ]
        indexes = [
            # The day sum: what one user posted for one item and bin since midnight.
            models.Index(
                fields=["tenant", "requested_by", "item", "location", "requested_at"],
                name="inv_adj_day_sum_idx",
            )
        ]

    def __str__(self) -> str:
        if self.kind == AdjustmentKind.REVERSAL:
            return f"Reversal request #{self.pk}"
        return f"Adjustment #{self.pk}"

    @property
    def signed_value(self) -> Decimal:
        return -self.estimated_value if (self.quantity or 0) < 0 else self.estimated_value
