"""Reverse logistics: return authorisations (RMAs) against shipped order lines, their receipt
into the returns area, inspection and disposition, supplier returns and credits; and the
tenant's return policies and routing rules.

Quantities are in the item's base unit. Money on an RMA line is per base unit: `unit_price`
what the customer paid (what a credit gives back), `unit_cost` what the goods left the
warehouse at (what they come back in at).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.fields import TenantForeignKey, TenantModel
from inventory.models import Item, Location, Lot, SerialNumber, Site, StockTransaction
from orders.models import Customer, SalesOrder, SalesOrderLine
from purchasing.models import Supplier
from warehouse.models import PutawayTask

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class Reason(models.TextChoices):
    DEFECTIVE = "defective", _("Defective")
    DAMAGED_IN_TRANSIT = "damaged_in_transit", _("Damaged in transit")
    WRONG_ITEM = "wrong_item", _("Wrong item sent")
    NOT_NEEDED = "not_needed", _("No longer needed")
    ORDERED_IN_ERROR = "ordered_in_error", _("Ordered in error")
    EXPIRED = "expired", _("Expired or short-dated")


class Grade(models.TextChoices):
    NEW = "new", _("As new")
    OPENED = "opened", _("Opened")
    DAMAGED = "damaged", _("Damaged")
    DEFECTIVE = "defective", _("Defective")
    EXPIRED = "expired", _("Expired")


class Disposition(models.TextChoices):
    RESTOCK = "restock", _("Restock")
    QUARANTINE = "quarantine", _("Quarantine")
    SCRAP = "scrap", _("Scrap")
    RETURN_TO_VENDOR = "return_to_vendor", _("Return to vendor")


class ReturnSettings(TenantModel):
    """The tenant's default return policy (customers without their own) and credit limit."""

    window_days = models.PositiveIntegerField(_("return window (days)"), default=30)
    restocking_fee_pct = models.DecimalField(
        _("restocking fee (%)"), max_digits=5, decimal_places=2, default=Decimal(0),
        validators=PERCENT,
    )  # fmt: skip
    opened_accepted = models.BooleanField(_("opened goods accepted"), default=True)
    credit_approval_threshold = models.DecimalField(
        _("finance approves credits above"), max_digits=14, decimal_places=2,
        default=Decimal(500), validators=[MinValueValidator(Decimal(0))],
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "return settings"
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="returns_settings_one_per_tenant"),
            models.CheckConstraint(
                condition=models.Q(restocking_fee_pct__gte=0, restocking_fee_pct__lte=100),
                name="returns_settings_fee_percent",
            ),
        ]


class ReturnPolicy(TenantModel):
    """A customer's own terms, replacing the tenant's defaults."""

    customer = TenantForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    window_days = models.PositiveIntegerField(_("return window (days)"))
    restocking_fee_pct = models.DecimalField(
        _("restocking fee (%)"), max_digits=5, decimal_places=2, validators=PERCENT
    )
    opened_accepted = models.BooleanField(_("opened goods accepted"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["customer__code"]
        verbose_name_plural = "return policies"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "customer"], name="returns_policy_one_per_customer"
            ),
            models.CheckConstraint(
                condition=models.Q(restocking_fee_pct__gte=0, restocking_fee_pct__lte=100),
                name="returns_policy_fee_percent",
            ),
        ]


class DispositionRule(TenantModel):
    """What a grade (for a reason, or for any) goes to by default, and whether it is credited."""

    grade = models.CharField(max_length=20, choices=Grade.choices)
    reason = models.CharField(
        max_length=30, choices=Reason.choices, blank=True, help_text=_("Empty: any reason")
    )
    disposition = models.CharField(max_length=20, choices=Disposition.choices)
    creditable = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["grade", "reason"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "grade", "reason"], name="returns_rule_grade_reason_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(grade__in=Grade.values), name="returns_rule_grade_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(disposition__in=Disposition.values),
                name="returns_rule_disposition_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_grade_display()} / {self.get_reason_display() or 'any reason'}"


class ReturningSupplier(TenantModel):
    """A supplier that takes goods back (a defective return goes back to it, else to scrap)."""

    supplier = TenantForeignKey(Supplier, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "supplier"], name="returns_returningsupplier_uniq"
            ),
        ]


class RmaStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AUTHORISED = "authorised", _("Authorised")
    PARTIALLY_RECEIVED = "partially_received", _("Partially received")
    RECEIVED = "received", _("Received")
    INSPECTED = "inspected", _("Inspected")
    DISPOSITIONED = "dispositioned", _("Dispositioned")
    CREDITED = "credited", _("Credited")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")


class ReturnAuthorisation(TenantModel):
    """An RMA: what a customer may send back from one shipped order, and why. The policy in
    force is copied when the RMA is authorised, so a later change of terms does not move it."""

    number = models.CharField(max_length=20)
    customer = TenantForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    order = TenantForeignKey(SalesOrder, on_delete=models.PROTECT, related_name="+")
    site = TenantForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=RmaStatus.choices, default=RmaStatus.DRAFT)
    reason = models.CharField(max_length=30, choices=Reason.choices)
    note = models.CharField(max_length=200, blank=True)
    window_days = models.PositiveIntegerField(default=0)
    restocking_fee_pct = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0))
    opened_accepted = models.BooleanField(default=True)
    # Why the RMA was outside its policy when authorised (blank: within it).
    exception = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    # Kept by a trigger on every UPDATE (erp.migration_ops.TouchUpdatedAt): the API's
    # updated-since sync reads it.
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "RMA"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="returns_rma_number_uniq"),
            models.CheckConstraint(
                condition=models.Q(status__in=RmaStatus.values), name="returns_rma_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(reason__in=Reason.values), name="returns_rma_reason_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "created_at"], name="returns_rma_queue_idx"),
            models.Index(fields=["tenant", "updated_at", "id"], name="returns_rma_changed"),
        ]

    def __str__(self) -> str:
        return self.number


