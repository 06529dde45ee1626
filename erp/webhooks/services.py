"""Webhook state changes: endpoints, fan-out of events to deliveries, claiming and recording
attempts, the sweep, replay and test pings. Every function runs in the caller's tenant
context; none calls the network (erp.webhooks.delivery does, between a claim and its record).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from erp import outbox
from erp.errors import DomainError
from erp.models import Tenant, User
from erp.roles import Role, require_role
from erp.webhooks import delivery, events
from erp.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    new_secret,
)

log = logging.getLogger(__name__)

FAN_OUT_TASK = "erp.webhooks.tasks.fan_out_task"
DELIVER_TASK = "erp.webhooks.tasks.deliver_task"
# Longer than an attempt can take (a 10 s timeout per connect and read), so a live worker
# keeps its claim; a killed one's runs out after this.
LEASE = datetime.timedelta(seconds=60)
# Queued work younger than this is left to the task already queued for it.
REQUEUE_AFTER = datetime.timedelta(minutes=2)
FAN_OUT_AFTER = datetime.timedelta(seconds=20)
SWEEP_BATCH = 200
# The delivery log keeps a month: a receiver that missed an event has had every retry by
# then (the last comes after about two days), and the rows would otherwise grow without end.
KEEP = datetime.timedelta(days=30)
FORGET_BATCH = 5000


class DeliveryInFlight(DomainError):
    message = "This delivery is being sent right now; replay it when that attempt has finished."


class EndpointDisabled(DomainError):
    message = "The endpoint is disabled: enable it first, then replay."


class UnknownEventTypes(DomainError):
    message = "Unknown event type(s): {types}."


def save_endpoint(*, tenant: Tenant, user: User, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    unknown = sorted(set(endpoint.event_types) - set(events.EVENT_TYPES))
    if unknown:
        raise UnknownEventTypes(types=", ".join(unknown))
    # Registry order, no repeats: the list is compared and shown as a set.
    endpoint.event_types = [t for t in events.EVENT_TYPES if t in endpoint.event_types]
    endpoint.tenant = tenant
    if endpoint.pk is None:
        endpoint.created_by = user
    endpoint.save()
    return endpoint


def rotate_secret(*, tenant: Tenant, user: User, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret from now on; attempts already sent were signed with the old one."""
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint


def _queue(deliveries: list[WebhookDelivery], *, now: datetime.datetime) -> None:
    if not deliveries:
        return
    WebhookDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(queued_at=now)
    for d in deliveries:
        outbox.enqueue(DELIVER_TASK, d.tenant_id, d.pk)


def fan_out(*, tenant: Tenant, event_id: int) -> list[WebhookDelivery]:
    """One delivery per active endpoint subscribed to the event's type, each queued.

    The event row is locked first, so two fan-outs of one event (a redelivered task, the
    sweep) run one after the other and the second finds the deliveries made; the unique
    (event, endpoint) constraint backs that up. Returns the deliveries this call made."""
    event = WebhookEvent.objects.select_for_update().filter(tenant=tenant, pk=event_id).first()
    if event is None or event.fanned_out_at is not None:
        return []
    now = timezone.now()
    done = set(event.deliveries.values_list("endpoint_id", flat=True))
    endpoints = WebhookEndpoint.objects.filter(
        tenant=tenant, is_active=True, event_types__contains=[event.type]
    ).exclude(pk__in=done)
    made = [
        WebhookDelivery.objects.create(
            tenant=tenant, event=event, endpoint=endpoint, next_attempt_at=now, created_at=now
        )
        for endpoint in endpoints
    ]
    event.fanned_out_at = now
    event.save(update_fields=["fanned_out_at"])
    _queue(made, now=now)
    return made


@dataclass(frozen=True)
class Claim:
    """What a worker needs to send one attempt, taken under a lease."""

    delivery_id: int
    lease: datetime.datetime
    url: str
    body: bytes
    headers: dict[str, str]


