"""A delivery is sent by one worker at a time: claims race under SELECT ... FOR UPDATE SKIP
LOCKED and a lease, and a worker whose lease ran out (taken over) records nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from erp.models import WebhookDelivery
from erp.tenancy import tenant_context
from erp.webhooks import delivery as sending
from erp.webhooks import events, services
from tests.concurrency import together
from tests.factories import TenantFactory, WebhookEndpointFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _pending(tenant) -> WebhookDelivery:
    WebhookEndpointFactory(tenant=tenant)
    with tenant_context(tenant):
        event = events.emit(tenant=tenant, type="stock.below_min", data={"face_id": 3})
        [row] = services.fan_out(tenant=tenant, event_id=event.pk)
    return row


def test_two_workers_claiming_at_once_get_one_claim():
    tenant = TenantFactory(slug="claim-race")
    row = _pending(tenant)

    def claim():
        with tenant_context(tenant):
            return services.claim(tenant=tenant, delivery_id=row.pk)

    results = together([claim, claim, claim])
    claims = [r for r in results if r is not None]
    assert len(claims) == 1, results
    assert isinstance(claims[0], services.Claim)
    with tenant_context(tenant):
        held = WebhookDelivery.objects.get(pk=row.pk)
    assert held.claimed_until == claims[0].lease > timezone.now()


def test_a_claim_taken_over_after_its_lease_ran_out_records_nothing():
    tenant = TenantFactory(slug="claim-lost")
    row = _pending(tenant)
    with tenant_context(tenant):
        slow = services.claim(tenant=tenant, delivery_id=row.pk)
        assert services.claim(tenant=tenant, delivery_id=row.pk) is None  # held
        WebhookDelivery.objects.filter(pk=row.pk).update(
            claimed_until=timezone.now() - datetime.timedelta(seconds=1)
        )
        fresh = services.claim(tenant=tenant, delivery_id=row.pk)
        assert fresh is not None and fresh.headers["webhook-id"] == slow.headers["webhook-id"]
        assert (
            services.record(tenant=tenant, claim=slow, outcome=sending.Outcome(500, "HTTP 500"))
            is None
        )
        done = services.record(tenant=tenant, claim=fresh, outcome=sending.Outcome(200, ""))
    assert (done.status, done.attempts, done.claimed_until) == ("delivered", 1, None)
