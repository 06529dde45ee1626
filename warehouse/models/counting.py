"""Cycle counts: one bin counted blind by an operator, a recount by another where the variance
is beyond the tenant's tolerance, then a supervisor's decision that posts the adjustment.

A `Count` keeps what the ledger said the bin held when it was opened (`CountSnapshot`, one
row per item, lot, serial and status) and the last ledger entry id at that moment
(`snapshot_entry_id`). Each operator's pass over the bin is a `CountRound` (the first count,
then a recount), which is also what the task queue hands out; what they found is in
`CountedLine` (per item, lot and serial: an operator cannot see statuses on a shelf).
`CountResult` keeps the decided figures per item for the accuracy measures.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.fields import TenantForeignKey, TenantModel
from inventory.models import Item, Location, Lot, SerialNumber, Site, StockTransaction, Zone
from warehouse.models.exceptions import CountRequest

QTY = {"max_digits": 18, "decimal_places": 4}
# Bounds of the plan's risk rules: a week to two years of variance history; a multiple of the
# mean below 2 would make about every bin above average a "high value" bin.
RISK_DAYS = (7, 730)
RISK_MULTIPLE = (2, 100)


class CountSettings(TenantModel):
    """When a count's variance needs a recount by another operator (one row per tenant)."""

    quantity_tolerance = models.DecimalField(
        default=Decimal(0), help_text=_("Units an item may differ by without a recount"), **QTY
    )
    value_tolerance = models.DecimalField(
        max_digits=18, decimal_places=2, default=Decimal("50.00"),
        help_text=_("Value (at current cost) an item may differ by without a recount"),
    )  # fmt: skip
    plan_enabled = models.BooleanField(
        default=True, help_text=_("Open count tasks every night by the items' ABC class")
    )
    a_per_year = models.PositiveSmallIntegerField(default=12, help_text=_("Counts a year, A bins"))
    b_per_year = models.PositiveSmallIntegerField(default=4, help_text=_("Counts a year, B bins"))
    c_per_year = models.PositiveSmallIntegerField(default=1, help_text=_("Counts a year, C bins"))
    variance_days = models.PositiveSmallIntegerField(
        _("variance history (days)"), default=90,
        help_text=_("A bin whose count found a variance beyond tolerance this many days back is at risk"),
    )  # fmt: skip
    high_value_multiple = models.PositiveSmallIntegerField(
        _("high value (times the mean)"), default=5,
        help_text=_("A bin holding this many times the site's mean stock value per bin is at risk"),
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "count settings"
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="warehouse_countsettings_one"),
            models.CheckConstraint(
                condition=models.Q(quantity_tolerance__gte=0, value_tolerance__gte=0),
                name="warehouse_countsettings_tolerance_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    variance_days__gte=RISK_DAYS[0],
                    variance_days__lte=RISK_DAYS[1],
                    high_value_multiple__gte=RISK_MULTIPLE[0],
                    high_value_multiple__lte=RISK_MULTIPLE[1],
                ),
                name="warehouse_countsettings_risk_bounded",
            ),
        ]


class CountStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COUNTED = "counted", _("Counted")
    RECOUNT = "recount", _("Recount requested")
    RECOUNTED = "recounted", _("Recounted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class CountSource(models.TextChoices):
    REQUEST = "request", _("Supervisor's request")
    SHORT_PICK = "short_pick", _("Short pick")
    PLAN = "plan", _("Count plan")
    REJECTED = "rejected", _("Count rejected")
    PICK_FACE = "pick_face", _("Pick face at zero or negative")


OPEN_COUNT = (CountStatus.OPEN, CountStatus.COUNTED, CountStatus.RECOUNT, CountStatus.RECOUNTED)


class Count(TenantModel):
    site = TenantForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    zone = TenantForeignKey(Zone, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    location = TenantForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=CountStatus.choices, default=CountStatus.OPEN)
    reason = models.CharField(max_length=200)
    source = models.CharField(
        max_length=20, choices=CountSource.choices, default=CountSource.REQUEST
    )
    request = TenantForeignKey(
        CountRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="counts"
    )
    snapshot_entry_id = models.BigIntegerField(
        default=0, help_text=_("The last ledger entry id when the snapshot was taken")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    transaction = TenantForeignKey(
        StockTransaction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Kept by a trigger on every UPDATE (erp.migration_ops.TouchUpdatedAt): the API's
    # updated-since sync reads it. The database default is for migration 0010, whose SQL
    # opens counts without naming this column.
    updated_at = models.DateTimeField(default=timezone.now, db_default=Now(), editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "updated_at", "id"], name="warehouse_count_changed")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CountStatus.values),
                name="warehouse_count_status_valid",
            ),
            # One count of a bin at a time: two would each post the same variance.
            models.UniqueConstraint(
                fields=["tenant", "location"],
                condition=models.Q(status__in=OPEN_COUNT),
                name="warehouse_count_one_open_per_bin",
            ),
        ]

    def __str__(self) -> str:
        return f"Count #{self.pk} of {self.location.code}"


class CountSnapshot(TenantModel):
    count = TenantForeignKey(Count, on_delete=models.CASCADE, related_name="snapshot")
    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = TenantForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    serial = TenantForeignKey(
        SerialNumber, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20)
    quantity = models.DecimalField(**QTY)


class CountRound(TenantModel):
    """One operator's pass over the bin: 1 the count, 2 the recount (by someone else)."""

    count = TenantForeignKey(Count, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(default=1)
    counter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bin_scanned_at = models.DateTimeField(null=True, blank=True)
    # The last ledger entry id when the round was finished: movements up to it are expected.
    entry_id = models.BigIntegerField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    empty = models.BooleanField(default=False)

    class Meta:
        ordering = ["count", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "count", "number"], name="warehouse_countround_once"
            ),
        ]


class CountedLine(TenantModel):
    round = TenantForeignKey(CountRound, on_delete=models.CASCADE, related_name="lines")
    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = TenantForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    serial = TenantForeignKey(
        SerialNumber, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A lot or serial the system has never seen is counted by the text scanned; inventory
    # registers it only when a supervisor approves the count (a rejected count leaves none).
    lot_code = models.CharField(max_length=20, blank=True, default="")
    lot_expiry = models.DateField(null=True, blank=True)
    serial_code = models.CharField(max_length=40, blank=True, default="")
    quantity = models.DecimalField(**QTY)
    counted_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "round", "item", "lot", "serial", "lot_code", "serial_code"],
                nulls_distinct=False,
                name="warehouse_countedline_once",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="warehouse_countedline_not_negative"
            ),
        ]


class CountResult(TenantModel):
    """A decided count's figures per item, lot and serial (expected, counted, at cost)."""

    count = TenantForeignKey(Count, on_delete=models.CASCADE, related_name="results")
    item = TenantForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = TenantForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    serial = TenantForeignKey(
        SerialNumber, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expected = models.DecimalField(**QTY)
    counted = models.DecimalField(**QTY)
    unit_cost = models.DecimalField(max_digits=18, decimal_places=6)
    within_tolerance = models.BooleanField()

    @property
    def variance(self) -> Decimal:
        return self.counted - self.expected
