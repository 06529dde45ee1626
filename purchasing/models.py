"""Suppliers, what they sell us, and purchase orders."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.fields import TenantForeignKey, TenantModel
from inventory.models import Item, Site

currency_validator = RegexValidator(
    r"^[A-Z]{3}$", _("Use the three-letter ISO 4217 code, e.g. USD.")
)


class Supplier(TenantModel):
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    contact_name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    default_lead_time_days = models.PositiveIntegerField(_("default lead time (days)"), default=7)
    over_receipt_tolerance_pct = models.DecimalField(
        _("over-receipt tolerance (%)"), max_digits=5, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    currency = models.CharField(max_length=3, default="USD", validators=[currency_validator])
    is_active = models.BooleanField(_("active"), default=True)
    # Kept by a trigger on every UPDATE (erp.migration_ops.TouchUpdatedAt): API syncs page on it.
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        indexes = [
            models.Index(fields=["tenant", "updated_at", "id"], name="purchasing_supplier_changed")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "code"], name="purchasing_supplier_tenant_code_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^\S+$"), name="purchasing_supplier_code_not_blank"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    over_receipt_tolerance_pct__gte=0, over_receipt_tolerance_pct__lte=100
                ),
                name="purchasing_supplier_tolerance_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("purchasing:supplier_detail", args=[self.pk])


class SupplierItem(TenantModel):
    """An item as a supplier sells it: their SKU, pack, minimum, price and lead time."""

    supplier = TenantForeignKey(Supplier, on_delete=models.CASCADE, related_name="items")
    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="supplier_items")
    supplier_sku = models.CharField(_("supplier SKU"), max_length=60, blank=True)
    pack_size = models.DecimalField(
        max_digits=14, decimal_places=4, default=Decimal("1"), validators=[MinValueValidator(Decimal("0.0001"))],
        help_text=_("Base units per order pack; orders are rounded up to whole packs"),
    )  # fmt: skip
    minimum_order_quantity = models.DecimalField(
        max_digits=14, decimal_places=4, default=Decimal("0"), validators=[MinValueValidator(0)],
        help_text=_("In base units"),
    )  # fmt: skip
    price = models.DecimalField(
        _("price per base unit"), max_digits=18, decimal_places=6, validators=[MinValueValidator(0)]
    )
    lead_time_days = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Overrides the supplier's default")
    )
    preferred = models.BooleanField(default=False)
    inspection_required = models.BooleanField(default=False, help_text=_("Receive into QC hold"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["supplier", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "supplier", "item"], name="purchasing_supplieritem_uniq"
            ),
            models.UniqueConstraint(
                fields=["tenant", "item"],
                condition=models.Q(preferred=True),
                name="purchasing_supplieritem_one_preferred",
            ),
            models.CheckConstraint(
                condition=models.Q(pack_size__gt=0), name="purchasing_supplieritem_pack_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(minimum_order_quantity__gte=0, price__gte=0),
                name="purchasing_supplieritem_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier.code}: {self.item.sku}"

    @property
    def effective_lead_time_days(self) -> int:
        return (
            self.lead_time_days
            if self.lead_time_days is not None
            else self.supplier.default_lead_time_days
        )

    def price_for(self, quantity: Decimal) -> Decimal:
        """The unit price for an order of `quantity` base units (the best break reached)."""
        best = self.price
        for price_break in self.price_breaks.all():
            if quantity >= price_break.min_quantity and price_break.price < best:
                best = price_break.price
        return best


class PriceBreak(TenantModel):
    """The unit price from `min_quantity` base units up (SupplierItem.price_for picks the best
    break an order reaches)."""

    supplier_item = TenantForeignKey(
        SupplierItem, on_delete=models.CASCADE, related_name="price_breaks"
    )
    min_quantity = models.DecimalField(
        max_digits=14, decimal_places=4, validators=[MinValueValidator(Decimal("0.0001"))]
    )
    price = models.DecimalField(
        _("price per base unit"), max_digits=18, decimal_places=6, validators=[MinValueValidator(0)]
    )
    # Breaks change what orders cost: who changed which price, and when, is kept.
    history = HistoricalRecords()

    class Meta:
        ordering = ["supplier_item", "min_quantity"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "supplier_item", "min_quantity"],
                name="purchasing_pricebreak_uniq",
            ),
            models.CheckConstraint(
                condition=models.Q(min_quantity__gt=0, price__gte=0),
                name="purchasing_pricebreak_amounts_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"from {self.min_quantity}: {self.price}"


class PurchasingSettings(TenantModel):
    approval_threshold = models.DecimalField(
        _("approval threshold"), max_digits=18, decimal_places=2, default=Decimal("5000.00"),
        validators=[MinValueValidator(0)],
        help_text=_("Orders worth more need approval by someone other than their creator."),
    )  # fmt: skip
    order_cycle_days = models.PositiveIntegerField(
        _("order cycle (days)"), default=14, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Days between orders: the order-up-to level covers this much demand above the reorder point."),
    )  # fmt: skip
    demand_window_days = models.PositiveIntegerField(
        _("demand window (days)"), default=182, validators=[MinValueValidator(28), MaxValueValidator(365)],
        help_text=_("How far back shipments and backorders count toward the demand mean and spread."),
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "purchasing settings"
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="purchasing_settings_one_per_tenant"),
            models.CheckConstraint(
                condition=models.Q(approval_threshold__gte=0),
                name="purchasing_settings_threshold_not_negative",
            ),
        ]


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SENT = "sent", _("Sent")
    PARTIALLY_RECEIVED = "partially_received", _("Partially received")
    RECEIVED = "received", _("Received")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = [OrderStatus.APPROVED, OrderStatus.SENT, OrderStatus.PARTIALLY_RECEIVED]


class PurchaseOrder(TenantModel):
    number = models.CharField(max_length=20)
    supplier = TenantForeignKey(Supplier, on_delete=models.PROTECT, related_name="orders")
    site = TenantForeignKey(
        Site, on_delete=models.PROTECT, related_name="+", help_text=_("Destination")
    )
    expected_date = models.DateField()
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
    currency = models.CharField(max_length=3, validators=[currency_validator])
    supplier_reference = models.CharField(_("supplier reference / ASN"), max_length=60, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Kept by a trigger on every UPDATE (erp.migration_ops.TouchUpdatedAt): API syncs page on it.
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "updated_at", "id"], name="purchasing_order_changed")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "number"], name="purchasing_order_tenant_number_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=OrderStatus.values),
                name="purchasing_order_status_valid",
            ),
            # Nothing reaches the supplier unapproved, whichever code path set the status.
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "cancelled"])
                | models.Q(approved_by__isnull=False, approved_at__isnull=False),
                name="purchasing_order_approved_has_approver",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("purchasing:order_detail", args=[self.pk])


class PurchaseOrderLine(TenantModel):
    order = TenantForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    unit = models.CharField(max_length=20, help_text=_("The unit ordered in (each, case, ...)"))
    quantity = models.DecimalField(
        max_digits=14, decimal_places=4, validators=[MinValueValidator(Decimal("0.0001"))]
    )
    quantity_base = models.DecimalField(max_digits=18, decimal_places=4)
    unit_cost = models.DecimalField(
        _("cost per unit ordered"),
        max_digits=18,
        decimal_places=6,
        validators=[MinValueValidator(0)],
    )
    expected_date = models.DateField()
    received_base = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal("0"))
    # When goods first arrived against the line: the end of its lead time for planning.
    first_received_at = models.DateTimeField(null=True, blank=True)
    short_closed = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "line_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "order", "line_no"], name="purchasing_orderline_no_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_base__gt=0),
                name="purchasing_orderline_quantity_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(received_base__gte=0),
                name="purchasing_orderline_received_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order.number}/{self.line_no}"

    @property
    def open_base(self) -> Decimal:
        if self.short_closed:
            return Decimal(0)
        return max(self.quantity_base - self.received_base, Decimal(0))

    @property
    def cost_per_base(self) -> Decimal:
        return self.unit_cost * self.quantity / self.quantity_base

    @property
    def value(self) -> Decimal:
        return self.quantity * self.unit_cost


# --- planning: service levels, runs and reorder suggestions (purchasing/planning) ----------


class ServiceLevelChoice(models.TextChoices):
    """The service levels DOMAIN.md gives a z for; a level outside the table has no z."""

    P90 = "90", "90%"
    P95 = "95", "95%"
    P97_5 = "97.5", "97.5%"
    P98 = "98", "98%"
    P99 = "99", "99%"
    P99_5 = "99.5", "99.5%"


class ServiceLevel(TenantModel):
    """The service level an ABC/XYZ segment plans for (the tenant's own table; segments
    without a row take `purchasing.planning.levels.DEFAULTS`)."""

    abc_class = models.CharField(_("ABC class"), max_length=1)
    xyz_class = models.CharField(_("XYZ class"), max_length=1)
    level = models.CharField(_("service level"), max_length=5, choices=ServiceLevelChoice.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["abc_class", "xyz_class"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "abc_class", "xyz_class"],
                name="purchasing_servicelevel_one_per_segment",
            ),
            models.CheckConstraint(
                condition=models.Q(abc_class__in=["A", "B", "C"], xyz_class__in=["X", "Y", "Z"]),
                name="purchasing_servicelevel_segment_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=ServiceLevelChoice.values),
                name="purchasing_servicelevel_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.abc_class}{self.xyz_class} {self.level}%"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PlanningRun(TenantModel):
    """One computation of a tenant's reorder suggestions (nightly, or started by a planner)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text=_("Empty for the nightly run"),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    as_of = models.DateField(null=True, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    item_sites = models.PositiveIntegerField(default=0)
    suggestion_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RunStatus.values),
                name="purchasing_planningrun_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"planning run {self.pk}"

    @property
    def in_progress(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class SuggestionKind(models.TextChoices):
    PURCHASE = "purchase", _("Purchase")
    TRANSFER = "transfer", _("Transfer")


class SuggestionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class ReorderSuggestion(TenantModel):
    """What a planning run proposes for one item at one site, with every figure it used, so
    the row explains itself. Open suggestions are replaced by the next run; accepted and
    rejected ones are kept for audit."""

    run = TenantForeignKey(PlanningRun, on_delete=models.PROTECT, related_name="suggestions")
    kind = models.CharField(max_length=10, choices=SuggestionKind.choices)
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN
    )
    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    site = TenantForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    supplier = TenantForeignKey(
        Supplier, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_site = TenantForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=_("The site a transfer comes from"),
    )  # fmt: skip
    abc_class = models.CharField(max_length=1)
    xyz_class = models.CharField(max_length=1)
    suggested_quantity = models.DecimalField(max_digits=18, decimal_places=4)
    quantity = models.DecimalField(
        max_digits=18, decimal_places=4, help_text=_("Base units; the planner may change it")
    )
    pack_size = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal("1"))
    minimum_order = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal("0"))
    unit_cost = models.DecimalField(max_digits=18, decimal_places=6, default=Decimal("0"))
    demand_per_day = models.DecimalField(max_digits=18, decimal_places=4)
    demand_sd = models.DecimalField(max_digits=18, decimal_places=4)
    lead_time_days = models.DecimalField(max_digits=8, decimal_places=2)
    lead_time_sd = models.DecimalField(max_digits=8, decimal_places=2)
    service_level = models.CharField(max_length=5)
    z = models.DecimalField(max_digits=5, decimal_places=3)
    safety_stock = models.DecimalField(max_digits=18, decimal_places=4)
    reorder_point = models.DecimalField(max_digits=18, decimal_places=4)
    order_up_to = models.DecimalField(max_digits=18, decimal_places=4)
    on_hand = models.DecimalField(max_digits=18, decimal_places=4)
    on_order = models.DecimalField(max_digits=18, decimal_places=4)
    in_transit = models.DecimalField(max_digits=18, decimal_places=4)
    backorders = models.DecimalField(max_digits=18, decimal_places=4)
    reserved = models.DecimalField(max_digits=18, decimal_places=4)
    position = models.DecimalField(max_digits=18, decimal_places=4)
    seasonal = models.BooleanField(default=False)
    stockout_date = models.DateField(
        null=True, blank=True, help_text=_("When free stock runs out at the expected demand")
    )
    explanation = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    purchase_order = TenantForeignKey(
        PurchaseOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The transfer lives in warehouse, which purchasing may not import: its number is kept.
    transfer_number = models.CharField(max_length=20, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["stockout_date", "site", "item", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=SuggestionKind.values),
                name="purchasing_suggestion_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=SuggestionStatus.values),
                name="purchasing_suggestion_status_valid",
            ),
            # A purchase names its supplier; a transfer its source site.
            models.CheckConstraint(
                condition=models.Q(kind="purchase", supplier__isnull=False)
                | models.Q(kind="transfer", from_site__isnull=False),
                name="purchasing_suggestion_source_named",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0, suggested_quantity__gt=0),
                name="purchasing_suggestion_quantity_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(decided_by__isnull=False),
                name="purchasing_suggestion_decided_has_decider",
            ),
            models.UniqueConstraint(
                fields=["tenant", "item", "site", "kind"],
                condition=models.Q(status="open"),
                name="purchasing_suggestion_one_open",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "status", "stockout_date"], name="purch_suggestion_status_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item_id}@{self.site_id}"