class RmaLine(TenantModel):
    rma = TenantForeignKey(ReturnAuthorisation, on_delete=models.CASCADE, related_name="lines")
    order_line = TenantForeignKey(SalesOrderLine, on_delete=models.PROTECT, related_name="+")
    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = TenantForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    serial = TenantForeignKey(
        SerialNumber, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    unit_price = models.DecimalField(max_digits=18, decimal_places=6)
    unit_cost = models.DecimalField(max_digits=18, decimal_places=6)
    received = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0, received__gte=0),
                name="returns_rmaline_quantities",
            ),
        ]

    @property
    def to_receive(self) -> Decimal:
        return max(self.quantity - self.received, Decimal(0))


class ReturnReceipt(TenantModel):
    """One scan at the returns area: customer -> the returns bin, in QC hold."""

    line = TenantForeignKey(RmaLine, on_delete=models.PROTECT, related_name="receipts")
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    location = TenantForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    transaction = TenantForeignKey(StockTransaction, on_delete=models.PROTECT, related_name="+")
    scan_key = models.CharField(max_length=100)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "scan_key"], name="returns_receipt_scan_once"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="returns_receipt_quantity_positive"
            ),
        ]


class ReturnDiscrepancy(TenantModel):
    """Something that arrived but was not authorised (another item, lot or serial, or more
    than the RMA allows). Nothing is posted for it: it is set aside for a decision."""

    rma = TenantForeignKey(
        ReturnAuthorisation, on_delete=models.CASCADE, related_name="discrepancies"
    )
    scanned = models.CharField(max_length=200)
    item = TenantForeignKey(Item, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    note = models.CharField(max_length=200)
    scan_key = models.CharField(max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "scan_key"], name="returns_discrepancy_scan_once"
            ),
        ]


class SupplierReturnStatus(models.TextChoices):
    OPEN = "open", _("Waiting to ship")
    SHIPPED = "shipped", _("Shipped")


class SupplierReturn(TenantModel):
    """Returned goods going back to their supplier: held in quarantine, then shipped."""

    number = models.CharField(max_length=20)
    supplier = TenantForeignKey(Supplier, on_delete=models.PROTECT, related_name="+")
    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = TenantForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    serial = TenantForeignKey(
        SerialNumber, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    location = TenantForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=20, choices=SupplierReturnStatus.choices, default=SupplierReturnStatus.OPEN
    )
    value = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))
    transaction = TenantForeignKey(
        StockTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shipped_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="returns_rtv_number_uniq"),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="returns_rtv_quantity_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="shipped") | models.Q(transaction__isnull=False),
                name="returns_rtv_shipped_has_posting",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Inspection(TenantModel):
    """A graded quantity of one RMA line, with the disposition proposed for it and, once
    decided, the one taken (an override keeps its reason) and what it posted."""

    line = TenantForeignKey(RmaLine, on_delete=models.PROTECT, related_name="inspections")
    grade = models.CharField(max_length=20, choices=Grade.choices)
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    notes = models.CharField(max_length=200, blank=True)
    proposed = models.CharField(max_length=20, choices=Disposition.choices)
    creditable = models.BooleanField(default=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    inspected_at = models.DateTimeField(auto_now_add=True)
    disposition = models.CharField(max_length=20, choices=Disposition.choices, blank=True)
    override_reason = models.CharField(max_length=200, blank=True)
    dispositioned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dispositioned_at = models.DateTimeField(null=True, blank=True)
    # Value the disposition took off the books (scrap: the loss); 0 when it stays in stock.
    value = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))
    transaction = TenantForeignKey(
        StockTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    putaway_task = TenantForeignKey(
        PutawayTask, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supplier_return = TenantForeignKey(
        SupplierReturn, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="returns_inspection_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(grade__in=Grade.values), name="returns_inspection_grade_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(disposition="") | models.Q(transaction__isnull=False),
                name="returns_inspection_disposed_has_posting",
            ),
        ]


class CreditStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Credit(TenantModel):
    """The credit proposed for an RMA: returned value less non-creditable grades and the
    restocking fee. Decided by someone other than its requester (the database holds that
    too); above the tenant's threshold only finance decides."""

    number = models.CharField(max_length=20)
    rma = TenantForeignKey(ReturnAuthorisation, on_delete=models.PROTECT, related_name="credits")
    status = models.CharField(
        max_length=20, choices=CreditStatus.choices, default=CreditStatus.PENDING
    )
    returned_value = models.DecimalField(max_digits=14, decimal_places=2)
    non_creditable = models.DecimalField(max_digits=14, decimal_places=2)
    restocking_fee = models.DecimalField(max_digits=14, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    needs_finance = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="returns_credit_number_uniq"),
            models.UniqueConstraint(
                fields=["tenant", "rma"],
                condition=~models.Q(status="rejected"),
                name="returns_credit_one_live_per_rma",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | ~models.Q(decided_by=models.F("requested_by")),
                name="returns_credit_four_eyes",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(decided_by__isnull=False),
                name="returns_credit_decided_has_decider",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="returns_credit_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.number
