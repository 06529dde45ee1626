"""Fan-out makes one delivery per active endpoint subscribed to the event's type, in the
event's tenant only, and running it again (a redelivered task, the sweep, two at once)
makes no second one."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from erp.models import WebhookDelivery, WebhookEvent
from erp.tenancy import tenant_context
from erp.webhooks import events, services
from erp.webhooks.tasks import fan_out_task, sweep_webhooks_task
from tests.concurrency import together
from tests.factories import TenantFactory, WebhookEndpointFactory


def _emit(tenant, type="receipt.posted") -> WebhookEvent:
    with tenant_context(tenant):
        return events.emit(tenant=tenant, type=type, data={"receipt_number": "RCV-7"})


@pytest.mark.django_db
def test_one_delivery_per_active_subscribed_endpoint_of_the_tenant(tenant_a, tenant_b):
    subscribed = WebhookEndpointFactory(tenant=tenant_a, event_types=["receipt.posted"])
    everything = WebhookEndpointFactory(tenant=tenant_a)
    WebhookEndpointFactory(tenant=tenant_a, event_types=["shipment.confirmed"])
    WebhookEndpointFactory(tenant=tenant_a, event_types=["receipt.posted"], is_active=False)
    WebhookEndpointFactory(tenant=tenant_b, event_types=["receipt.posted"])
    event = _emit(tenant_a)
    assert fan_out_task(tenant_a.pk, event.pk) == 2
    assert fan_out_task(tenant_a.pk, event.pk) == 0  # again: nothing more
    with tenant_context(tenant_a):
        endpoints = set(WebhookDelivery.objects.values_list("endpoint_id", flat=True))
        event.refresh_from_db()
    assert endpoints == {subscribed.pk, everything.pk}
    assert event.fanned_out_at is not None
    with tenant_context(tenant_b):
        assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_fan_out_queues_each_delivery(tenant_a, sent_tasks, django_capture_on_commit_callbacks):
    WebhookEndpointFactory(tenant=tenant_a)
    event = _emit(tenant_a)
    sent_tasks.clear()
    with django_capture_on_commit_callbacks(execute=True):
        fan_out_task(tenant_a.pk, event.pk)
    with tenant_context(tenant_a):
        delivery = WebhookDelivery.objects.get()
    assert sent_tasks == [("erp.webhooks.tasks.deliver_task", [tenant_a.pk, delivery.pk])]
    assert delivery.queued_at is not None


@pytest.mark.django_db
def test_the_sweep_fans_out_an_event_whose_fan_out_never_ran(
    tenant_a, sent_tasks, django_capture_on_commit_callbacks
):
    WebhookEndpointFactory(tenant=tenant_a)
    event = _emit(tenant_a)
    sent_tasks.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sweep_webhooks_task()
    assert sent_tasks == []  # young: its own queued fan-out may still be on the way
    with tenant_context(tenant_a):
        WebhookEvent.objects.filter(pk=event.pk).update(
            created_at=timezone.now() - datetime.timedelta(minutes=1)
        )
    with django_capture_on_commit_callbacks(execute=True):
        sweep_webhooks_task()
    assert sent_tasks == [("erp.webhooks.tasks.fan_out_task", [tenant_a.pk, event.pk])]


@pytest.mark.django_db(transaction=True)
def test_two_fan_outs_at_once_make_one_delivery_per_endpoint():
    tenant = TenantFactory(slug="fan-out-race")
    WebhookEndpointFactory(tenant=tenant)
    WebhookEndpointFactory(tenant=tenant)
    event = _emit(tenant)

    def fan_out():
        with tenant_context(tenant):
            return len(services.fan_out(tenant=tenant, event_id=event.pk))

    assert sorted(together([fan_out, fan_out])) == [0, 2]
    with tenant_context(tenant):
        assert WebhookDelivery.objects.count() == 2


@pytest.mark.django_db
def test_emitting_many_events_costs_the_same_statements_as_one(tenant_a, sent_tasks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    WebhookEndpointFactory(tenant=tenant_a)
    counts = []
    for size in (1, 20):
        with tenant_context(tenant_a), CaptureQueriesContext(connection) as queries:
            made = events.emit_many(
                tenant=tenant_a,
                type="stock.below_min",
                items=[{"pick_face_id": n} for n in range(size)],
            )
        assert len(made) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with tenant_context(tenant_a):
        assert WebhookEvent.objects.filter(type="stock.below_min").count() == 21