class PlanningLevel(TenantModel):
    """Every item-site's reorder point and order-up-to as the last planning run computed them,
    with the stock figures it saw. Suggestions keep these only for the item-sites at or below
    their reorder point; excess stock (above order-up-to) and stockout risk need them for all.
    Derived data: each run replaces the tenant's rows (`purchasing.planning.run`)."""

    run = TenantForeignKey(PlanningRun, on_delete=models.CASCADE, related_name="+", db_index=False)
    item = TenantForeignKey(Item, on_delete=models.CASCADE, related_name="+", db_index=False)
    site = TenantForeignKey(Site, on_delete=models.CASCADE, related_name="+", db_index=False)
    as_of = models.DateField()
    demand_per_day = models.DecimalField(max_digits=18, decimal_places=4)
    reorder_point = models.DecimalField(max_digits=18, decimal_places=4)
    order_up_to = models.DecimalField(max_digits=18, decimal_places=4)
    on_hand = models.DecimalField(max_digits=18, decimal_places=4)
    on_order = models.DecimalField(max_digits=18, decimal_places=4)
    backorders = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        ordering = ["site", "item"]
        constraints = [
            # Also the index of every lookup: the tenant's rows, by item.
            models.UniqueConstraint(
                fields=["tenant", "item", "site"], name="purchasing_planninglevel_one"
            ),
        ]
