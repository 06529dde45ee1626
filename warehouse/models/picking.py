"""Waves of released orders and the batches of pick tasks one picker walks."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.fields import TenantForeignKey, TenantModel
from inventory.models import Item, Location, Lot, SerialNumber, Site, StockTransaction, Zone
from orders.models import SalesOrder, SalesOrderLine


class WaveStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RELEASED = "released", _("Released")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Wave(TenantModel):
    """Orders released to the floor together (by carrier, route, cut-off, zone)."""

    number = models.CharField(max_length=20)
    site = TenantForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=WaveStatus.choices, default=WaveStatus.PLANNED)
    carrier = models.CharField(max_length=60, blank=True)
    route = models.CharField(max_length=40, blank=True)
    cutoff = models.DateField(null=True, blank=True, help_text=_("Orders promised on or before"))
    zone = TenantForeignKey(
        Zone,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only stock in this zone"),
    )
    orders_per_batch = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1)]
    )
    staging = TenantForeignKey(
        Location, on_delete=models.PROTECT, related_name="+", help_text=_("Where picks go")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="warehouse_wave_number_uniq"),
            models.CheckConstraint(
                condition=models.Q(status__in=WaveStatus.values), name="warehouse_wave_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class WaveOrder(TenantModel):
    wave = TenantForeignKey(Wave, on_delete=models.CASCADE, related_name="wave_orders")
    order = TenantForeignKey(SalesOrder, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "wave", "order"], name="warehouse_waveorder_uniq"
            )
        ]


class BatchStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLAIMED = "claimed", _("Claimed")
    DONE = "done", _("Done")


class PickBatch(TenantModel):
    """One picker's walk: several orders, each into its own tote, tasks in walk order."""

    wave = TenantForeignKey(Wave, on_delete=models.CASCADE, related_name="batches")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=BatchStatus.choices, default=BatchStatus.OPEN)
    picker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["wave", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "wave", "number"], name="warehouse_pickbatch_uniq"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=BatchStatus.values),
                name="warehouse_pickbatch_status_valid",
            ),
            # Open is nobody's; a claimed batch is its picker's; a done one says when.
            models.CheckConstraint(
                condition=~models.Q(status="open") | models.Q(picker__isnull=True),
                name="warehouse_pickbatch_open_unclaimed",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="claimed") | models.Q(picker__isnull=False),
                name="warehouse_pickbatch_claimed_has_picker",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(done_at__isnull=False),
                name="warehouse_pickbatch_done_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wave.number}-{self.number}"


class PickState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Picked")
    SHORT = "short", _("Short")
    CANCELLED = "cancelled", _("Cancelled")


class PickTask(TenantModel):
    batch = TenantForeignKey(PickBatch, on_delete=models.CASCADE, related_name="tasks")
    order = TenantForeignKey(SalesOrder, on_delete=models.PROTECT, related_name="+")
    order_line = TenantForeignKey(SalesOrderLine, on_delete=models.PROTECT, related_name="+")
    tote = models.PositiveSmallIntegerField(help_text=_("The order's tote in the batch"))
    sequence = models.PositiveIntegerField(help_text=_("Walk order in the batch"))
    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = TenantForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    serial = TenantForeignKey(
        SerialNumber, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_location = TenantForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    to_location = TenantForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    balance_id = models.BigIntegerField(help_text=_("The reserved balance this task picks from"))
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    picked_quantity = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))
    state = models.CharField(max_length=20, choices=PickState.choices, default=PickState.OPEN)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    transaction = TenantForeignKey(
        StockTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["batch", "sequence", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="warehouse_picktask_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    picked_quantity__gte=0, picked_quantity__lte=models.F("quantity")
                ),
                name="warehouse_picktask_picked_within",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=PickState.values),
                name="warehouse_picktask_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "state", "batch"], name="wh_pick_queue_idx")]
