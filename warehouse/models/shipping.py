"""Shipments of closed cartons, and the tenant's GS1 identity their SSCCs and documents carry."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.fields import TenantForeignKey, TenantModel
from inventory.models import StockTransaction
from orders.models import SalesOrder


class ShippingSettings(TenantModel):
    """The tenant's GS1 identity for SSCCs (one row per tenant)."""

    gs1_company_prefix = models.CharField(
        _("GS1 company prefix"), max_length=10, blank=True,
        validators=[RegexValidator(r"^\d{7,10}$", _("A GS1 company prefix has 7 to 10 digits."))],
    )  # fmt: skip
    extension_digit = models.PositiveSmallIntegerField(default=0, validators=[MinValueValidator(0)])
    next_serial = models.PositiveBigIntegerField(
        default=1, help_text=_("Next SSCC serial reference")
    )
    ship_from_name = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "shipping settings"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"], name="warehouse_shippingsettings_one_per_tenant"
            ),
            models.CheckConstraint(
                condition=models.Q(extension_digit__lte=9),
                name="warehouse_shippingsettings_extension_digit",
            ),
        ]


class ShipmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SHIPPED = "shipped", _("Shipped")


class Shipment(TenantModel):
    number = models.CharField(max_length=20)
    order = TenantForeignKey(SalesOrder, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.OPEN
    )
    carrier = models.CharField(max_length=60, blank=True)
    service = models.CharField(max_length=60, blank=True)
    tracking_number = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    on_time = models.BooleanField(null=True, help_text=_("Shipped on or before the promised date"))
    transaction = TenantForeignKey(
        StockTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Kept by a trigger on every UPDATE (erp.migration_ops.TouchUpdatedAt): the API's
    # updated-since sync reads it.
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "updated_at", "id"], name="warehouse_shipment_changed")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "number"], name="warehouse_shipment_number_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ShipmentStatus.values),
                name="warehouse_shipment_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="shipped") | models.Q(transaction__isnull=False),
                name="warehouse_shipment_shipped_has_posting",
            ),
        ]

    def __str__(self) -> str:
        return self.number
