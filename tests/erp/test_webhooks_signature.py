"""A delivery is signed the Standard Webhooks way: the reference verifier accepts what a real
HTTP receiver got, and rejects it once the body or the secret differs."""

from __future__ import annotations

import json

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from erp.models import WebhookDelivery
from erp.tenancy import tenant_context
from erp.webhooks import events
from erp.webhooks.models import new_secret
from erp.webhooks.tasks import deliver_task, fan_out_task
from tests.erp.webhook_receiver import Receiver
from tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db


def _deliver_one(tenant, endpoint, data):
    with tenant_context(tenant):
        event = events.emit(tenant=tenant, type="receipt.posted", data=data)
    fan_out_task(tenant.pk, event.pk)
    with tenant_context(tenant):
        delivery = WebhookDelivery.objects.get(event=event, endpoint=endpoint)
    assert deliver_task(tenant.pk, delivery.pk) is True
    return event


def test_the_reference_verifier_accepts_a_delivery_and_rejects_a_tampered_one(tenant_a):
    with Receiver([200]) as receiver:
        endpoint = WebhookEndpointFactory(tenant=tenant_a, url=receiver.url)
        event = _deliver_one(tenant_a, endpoint, {"receipt_number": "RCV-1", "lines": 2})
    [request] = receiver.requests
    headers = {k.lower(): v for k, v in request["headers"].items()}
    assert headers["content-type"] == "application/json"
    assert headers["webhook-id"] == event.webhook_id and event.webhook_id.startswith("evt_")
    assert headers["webhook-signature"].startswith("v1,")

    verified = Webhook(endpoint.secret).verify(request["body"], headers)
    assert verified["type"] == "receipt.posted"
    assert verified["data"] == {"receipt_number": "RCV-1", "lines": 2}
    assert verified["timestamp"].endswith("Z")

    tampered = request["body"].replace(b"RCV-1", b"RCV-2")
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(tampered, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(request["body"], headers)


def test_the_body_is_the_event_as_json(tenant_a):
    with Receiver([204]) as receiver:
        endpoint = WebhookEndpointFactory(tenant=tenant_a, url=receiver.url)
        _deliver_one(tenant_a, endpoint, {"quantity": "12.5000", "sku": "ÄPFEL"})
    document = json.loads(receiver.requests[0]["body"])
    assert set(document) == {"type", "timestamp", "data"}
    assert document["data"] == {"quantity": "12.5000", "sku": "ÄPFEL"}
    with tenant_context(tenant_a):
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 204)


def test_secrets_have_the_standard_webhooks_form(tenant_a):
    import base64

    secret = WebhookEndpointFactory(tenant=tenant_a).secret
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
