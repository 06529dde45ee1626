"""The event types an endpoint can subscribe to, and `emit`, which the apps call.

An app calls `emit` inside the transaction of the change the event reports. The event row
and an outbox message asking for its fan-out are written in that transaction: a change that
rolls back leaves neither, and one that commits has both even if Redis is down then (the
outbox sweep queues the fan-out later). erp names no app: the apps call in.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils.translation import gettext_lazy as _

from erp.webhooks.models import WebhookEndpoint, WebhookEvent

# type -> what it means to an integrator. Order is the order of the checkboxes.
EVENT_TYPES: dict[str, str] = {
    "purchase_order.sent": _("A purchase order was sent to its supplier."),
    "receipt.posted": _("Goods were received against a purchase order and posted to stock."),
    "sales_order.confirmed": _("A sales order was confirmed."),
    "order.backordered": _("Allocation left a sales order line (partly) backordered."),
    "shipment.confirmed": _(
        "A shipment left the dock: its orders, carrier, tracking and cartons with SSCCs."
    ),
    "stock.below_min": _("A pick face fell to or below its minimum and needs replenishment."),
    "transfer.shipped": _("A transfer order was shipped from its source site."),
    "transfer.received": _("A transfer order was received at its destination site."),
    "return.credited": _("A customer return was credited."),
}
FAN_OUT_TASK = "erp.webhooks.tasks.fan_out_task"
# Sent only from an endpoint's page, to that endpoint; nobody subscribes to it.
TEST_TYPE = "webhook.test"


class UnknownEventType(ValueError):
    pass


def description(type: str) -> str:
    if type == TEST_TYPE:
        return str(_("A test sent from the endpoint's page."))
    return str(EVENT_TYPES.get(type, type))


def choices() -> list[tuple[str, str]]:
    return [(name, f"{name}: {text}") for name, text in EVENT_TYPES.items()]


def _json(data: dict) -> dict:
    """Decimals, dates and UUIDs as the JSON they will be sent as (strings), so the stored
    payload is exactly what goes out."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def emit(*, tenant, type: str, data: dict) -> WebhookEvent | None:
    """Record that `type` happened, with `data` (small: ids, numbers, the facts an
    integrator needs), in the caller's transaction; deliveries follow after it commits.

    Nothing is written when no active endpoint subscribes to `type`: most tenants have no
    webhooks, and every posted receipt or pick would otherwise leave rows nobody reads.
    Returns the event, or None."""
    made = emit_many(tenant=tenant, type=type, items=[data])
    return made[0] if made else None


def emit_many(*, tenant, type: str, items: list[dict]) -> list[WebhookEvent]:
    """One event of `type` per entry of `items`, in a fixed number of statements whatever
    their count (for set-based runs such as replenishment or allocation)."""
    from erp import outbox

    if type not in EVENT_TYPES:
        raise UnknownEventType(f"Unknown webhook event type {type!r}.")
    if not connection.in_atomic_block:
        # Outside a transaction the events and their fan-out message could be split by a crash.
        raise RuntimeError("emit() belongs inside the transaction of the change it reports")
    if not items:
        return []
    subscribed = WebhookEndpoint.objects.filter(
        tenant=tenant, is_active=True, event_types__contains=[type]
    ).exists()
    if not subscribed:
        return []
    made = WebhookEvent.objects.bulk_create(
        [WebhookEvent(tenant=tenant, type=type, payload=_json(data)) for data in items]
    )
    outbox.enqueue(FAN_OUT_TASK, tenant.pk, *[event.pk for event in made])
    return made
