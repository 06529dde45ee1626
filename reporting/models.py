"""Reporting's tables: the audit trail's rows (a view, reporting.audit_view), the audit
reports built in the background, and nightly KPI snapshots (derived data, written only by
`reporting.snapshots`)."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from erp.fields import TenantForeignKey, TenantModel
from inventory.models import Site
from reporting.audit_view import TRANSACTIONS, VIEW

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


class AuditEvent(models.Model):
    """One stock transaction or one history record of a document or master record. Read-only:
    the rows are the view `reporting_audit_event` over the ledger and the history tables."""

    id = models.TextField(primary_key=True)  # "t:<transaction id>" or "<model>:<history id>"
    tenant = models.ForeignKey(
        "erp.Tenant", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    at = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    source = models.TextField()  # the model's label_lower; TRANSACTIONS for ledger rows
    action = models.TextField()  # a TransactionKind, or "+", "~", "-"
    object_id = models.BigIntegerField()
    history_id = models.BigIntegerField(null=True)
    document = models.TextField(null=True)
    item = models.ForeignKey(
        "inventory.Item",
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    lot = models.ForeignKey(
        "inventory.Lot",
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    serial = models.ForeignKey(
        "inventory.SerialNumber",
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    reason = models.TextField(null=True)

    class Meta:
        managed = False
        db_table = VIEW
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.what} {self.document or ''}".strip()

    @property
    def is_transaction(self) -> bool:
        return self.source == TRANSACTIONS

    @property
    def tracked_model(self) -> type[models.Model] | None:
        if self.is_transaction:
            return None
        try:
            return apps.get_model(self.source)
        except (LookupError, ValueError):
            return None

    @property
    def url(self) -> str:
        """The transaction, or this change in words."""
        if self.is_transaction:
            return reverse("inventory:transaction_detail", args=[self.object_id])
        return reverse("reporting:audit_change", args=[self.source, self.history_id])

    @property
    def object_url(self) -> str:
        """The changed object's own page, when it has one and still exists (no query: every
        get_absolute_url of a tracked model needs only the pk)."""
        model = self.tracked_model
        if model is None or self.action == "-" or not hasattr(model, "get_absolute_url"):
            return ""
        try:
            return model(pk=self.object_id).get_absolute_url()
        except NoReverseMatch:
            return ""

    @property
    def what(self) -> str:
        """ "Receipt" for a transaction, "Item changed" for a history record."""
        if self.is_transaction:
            from inventory.models import TransactionKind

            return str(dict(TransactionKind.choices).get(self.action, self.action))
        model = self.tracked_model
        name = str(model._meta.verbose_name) if model else self.source
        return f"{name[:1].upper()}{name[1:]} {ACTIONS.get(self.action, self.action)}"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Building")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class AuditReport(TenantModel):
    """A PDF audit report too large to build while the requester waits: its filters, its
    progress and, once built, its file (in the `reports` storage)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The audit trail's filters as the page's query string had them (checked again by the worker).
    query = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ReportStatus.choices, default="queued")
    row_count = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=255, blank=True)
    message = models.TextField(blank=True)
    # Set (and committed) when a worker takes the job up: taken but no longer holding its
    # advisory lock (erp.jobs) means the worker died.
    taken_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReportStatus.values),
                name="reporting_auditreport_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "created_by", "-created_at"], name="reporting_auditreport_idx"
            )
        ]

    def __str__(self) -> str:
        return f"Audit report #{self.pk}"

    @property
    def in_progress(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)

    @property
    def percent(self) -> int:
        if not self.row_count:
            return 100 if self.status == ReportStatus.DONE else 0
        return min(100, self.rows_done * 100 // self.row_count)


class KpiSnapshot(TenantModel):
    """One measure's numerator and denominator over one day (in the tenant's time zone), for
    one site or all of them (`site` null). Trend charts read these for past days."""

    day = models.DateField()
    key = models.CharField(max_length=60)
    site = TenantForeignKey(
        Site, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    numerator = models.DecimalField(max_digits=24, decimal_places=4)
    denominator = models.DecimalField(max_digits=24, decimal_places=4)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key", "day"]
        constraints = [
            # NULLS NOT DISTINCT: one all-sites row per day and key, as one row per site.
            # The same index serves every read: a range of days (a few dozen rows a day).
            models.UniqueConstraint(
                fields=["tenant", "day", "key", "site"],
                name="reporting_kpisnapshot_one_per_day",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.day} {self.site_id or 'all sites'}"
