"""Transfer orders between two sites of a tenant: what is sent, what was picked and shipped
(with the cost it left with), what arrived, and the discrepancies found at the destination."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.fields import TenantForeignKey, TenantModel
from inventory.models import Item, Location, Lot, SerialNumber, Site, StockTransaction


class TransferStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RELEASED = "released", _("Released")
    PICKED = "picked", _("Picked")
    SHIPPED = "shipped", _("Shipped")
    PARTIALLY_RECEIVED = "partially_received", _("Partially received")
    RECEIVED = "received", _("Received")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class TransferOrder(TenantModel):
    number = models.CharField(max_length=20)
    from_site = TenantForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    to_site = TenantForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    expected_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=TransferStatus.choices, default=TransferStatus.DRAFT
    )
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    # The one SSCC of a transfer shipped before transfers were packed into cartons; since
    # then each TransferCarton takes its own and this stays blank.
    sscc = models.CharField(_("SSCC"), max_length=18, blank=True)
    # Kept by a trigger on every UPDATE (erp.migration_ops.TouchUpdatedAt): the API's
    # updated-since sync reads it.
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "updated_at", "id"], name="warehouse_transfer_changed")
        ]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="warehouse_transfer_number"),
            models.UniqueConstraint(
                fields=["tenant", "sscc"],
                condition=~models.Q(sscc=""),
                name="warehouse_transfer_sscc_uniq",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_site=models.F("to_site")),
                name="warehouse_transfer_two_sites",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=TransferStatus.values),
                name="warehouse_transfer_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class TransferLine(TenantModel):
    """Quantities in the item's base unit; `quantity`/`unit` as entered."""

    transfer = TenantForeignKey(TransferOrder, on_delete=models.CASCADE, related_name="lines")
    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = TenantForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit = models.CharField(max_length=20)
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    quantity_base = models.DecimalField(max_digits=18, decimal_places=4)
    shipped_base = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    received_base = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    written_off_base = models.DecimalField(max_digits=18, decimal_places=4, default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity_base__gt=0), name="warehouse_transferline_positive"
            ),
        ]

    @property
    def in_transit_base(self):
        return max(self.shipped_base - self.received_base - self.written_off_base, 0)


class TransferPick(TenantModel):
    """Stock reserved for a line in one source bin (and lot), then picked and shipped."""

    line = TenantForeignKey(TransferLine, on_delete=models.CASCADE, related_name="picks")
    location = TenantForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    lot = TenantForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # A serial-tracked item is reserved unit by unit: one pick per serial, quantity 1.
    serial = TenantForeignKey(
        SerialNumber, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    picked = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    # What the bin did not hold when picked short: it never ships, and its reservation is gone.
    short = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    shipped_value = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    picked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    quantity__gt=0,
                    picked__gte=0,
                    short__gte=0,
                    quantity__gte=models.F("picked") + models.F("short"),
                ),
                name="warehouse_transferpick_quantities",
            ),
        ]

    @property
    def remaining(self):
        return self.quantity - self.picked - self.short


class TransferReceipt(TenantModel):
    """One scan at the destination dock."""

    line = TenantForeignKey(TransferLine, on_delete=models.PROTECT, related_name="receipts")
    lot = TenantForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    serial = TenantForeignKey(
        SerialNumber, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quantity_base = models.DecimalField(max_digits=18, decimal_places=4)
    unit_cost = models.DecimalField(max_digits=18, decimal_places=6)
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
                fields=["tenant", "scan_key"], name="warehouse_transferreceipt_scan_once"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_base__gt=0),
                name="warehouse_transferreceipt_positive",
            ),
        ]


class TransferDiscrepancyKind(models.TextChoices):
    SHORT = "short", _("Short")
    OVER = "over", _("Over")


class TransferDiscrepancyResolution(models.TextChoices):
    OPEN = "open", _("Open")
    WRITTEN_OFF = "written_off", _("Written off")
    KEPT_IN_TRANSIT = "kept_in_transit", _("Kept in transit")
    ACCEPTED = "accepted", _("Accepted")


class TransferDiscrepancy(TenantModel):
    """What arrived differed from what was shipped (base units), and what was decided."""

    transfer = TenantForeignKey(
        TransferOrder, on_delete=models.PROTECT, related_name="discrepancies"
    )
    line = TenantForeignKey(TransferLine, on_delete=models.PROTECT, related_name="discrepancies")
    # The unit that did not arrive, for a serial-tracked item (one discrepancy per serial).
    serial = TenantForeignKey(
        SerialNumber, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=TransferDiscrepancyKind.choices)
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    resolution = models.CharField(
        max_length=20,
        choices=TransferDiscrepancyResolution.choices,
        default=TransferDiscrepancyResolution.OPEN,
    )
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="warehouse_transferdiscrepancy_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=TransferDiscrepancyKind.values),
                name="warehouse_transferdiscrepancy_kind_valid",
            ),
        ]


class TransferCarton(TenantModel):
    """A carton a transfer's picked goods are packed into. Outbound cartons (`Carton`) belong
    to a sales order; these share their SSCC numbering and label drawing instead. Each gets
    the tenant's next SSCC when the transfer ships, blank while the tenant has no GS1 company
    prefix (the transfer still ships)."""

    transfer = TenantForeignKey(TransferOrder, on_delete=models.CASCADE, related_name="cartons")
    number = models.PositiveIntegerField()
    sscc = models.CharField(_("SSCC"), max_length=18, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["transfer", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "transfer", "number"], name="warehouse_transfercarton_number"
            ),
            models.UniqueConstraint(
                fields=["tenant", "sscc"],
                condition=~models.Q(sscc=""),
                name="warehouse_transfercarton_sscc_uniq",
            ),
        ]

    @property
    def closed(self) -> bool:
        """Nothing more goes in once the transfer has shipped."""
        return self.transfer.shipped_at is not None


class TransferCartonLine(TenantModel):
    """Part of one pick (bin, lot, serial) packed into a carton, in base units."""

    carton = TenantForeignKey(TransferCarton, on_delete=models.CASCADE, related_name="lines")
    pick = TenantForeignKey(TransferPick, on_delete=models.PROTECT, related_name="packed")
    quantity = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        ordering = ["carton", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="warehouse_transfercartonline_positive"
            ),
        ]
