"""A delivery the receiver refuses is tried again after 30 s, 2 min, 10 min, 1 h, 6 h, 12 h
and 24 h, and given up after the eighth attempt; a 2xx ends it. Unreachable receivers and,
in production, private addresses count as failed attempts with a clear error."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from erp.models import WebhookDelivery
from erp.tenancy import tenant_context
from erp.webhooks import events
from erp.webhooks.tasks import deliver_task, fan_out_task, sweep_webhooks_task
from tests.erp.webhook_receiver import Receiver
from tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db

WAITS = [
    datetime.timedelta(seconds=30),
    datetime.timedelta(minutes=2),
    datetime.timedelta(minutes=10),
    datetime.timedelta(hours=1),
    datetime.timedelta(hours=6),
    datetime.timedelta(hours=12),
    datetime.timedelta(hours=24),
]


def _delivery(tenant, url) -> WebhookDelivery:
    endpoint = WebhookEndpointFactory(tenant=tenant, url=url)
    with tenant_context(tenant):
        event = events.emit(tenant=tenant, type="order.backordered", data={"order": "SO-1"})
    fan_out_task(tenant.pk, event.pk)
    with tenant_context(tenant):
        return WebhookDelivery.objects.get(endpoint=endpoint)


def _load(tenant, delivery) -> WebhookDelivery:
    with tenant_context(tenant):
        return WebhookDelivery.objects.get(pk=delivery.pk)


def _make_due(tenant, delivery) -> None:
    """Time passes until the next attempt is due (and the sweep's last queueing is old)."""
    past = timezone.now() - datetime.timedelta(minutes=5)
    with tenant_context(tenant):
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=past, queued_at=past)


def test_a_refused_delivery_is_retried_after_30_seconds_and_then_delivered(
    tenant_a, sent_tasks, django_capture_on_commit_callbacks
):
    with Receiver([500, 200]) as receiver:
        delivery = _delivery(tenant_a, receiver.url)
        before = timezone.now()
        assert deliver_task(tenant_a.pk, delivery.pk) is False
        after = timezone.now()
        delivery = _load(tenant_a, delivery)
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
            "pending",
            1,
            500,
        )
        assert "HTTP 500" in delivery.last_error
        assert before + WAITS[0] <= delivery.next_attempt_at <= after + WAITS[0]
        assert delivery.claimed_until is None

        assert deliver_task(tenant_a.pk, delivery.pk) is False  # not due yet: nothing sent
        assert len(receiver.requests) == 1
        sent_tasks.clear()
        with django_capture_on_commit_callbacks(execute=True):
            sweep_webhooks_task()
        assert sent_tasks == []  # the sweep leaves it until it is due

        _make_due(tenant_a, delivery)
        with django_capture_on_commit_callbacks(execute=True):
            sweep_webhooks_task()
        assert sent_tasks == [("erp.webhooks.tasks.deliver_task", [tenant_a.pk, delivery.pk])]
        assert deliver_task(tenant_a.pk, delivery.pk) is True
    delivery = _load(tenant_a, delivery)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 2, 200)
    assert delivery.last_error == "" and delivery.delivered_at is not None
    first, second = receiver.requests
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]


def test_backoff_grows_and_the_eighth_failure_gives_up(tenant_a):
    with Receiver([503]) as receiver:
        delivery = _delivery(tenant_a, receiver.url)
        for attempt, wait in enumerate(WAITS, start=1):
            before = timezone.now()
            deliver_task(tenant_a.pk, delivery.pk)
            delivery = _load(tenant_a, delivery)
            assert (delivery.status, delivery.attempts) == ("pending", attempt)
            assert before + wait <= delivery.next_attempt_at <= timezone.now() + wait
            _make_due(tenant_a, delivery)
        deliver_task(tenant_a.pk, delivery.pk)
        delivery = _load(tenant_a, delivery)
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 8, 503)
        _make_due(tenant_a, delivery)
        assert deliver_task(tenant_a.pk, delivery.pk) is False  # given up: no ninth attempt
    assert len(receiver.requests) == 8


def test_an_unreachable_receiver_is_a_failed_attempt_with_its_reason(tenant_a):
    with Receiver() as receiver:
        url = receiver.url
    delivery = _delivery(tenant_a, url)  # the server is closed: connection refused
    assert deliver_task(tenant_a.pk, delivery.pk) is False
    delivery = _load(tenant_a, delivery)
    assert delivery.attempts == 1 and delivery.last_status_code is None
    assert "refused" in delivery.last_error.lower()


def test_a_redirect_is_not_followed(tenant_a):
    with Receiver([302]) as receiver:
        delivery = _delivery(tenant_a, receiver.url)
        assert deliver_task(tenant_a.pk, delivery.pk) is False
    delivery = _load(tenant_a, delivery)
    assert (delivery.status, delivery.last_status_code) == ("pending", 302)
    assert len(receiver.requests) == 1


def test_private_addresses_are_refused_in_production(tenant_a, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    with Receiver([200]) as receiver:
        delivery = _delivery(tenant_a, receiver.url)
        assert deliver_task(tenant_a.pk, delivery.pk) is False
    assert receiver.requests == []
    delivery = _load(tenant_a, delivery)
    assert delivery.attempts == 1 and delivery.status == "pending"
    assert delivery.last_error == (
        "Refused: 127.0.0.1 resolves to 127.0.0.1, a private or internal address."
    )


def test_a_pending_delivery_to_an_endpoint_disabled_since_is_not_sent(tenant_a):
    with Receiver([200]) as receiver:
        delivery = _delivery(tenant_a, receiver.url)
        with tenant_context(tenant_a):
            delivery.endpoint.is_active = False
            delivery.endpoint.save()
        assert deliver_task(tenant_a.pk, delivery.pk) is False
    assert receiver.requests == []
    delivery = _load(tenant_a, delivery)
    assert (delivery.status, delivery.attempts) == ("failed", 0)
    assert delivery.last_error == "Not sent: the endpoint is disabled."
