"""Receiving against purchase orders, the discrepancies found at the dock, and the tenant's
receiving policy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.fields import TenantForeignKey, TenantModel
from inventory.models import Item, Location, Lot, SerialNumber, StockStatus, StockTransaction
from purchasing.models import PurchaseOrder, PurchaseOrderLine


class ReceiptLine(TenantModel):
    """One scan or entry at the dock: what arrived, for which PO line, and where it went."""

    order = TenantForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="receipt_lines")
    order_line = TenantForeignKey(
        PurchaseOrderLine, on_delete=models.PROTECT, null=True, blank=True, related_name="receipts",
        help_text=_("Empty for an item that is not on the order"),
    )  # fmt: skip
    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    unit = models.CharField(max_length=20)
    quantity = models.DecimalField(
        max_digits=14, decimal_places=4, help_text=_("As entered, in `unit`")
    )
    quantity_base = models.DecimalField(max_digits=18, decimal_places=4)
    accepted_base = models.DecimalField(
        max_digits=18, decimal_places=4, help_text=_("Counted toward the order line")
    )
    lot = TenantForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    serial = TenantForeignKey(
        SerialNumber, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    location = TenantForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", help_text=_("The dock bin")
    )
    transaction = TenantForeignKey(StockTransaction, on_delete=models.PROTECT, related_name="+")
    sscc = models.CharField(_("SSCC"), max_length=18, blank=True)
    scan_key = models.CharField(max_length=100)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "scan_key"], name="warehouse_receiptline_scan_once"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_base__gt=0),
                name="warehouse_receiptline_quantity_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_base__gte=0),
                name="warehouse_receiptline_accepted_not_negative",
            ),
        ]


class DiscrepancyKind(models.TextChoices):
    OVER_RECEIPT = "over_receipt", _("Over-receipt")
    SHORT_RECEIPT = "short_receipt", _("Short receipt")
    DAMAGED = "damaged", _("Damaged")
    WRONG_ITEM = "wrong_item", _("Wrong item / not on PO")
    EXPIRED = "expired", _("Expired on arrival")
    SHORT_SHELF_LIFE = "short_shelf_life", _("Below minimum shelf life")


class DiscrepancyState(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Discrepancy(TenantModel):
    """Something that did not match the order, recorded where it happened."""

    kind = models.CharField(max_length=20, choices=DiscrepancyKind.choices)
    state = models.CharField(
        max_length=20, choices=DiscrepancyState.choices, default=DiscrepancyState.OPEN
    )
    order = TenantForeignKey(PurchaseOrder, on_delete=models.PROTECT, related_name="discrepancies")
    order_line = TenantForeignKey(
        PurchaseOrderLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="discrepancies",
    )
    receipt_line = TenantForeignKey(
        ReceiptLine, on_delete=models.PROTECT, null=True, blank=True, related_name="discrepancies"
    )
    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = TenantForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(
        max_digits=18, decimal_places=4, help_text=_("Base units concerned")
    )
    status = models.CharField(
        max_length=20,
        choices=StockStatus.choices,
        blank=True,
        help_text=_("Where the stock was posted, if any"),
    )
    reason = models.CharField(max_length=200)
    note = models.CharField(max_length=300, blank=True)
    needs_approval = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The list's state filter, newest first, and the open ones counted by kind for the
            # landing page (migration 0020 has the plans).
            models.Index(fields=["tenant", "state", "created_at"], name="wh_discrepancy_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DiscrepancyKind.values),
                name="warehouse_discrepancy_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=DiscrepancyState.values),
                name="warehouse_discrepancy_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0),
                name="warehouse_discrepancy_quantity_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.order.number}"


class ShelfLifePolicy(models.TextChoices):
    REFUSE = "refuse", _("Refuse the goods")
    QUARANTINE = "quarantine", _("Receive into quarantine")


class ReceivingSettings(TenantModel):
    """Per-tenant receiving policy (one row per tenant)."""

    shelf_life_policy = models.CharField(
        _("expired or short-dated goods"),
        max_length=20,
        choices=ShelfLifePolicy.choices,
        default=ShelfLifePolicy.QUARANTINE,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "receiving settings"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"], name="warehouse_receivingsettings_one_per_tenant"
            )
        ]