def claim(*, tenant: Tenant, delivery_id: int) -> Claim | None:
    """Take the delivery for one attempt if it is due and nobody holds it.

    SKIP LOCKED passes over a row another worker is claiming right now; the lease keeps it
    from everyone else after this transaction commits, until the attempt is recorded or the
    lease runs out (the worker died). None when there is nothing to send."""
    now = timezone.now()
    row = (
        WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("event", "endpoint")
        .filter(
            tenant=tenant,
            pk=delivery_id,
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now,
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .first()
    )
    if row is None:
        return None
    if not row.endpoint.is_active and row.event.type != events.TEST_TYPE:
        # Disabled after the event was fanned out: nothing more goes to it. Replay sends it
        # once the endpoint is active again.
        row.status = DeliveryStatus.FAILED
        row.last_error = "Not sent: the endpoint is disabled."
        row.save(update_fields=["status", "last_error"])
        return None
    row.claimed_until = now + LEASE
    row.save(update_fields=["claimed_until"])
    payload = delivery.body(row.event)
    return Claim(
        delivery_id=row.pk,
        lease=row.claimed_until,
        url=row.endpoint.url,
        body=payload,
        headers=delivery.headers(
            secret=row.endpoint.secret,
            webhook_id=row.event.webhook_id,
            timestamp=int(now.timestamp()),
            payload=payload,
        ),
    )


def record(*, tenant: Tenant, claim: Claim, outcome: delivery.Outcome) -> WebhookDelivery | None:
    """Write down an attempt's outcome: delivered, retried later with backoff, or given up.

    Only while the claim is still this worker's: an attempt that outlived its lease was
    taken over, and the new holder records its own outcome. Returns the delivery, or None
    when the claim was lost."""
    row = (
        WebhookDelivery.objects.select_for_update()
        .filter(tenant=tenant, pk=claim.delivery_id, claimed_until=claim.lease)
        .first()
    )
    if row is None:
        log.warning(
            "webhook delivery %s: lease lost before its outcome was recorded", claim.delivery_id
        )
        return None
    now = timezone.now()
    row.attempts += 1
    row.last_attempt_at = now
    row.last_status_code = outcome.status_code
    row.last_error = outcome.error[:500]
    row.last_request_headers = claim.headers
    row.claimed_until = None
    if outcome.delivered:
        row.status = DeliveryStatus.DELIVERED
        row.delivered_at = now
    else:
        wait = delivery.retry_after(row.attempts)
        if wait is None:
            row.status = DeliveryStatus.FAILED
        else:
            row.next_attempt_at = now + wait
    row.save()
    return row


def sweep(*, tenant: Tenant, now: datetime.datetime | None = None) -> dict[str, int]:
    """Queue what nobody else will: retries that are due, deliveries whose worker died
    (lease run out), and events whose fan-out never ran. Returns counts of each."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            tenant=tenant, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lte=now - REQUEUE_AFTER))
        .order_by("next_attempt_at", "pk")[:SWEEP_BATCH]
    )
    _queue(due, now=now)
    stale = list(
        WebhookEvent.objects.filter(
            tenant=tenant, fanned_out_at__isnull=True, created_at__lte=now - FAN_OUT_AFTER
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for event_id in stale:
        outbox.enqueue(FAN_OUT_TASK, tenant.pk, event_id)
    return {"deliveries": len(due), "events": len(stale)}


def replay(*, tenant: Tenant, user: User, delivery_row: WebhookDelivery) -> WebhookDelivery:
    """Send the delivery again now, with the same `webhook-id` (receivers dedupe on it).

    A delivery that gave up gets one more attempt; if that fails too it stays failed."""
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    now = timezone.now()
    row = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("endpoint", "event")
        .get(tenant=tenant, pk=delivery_row.pk)
    )
    if row.claimed_until is not None and row.claimed_until > now:
        raise DeliveryInFlight()
    if not row.endpoint.is_active and row.event.type != events.TEST_TYPE:
        raise EndpointDisabled()
    row.status = DeliveryStatus.PENDING
    row.next_attempt_at = now
    row.delivered_at = None
    row.save(update_fields=["status", "next_attempt_at", "delivered_at"])
    _queue([row], now=now)
    return row


def send_test(*, tenant: Tenant, user: User, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A `webhook.test` event delivered to this endpoint only (active or not), to check the
    receiver and its signature check."""
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    now = timezone.now()
    event = WebhookEvent.objects.create(
        tenant=tenant,
        type=events.TEST_TYPE,
        payload={"endpoint_id": endpoint.pk, "message": "Test event from Stockline."},
        created_at=now,
        fanned_out_at=now,
    )
    row = WebhookDelivery.objects.create(
        tenant=tenant, event=event, endpoint=endpoint, next_attempt_at=now, created_at=now
    )
    _queue([row], now=now)
    return row


def forget_old(*, tenant: Tenant, now: datetime.datetime | None = None) -> int:
    """Delete the tenant's events older than `KEEP` with their deliveries, once none is still
    pending (delivered, or failed for good). Returns how many events went; at most
    `FORGET_BATCH` a run, so a first run after years stays short."""
    cutoff = (now or timezone.now()) - KEEP
    settled = (
        WebhookEvent.objects.filter(tenant=tenant, created_at__lt=cutoff)
        .exclude(deliveries__status=DeliveryStatus.PENDING)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    ids = list(settled[:FORGET_BATCH])
    if ids:
        WebhookDelivery.objects.filter(tenant=tenant, event_id__in=ids).delete()
        WebhookEvent.objects.filter(tenant=tenant, pk__in=ids).delete()
    return len(ids)
