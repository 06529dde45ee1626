"""Webhook tasks: fan an event out to its endpoints, send one delivery, and the beat sweep.

All are safe to run twice (the outbox and the sweep deliver at least once): fan-out locks
the event and skips endpoints already served; a delivery is sent only under a fresh claim.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from erp.tenancy import task_context

logger = logging.getLogger(__name__)


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def fan_out_task(self, tenant_id: int, *event_ids: int) -> int:
    """Deliveries for each event (one, or a set-based run's many); returns how many."""
    from erp.webhooks import services

    with task_context(tenant_id) as tenant:
        return sum(len(services.fan_out(tenant=tenant, event_id=pk)) for pk in event_ids)


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def deliver_task(self, tenant_id: int, delivery_id: int) -> bool:
    """One attempt. The claim commits before the request goes out and the outcome is
    recorded after, in transactions of their own: no database transaction waits on a slow
    receiver, and a worker killed in between leaves a lease that runs out by itself."""
    from erp.webhooks import delivery, services

    with task_context(tenant_id) as tenant:
        claim = services.claim(tenant=tenant, delivery_id=delivery_id)
    if claim is None:
        return False
    outcome = delivery.post(claim.url, claim.body, claim.headers)
    with task_context(tenant_id) as tenant:
        services.record(tenant=tenant, claim=claim, outcome=outcome)
    if not outcome.delivered:
        logger.info("webhook delivery %s not delivered: %s", delivery_id, outcome.error)
    return outcome.delivered


@shared_task(acks_late=True, ignore_result=True)
def sweep_webhooks_task() -> int:
    """Every 30 seconds, tenant by tenant: queue due retries, deliveries whose worker died,
    and events never fanned out (erp.webhooks.services.sweep)."""
    from erp.models import Tenant
    from erp.webhooks import services

    queued = 0
    for tenant_id in Tenant.objects.values_list("pk", flat=True):
        with task_context(tenant_id) as tenant:
            counts = services.sweep(tenant=tenant)
        queued += counts["deliveries"] + counts["events"]
    return queued


@shared_task(acks_late=True, ignore_result=True)
def forget_old_webhooks_task() -> int:
    """Nightly, tenant by tenant: drop events and deliveries past the log's month
    (erp.webhooks.services.forget_old)."""
    from erp.models import Tenant
    from erp.webhooks import services

    forgotten = 0
    for tenant_id in Tenant.objects.values_list("pk", flat=True):
        with task_context(tenant_id) as tenant:
            forgotten += services.forget_old(tenant=tenant)
    return forgotten
