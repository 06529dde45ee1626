"""An event is written in the transaction of the change it reports: a change that rolls back
leaves no event and no outbox message, and nothing reaches the receiver, even after the
sweeps; one that commits is delivered (issue 14)."""

from __future__ import annotations

import pytest

from erp import outbox
from erp.models import OutboxMessage, WebhookDelivery, WebhookEvent
from erp.tenancy import tenant_context
from erp.webhooks import events
from erp.webhooks.tasks import sweep_webhooks_task
from tests.erp.webhook_receiver import Receiver, run_queued
from tests.factories import TenantFactory, WebhookEndpointFactory

pytestmark = pytest.mark.django_db(transaction=True)


class ChangeFailed(Exception):
    pass


def _all_sweeps(sent_tasks) -> None:
    outbox.sweep()
    sweep_webhooks_task()
    run_queued(sent_tasks)


def test_a_change_that_rolls_back_sends_nothing(sent_tasks):
    tenant = TenantFactory(slug="rollback")
    with Receiver([200]) as receiver:
        WebhookEndpointFactory(tenant=tenant, url=receiver.url)
        with pytest.raises(ChangeFailed), tenant_context(tenant):
            event = events.emit(tenant=tenant, type="shipment.confirmed", data={"number": "SHP-1"})
            assert event is not None and WebhookEvent.objects.filter(pk=event.pk).exists()
            raise ChangeFailed  # the change fails after its event was written
        _all_sweeps(sent_tasks)
        assert receiver.requests == []
    with tenant_context(tenant):
        assert not WebhookEvent.objects.exists() and not WebhookDelivery.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert sent_tasks == []


def test_a_change_that_commits_is_delivered(sent_tasks):
    tenant = TenantFactory(slug="commit")
    with Receiver([200]) as receiver:
        WebhookEndpointFactory(tenant=tenant, url=receiver.url)
        with tenant_context(tenant):
            event = events.emit(tenant=tenant, type="shipment.confirmed", data={"number": "SHP-1"})
        assert OutboxMessage.objects.get().task == "erp.webhooks.tasks.fan_out_task"
        assert run_queued(sent_tasks) == [
            "erp.webhooks.tasks.fan_out_task",
            "erp.webhooks.tasks.deliver_task",
        ]
        _all_sweeps(sent_tasks)  # nothing more to do: no second delivery
        assert len(receiver.requests) == 1
    assert receiver.requests[0]["headers"]["webhook-id"] == event.webhook_id


def test_nothing_is_written_for_a_type_no_endpoint_subscribes_to(sent_tasks):
    tenant = TenantFactory(slug="unsubscribed")
    WebhookEndpointFactory(tenant=tenant, event_types=["receipt.posted"])
    WebhookEndpointFactory(tenant=tenant, event_types=["shipment.confirmed"], is_active=False)
    with tenant_context(tenant):
        assert events.emit(tenant=tenant, type="shipment.confirmed", data={}) is None
        assert not WebhookEvent.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_an_unknown_type_is_refused(tenant_a):
    with tenant_context(tenant_a), pytest.raises(events.UnknownEventType):
        events.emit(tenant=tenant_a, type="shipment.confrimed", data={})
