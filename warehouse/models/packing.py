"""Cartons packed from picked goods; closing one gives it an SSCC."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.fields import TenantForeignKey, TenantModel
from inventory.models import Item, Lot, SerialNumber
from orders.models import SalesOrder, SalesOrderLine
from warehouse.models.shipping import Shipment


class CartonStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    SHIPPED = "shipped", _("Shipped")


class Carton(TenantModel):
    order = TenantForeignKey(SalesOrder, on_delete=models.PROTECT, related_name="+")
    shipment = TenantForeignKey(
        Shipment, on_delete=models.PROTECT, null=True, blank=True, related_name="cartons"
    )
    sscc = models.CharField(_("SSCC"), max_length=18, blank=True)
    status = models.CharField(
        max_length=20, choices=CartonStatus.choices, default=CartonStatus.OPEN
    )
    weight_kg = models.DecimalField(
        max_digits=10, decimal_places=3, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    length_cm = models.DecimalField(
        max_digits=8, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    width_cm = models.DecimalField(
        max_digits=8, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    height_cm = models.DecimalField(
        max_digits=8, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "sscc"],
                condition=~models.Q(sscc=""),
                name="warehouse_carton_sscc_uniq",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CartonStatus.values),
                name="warehouse_carton_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | ~models.Q(sscc=""),
                name="warehouse_carton_closed_has_sscc",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="shipped") | models.Q(shipment__isnull=False),
                name="warehouse_carton_shipped_has_shipment",
            ),
        ]

    @property
    def closed(self) -> bool:
        """Closed and labelled: nothing more goes in (shipped cartons included)."""
        return self.status != CartonStatus.OPEN


class CartonLine(TenantModel):
    carton = TenantForeignKey(Carton, on_delete=models.CASCADE, related_name="lines")
    order_line = TenantForeignKey(SalesOrderLine, on_delete=models.PROTECT, related_name="+")
    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = TenantForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    serial = TenantForeignKey(
        SerialNumber, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quantity = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        ordering = ["carton", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="warehouse_cartonline_quantity_positive"
            )
        ]
