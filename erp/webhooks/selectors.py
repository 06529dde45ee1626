"""Reading webhook rows for the pages."""

from __future__ import annotations

from django.db.models import QuerySet

from erp.models import Tenant
from erp.webhooks.models import WebhookDelivery, WebhookEndpoint


def endpoints(*, tenant: Tenant) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(tenant=tenant)


def deliveries(*, tenant: Tenant) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(tenant=tenant).select_related("event", "endpoint")
