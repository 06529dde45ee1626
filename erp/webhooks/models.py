"""Webhook endpoints, the events the apps emit, and one delivery per event and endpoint."""

from __future__ import annotations

import base64
import secrets
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erp.fields import TenantForeignKey, TenantModel

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes (the spec asks
    for 24 to 64)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def new_webhook_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


class WebhookEndpoint(TenantModel):
    """A receiver an admin subscribed to some event types."""

    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(max_length=200, blank=True)
    # No choices: the types are whatever the registry holds (erp.webhooks.events). Empty
    # means the endpoint receives only the test pings sent from its page.
    event_types = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    secret = models.CharField(max_length=120, default=new_secret)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The secret is left out: history pages show every field, and the secret is only for the
    # endpoint's own page.
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["url", "id"]

    def __str__(self) -> str:
        return self.url


class WebhookEvent(TenantModel):
    """Something that happened, written in the transaction of the change itself.

    `webhook_id` is the Standard Webhooks `webhook-id`: the same on every attempt and replay,
    so a receiver dedupes on it. `fanned_out_at` is set when its deliveries exist; the sweep
    fans out events whose queued fan-out never ran."""

    webhook_id = models.CharField(max_length=40, default=new_webhook_id)
    type = models.CharField(max_length=60)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "webhook_id"], name="erp_webhookevent_webhook_id_uniq"
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "created_at"],
                condition=models.Q(fanned_out_at__isnull=True),
                name="erp_webhookevent_unfanned_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.webhook_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed (gave up)")


class WebhookDelivery(TenantModel):
    """One event sent to one endpoint, until a 2xx answer or the last retry.

    A worker claims it by setting `claimed_until` (a lease) under SELECT ... FOR UPDATE SKIP
    LOCKED and commits before it sends, so two workers never send it at once and a killed
    worker's claim runs out by itself; the sweep then queues it again."""

    event = TenantForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = TenantForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # When a task to send it was last queued: the sweep queues it again only when that is
    # long past, so a busy queue does not fill with copies.
    queued_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    # What the last attempt sent, for the delivery's page (the body is rebuilt from the event).
    last_request_headers = models.JSONField(default=dict, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "event", "endpoint"], name="erp_webhookdelivery_one_per_endpoint"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values),
                name="erp_webhookdelivery_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "next_attempt_at"],
                condition=models.Q(status="pending"),
                name="erp_webhookdelivery_due_idx",
            ),
            models.Index(
                fields=["tenant", "endpoint", "created_at"], name="erp_webhookdelivery_log_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint}"
