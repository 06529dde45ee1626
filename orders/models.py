"""Customers and their sales orders, with allocation state per line."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.fields import TenantForeignKey, TenantModel
from inventory.models import Item, Site


class PriorityTier(models.IntegerChoices):
    KEY = 1, _("1 · key account")
    STANDARD = 2, _("2 · standard")
    LOW = 3, _("3 · low")


class Customer(TenantModel):
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    priority = models.PositiveSmallIntegerField(
        choices=PriorityTier.choices,
        default=PriorityTier.STANDARD,
        help_text=_("Allocation serves lower numbers first"),
    )
    min_shelf_life_days = models.PositiveIntegerField(
        _("minimum remaining shelf life (days)"),
        default=0,
        help_text=_("Lots expiring sooner after the ship date are not sent to this customer"),
    )
    carrier = models.CharField(max_length=60, blank=True)
    route = models.CharField(max_length=40, blank=True)
    credit_hold = models.BooleanField(
        default=False, help_text=_("Orders cannot be released to the warehouse while set")
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Kept by a trigger on every UPDATE (erp.migration_ops.TouchUpdatedAt): API syncs page on it.
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        indexes = [
            models.Index(fields=["tenant", "updated_at", "id"], name="orders_customer_changed")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "code"], name="orders_customer_tenant_code_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^\S+$"), name="orders_customer_code_not_blank"
            ),
            models.CheckConstraint(
                condition=models.Q(priority__in=PriorityTier.values),
                name="orders_customer_priority_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("orders:customer_detail", args=[self.pk])


class ShipTo(TenantModel):
    customer = TenantForeignKey(Customer, on_delete=models.CASCADE, related_name="ship_tos")
    name = models.CharField(max_length=200)
    address_line1 = models.CharField(_("address"), max_length=200)
    address_line2 = models.CharField(_("address (2)"), max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(_("state / region"), max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, default="US")
    is_default = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["customer", "-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "customer"],
                condition=models.Q(is_default=True),
                name="orders_shipto_one_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"

    @property
    def lines(self) -> list[str]:
        return [
            p
            for p in [
                self.name,
                self.address_line1,
                self.address_line2,
                f"{self.postal_code} {self.city}".strip(),
                self.region,
                self.country,
            ]
            if p
        ]


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    PARTIALLY_ALLOCATED = "partially_allocated", _("Partially allocated")
    ALLOCATED = "allocated", _("Allocated")
    RELEASED = "released", _("Released to warehouse")
    PICKING = "picking", _("Picking")
    PACKED = "packed", _("Packed")
    PARTIALLY_SHIPPED = "partially_shipped", _("Partially shipped")
    SHIPPED = "shipped", _("Shipped")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# Orders whose open lines still want stock.
ALLOCATABLE = [
    OrderStatus.CONFIRMED,
    OrderStatus.PARTIALLY_ALLOCATED,
    OrderStatus.ALLOCATED,
    OrderStatus.RELEASED,
    OrderStatus.PICKING,
    OrderStatus.PACKED,
    OrderStatus.PARTIALLY_SHIPPED,
    OrderStatus.SHIPPED,
]


class SalesOrder(TenantModel):
    number = models.CharField(max_length=20)
    customer = TenantForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    ship_to = TenantForeignKey(
        ShipTo, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    site = TenantForeignKey(
        Site, on_delete=models.PROTECT, related_name="+", help_text=_("Ships from")
    )
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
    order_date = models.DateField()
    requested_date = models.DateField()
    promised_date = models.DateField()
    customer_reference = models.CharField(max_length=60, blank=True)
    carrier = models.CharField(max_length=60, blank=True)
    route = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Kept by a trigger on every UPDATE (erp.migration_ops.TouchUpdatedAt): API syncs page on
    # it. Allocation moves the order's status as its lines fill, which touches it too.
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "number"], name="orders_salesorder_tenant_number_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=OrderStatus.values),
                name="orders_salesorder_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "promised_date"], name="orders_so_status_idx"),
            models.Index(fields=["tenant", "updated_at", "id"], name="orders_so_changed"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:order_detail", args=[self.pk])


class SalesOrderLine(TenantModel):
    """Quantities in the item's base unit: ordered = allocated (reserved, not yet picked)
    + picked (at staging) + shipped + backordered (waiting for stock) + cancelled."""

    order = TenantForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    unit = models.CharField(max_length=20)
    quantity = models.DecimalField(
        max_digits=14, decimal_places=4, validators=[MinValueValidator(Decimal("0.0001"))]
    )
    quantity_base = models.DecimalField(max_digits=18, decimal_places=4)
    price = models.DecimalField(
        _("price per unit"), max_digits=18, decimal_places=6, validators=[MinValueValidator(0)]
    )
    requested_date = models.DateField()
    promised_date = models.DateField()
    allocated_base = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal("0"))
    picked_base = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal("0"))
    shipped_base = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal("0"))
    cancelled_base = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal("0"))
    backordered_since = models.DateTimeField(
        null=True, blank=True, help_text=_("When allocation first came up short")
    )
    first_shipped_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "line_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "order", "line_no"], name="orders_line_no_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_base__gt=0), name="orders_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    allocated_base__gte=0,
                    picked_base__gte=0,
                    shipped_base__gte=0,
                    cancelled_base__gte=0,
                ),
                name="orders_line_parts_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    quantity_base__gte=models.F("allocated_base")
                    + models.F("picked_base")
                    + models.F("shipped_base")
                    + models.F("cancelled_base")
                ),
                name="orders_line_parts_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order.number}/{self.line_no}"

    @property
    def unallocated_base(self) -> Decimal:
        """Still wanting stock: the backorder once allocation has tried."""
        return (
            self.quantity_base
            - self.allocated_base
            - self.picked_base
            - self.shipped_base
            - self.cancelled_base
        )

    @property
    def open_base(self) -> Decimal:
        return self.quantity_base - self.shipped_base - self.cancelled_base

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.price
