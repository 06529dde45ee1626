"""The delivery log keeps a month: older events go with their deliveries once none is still
pending; younger ones and pending ones stay, and each tenant's log is forgotten on its own (erp.webhooks.services.forget_old)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from erp.models import WebhookDelivery, WebhookEvent
from erp.tenancy import tenant_context
from erp.webhooks import events, services
from erp.webhooks.tasks import fan_out_task, forget_old_webhooks_task
from tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db


def _event(tenant, order: str, *, days_ago: int, status: str) -> int:
    with tenant_context(tenant):
        event = events.emit(tenant=tenant, type="order.backordered", data={"order": order})
    fan_out_task(tenant.pk, event.pk)
    with tenant_context(tenant):
        WebhookEvent.objects.filter(pk=event.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
        WebhookDelivery.objects.filter(event=event).update(status=status)
    return event.pk


def _orders_left(tenant) -> list[str]:
    with tenant_context(tenant):
        return sorted(e.payload["order"] for e in WebhookEvent.objects.filter(tenant=tenant))


def test_settled_events_older_than_a_month_go_with_their_deliveries(tenant_a, tenant_b):
    for tenant in (tenant_a, tenant_b):
        WebhookEndpointFactory(tenant=tenant, url="http://127.0.0.1:9/hook")
    _event(tenant_a, "SO-OLD-DELIVERED", days_ago=31, status="delivered")
    _event(tenant_a, "SO-OLD-FAILED", days_ago=45, status="failed")
    _event(tenant_a, "SO-OLD-PENDING", days_ago=40, status="pending")
    _event(tenant_a, "SO-RECENT", days_ago=29, status="delivered")
    _event(tenant_b, "SO-THEIRS-OLD", days_ago=31, status="delivered")

    with tenant_context(tenant_a):
        assert services.forget_old(tenant=tenant_a) == 2

    assert _orders_left(tenant_a) == ["SO-OLD-PENDING", "SO-RECENT"]
    assert _orders_left(tenant_b) == ["SO-THEIRS-OLD"]  # another tenant's log is its own
    with tenant_context(tenant_a):
        kept = WebhookDelivery.objects.filter(tenant=tenant_a)
        assert sorted(kept.values_list("status", flat=True)) == ["delivered", "pending"]

    forget_old_webhooks_task()  # the nightly task goes through every tenant
    assert _orders_left(tenant_b) == []
    assert _orders_left(tenant_a) == ["SO-OLD-PENDING", "SO-RECENT"]
