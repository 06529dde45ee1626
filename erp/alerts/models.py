"""Alerts, who subscribes to which kinds by e-mail, and the tenant's alert settings."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.fields import TenantModel
from erp.roles import Role


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed itself")


class Alert(TenantModel):
    """Something a rule found that a role must deal with during the shift.

    `subject` names what it is about within its kind ("po_line:42"). While the cause lasts
    (`cause_gone_at` empty) a kind and subject have one alert, enforced by a partial unique
    index, so overlapping rule runs cannot raise it twice and a resolved alert is not raised
    again until its cause has gone and come back.
    """

    # No choices: the kinds are whatever apps register (erp.alerts.registry).
    kind = models.CharField(max_length=60)
    subject = models.CharField(max_length=100)
    message = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    roles = ArrayField(models.CharField(max_length=20, choices=Role.choices))
    status = models.CharField(max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    raised_at = models.DateTimeField()
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    cause_gone_at = models.DateTimeField(null=True, blank=True)
    # Set when subscribers' e-mails are claimed, so a redelivered task sends nothing again.
    emailed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["emailed_at"])

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "subject"],
                condition=models.Q(cause_gone_at__isnull=True),
                name="erp_alert_one_per_subject_while_cause_lasts",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=AlertStatus.values),
                name="erp_alert_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="resolved") | ~models.Q(note=""),
                name="erp_alert_resolved_has_note",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(cause_gone_at__isnull=False),
                name="erp_alert_closed_when_cause_gone",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "raised_at"], name="erp_alert_inbox_idx"),
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def is_active(self) -> bool:
        """Still waiting for someone: neither resolved nor closed by itself."""
        return self.status in (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


class AlertSubscription(TenantModel):
    """A member wants an e-mail when an alert of `kind` is raised for their role."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user", "kind"], name="erp_alertsubscription_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} subscribes to {self.kind}"


class AlertSettings(TenantModel):
    """The tenant's alert policy (one row per tenant)."""

    lot_expiry_days = models.PositiveSmallIntegerField(
        _("lot expiry window (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Lots in stock expiring within this many days raise an alert (1 to 365)."),
    )
    backorder_age_days = models.PositiveSmallIntegerField(
        _("backorder age (days)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("A line backordered longer than this raises an alert (1 to 90)."),
    )
    replenishment_due_hours = models.PositiveSmallIntegerField(
        _("replenishment due within (hours)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
        help_text=_("A replenishment task open longer than this raises an alert (1 to 72)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "alert settings"
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="erp_alertsettings_one_per_tenant"),
            models.CheckConstraint(
                condition=models.Q(lot_expiry_days__gte=1, lot_expiry_days__lte=365),
                name="erp_alertsettings_expiry_window_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(backorder_age_days__gte=1, backorder_age_days__lte=90),
                name="erp_alertsettings_backorder_age_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(replenishment_due_hours__gte=1, replenishment_due_hours__lte=72),
                name="erp_alertsettings_replenishment_due_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"Alert settings of {self.tenant}"
