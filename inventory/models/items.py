"""The item master: what is stocked, in which units, and how it is tracked and valued."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.fields import TenantForeignKey, TenantModel
from erp.numbers import plain

gtin_validator = RegexValidator(
    r"^(\d{8}|\d{12}|\d{13}|\d{14})$", _("A GTIN has 8, 12, 13 or 14 digits.")
)


class Tracking(models.TextChoices):
    NONE = "none", _("None")
    LOT = "lot", _("Lot")
    SERIAL = "serial", _("Serial")


class CostingMethod(models.TextChoices):
    FIFO = "fifo", _("FIFO")
    AVERAGE = "average", _("Moving average")


class AbcClass(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class Velocity(models.TextChoices):
    FAST = "fast", _("Fast")
    MEDIUM = "medium", _("Medium")
    SLOW = "slow", _("Slow")


class Item(TenantModel):
    sku = models.CharField(_("SKU"), max_length=40)
    description = models.CharField(max_length=200)
    category = models.CharField(max_length=60, blank=True, db_index=True)
    base_unit = models.CharField(_("base unit"), max_length=20, default="each")
    divisible = models.BooleanField(
        default=False, help_text=_("Whether the base unit may be split (kg, m); an each may not.")
    )
    tracking = models.CharField(max_length=10, choices=Tracking.choices, default=Tracking.NONE)
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    expiry_required = models.BooleanField(default=False)
    min_shelf_life_on_receipt_days = models.PositiveIntegerField(
        _("minimum remaining shelf life on receipt (days)"), null=True, blank=True,
        help_text=_("Goods arriving with less are refused or quarantined (receiving policy)"),
    )  # fmt: skip
    abc_class = models.CharField(_("ABC class"), max_length=1, choices=AbcClass.choices, blank=True)
    velocity_class = models.CharField(max_length=10, choices=Velocity.choices, blank=True)
    hazardous = models.BooleanField(default=False)
    costing_method = models.CharField(
        max_length=10, choices=CostingMethod.choices, default=CostingMethod.FIFO
    )
    standard_cost = models.DecimalField(
        max_digits=18, decimal_places=6, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Kept by a trigger on every UPDATE (erp.migration_ops.TouchUpdatedAt): the API's
    # updated-since sync reads it.
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sku"]
        indexes = [
            models.Index(fields=["tenant", "updated_at", "id"], name="inventory_item_changed")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "sku"], name="inventory_item_tenant_sku_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(sku__regex=r"^\S+$"), name="inventory_item_sku_not_blank"
            ),
            models.CheckConstraint(
                condition=models.Q(tracking__in=Tracking.values),
                name="inventory_item_tracking_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(costing_method__in=CostingMethod.values),
                name="inventory_item_costing_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(standard_cost__gte=0),
                name="inventory_item_standard_cost_not_negative",
            ),
            # A serial number is one unit: serial items count in whole units.
            models.CheckConstraint(
                condition=~models.Q(tracking="serial", divisible=True),
                name="inventory_item_serial_indivisible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.description}"

    def get_absolute_url(self) -> str:
        return reverse("inventory:item_detail", args=[self.pk])

    @property
    def is_lot_tracked(self) -> bool:
        return self.tracking == Tracking.LOT

    @property
    def is_serial_tracked(self) -> bool:
        return self.tracking == Tracking.SERIAL


class ItemUnit(TenantModel):
    """A unit an item is handled in, with its exact factor to the base unit and its GTIN."""

    item = TenantForeignKey(Item, on_delete=models.CASCADE, related_name="units")
    code = models.CharField(max_length=20, help_text=_("each, inner, case, pallet …"))
    factor = models.DecimalField(
        max_digits=18, decimal_places=6, help_text=_("Base units in one of this unit")
    )
    gtin = models.CharField(_("GTIN"), max_length=14, blank=True, validators=[gtin_validator])
    length_cm = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    width_cm = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    height_cm = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    weight_kg = models.DecimalField(
        max_digits=12, decimal_places=4, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "factor"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "item", "code"], name="inventory_itemunit_item_code_uniq"
            ),
            models.UniqueConstraint(
                fields=["tenant", "gtin"],
                condition=~models.Q(gtin=""),
                name="inventory_itemunit_gtin_uniq",
            ),
            models.CheckConstraint(
                condition=models.Q(factor__gt=0), name="inventory_itemunit_factor_positive"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.code} (= {plain(self.factor)} {self.item.base_unit})"
            if self.item_id
            else self.code
        )

    @property
    def volume_m3(self) -> Decimal | None:
        if None in (self.length_cm, self.width_cm, self.height_cm):
            return None
        return self.length_cm * self.width_cm * self.height_cm / Decimal(1_000_000)


class Lot(TenantModel):
    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="lots")
    code = models.CharField(max_length=20, help_text=_("GS1 AI (10): up to 20 characters"))
    expiry_date = models.DateField(null=True, blank=True)
    manufactured_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "expiry_date", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "item", "code"], name="inventory_lot_item_code_uniq"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class SerialNumber(TenantModel):
    """One unit of a serial-tracked item. Where it is lives in the ledger's balances."""

    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="serials")
    serial = models.CharField(max_length=40)
    lot = TenantForeignKey(
        Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="serials"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "item", "serial"], name="inventory_serial_item_serial_uniq"
            ),
        ]

    def __str__(self) -> str:
        return self.serial
