"""What arrives against purchase orders, as purchasing records it: quantities received on a
line, lines closed short, and the order's received status that follows from them.

Receiving (warehouse) calls these in its own transaction after posting the stock; the
status moves through `purchasing.states` like every other. Lock order: the order, then its
lines (`lock_order` first), the same as receiving takes them.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from erp.models import Tenant, User
from erp.roles import require_role
from purchasing import states
from purchasing.errors import InvalidLine
from purchasing.models import PurchaseOrder, PurchaseOrderLine
from purchasing.services.orders import lock_order, publish_line

HISTORY_REASON_LENGTH = 100


def _lock_line(tenant: Tenant, line: PurchaseOrderLine) -> PurchaseOrderLine:
    return (
        PurchaseOrderLine.objects.select_for_update(of=("self",))
        .select_related("item")
        .get(tenant=tenant, pk=line.pk)
    )


def _remember(line: PurchaseOrderLine, user: User | None, reason: str) -> None:
    line._history_user = user
    line._change_reason = reason[:HISTORY_REASON_LENGTH]


def line_for_item(*, tenant: Tenant, order: PurchaseOrder, item) -> PurchaseOrderLine | None:
    """The order's line for `item` still expecting goods (else its last line), locked; None
    when the item is not on the order. Hold the order's lock first."""
    lines = list(
        PurchaseOrderLine.objects.select_for_update(of=("self",))
        .filter(tenant=tenant, order=order, item=item)
        .select_related("item")
        .order_by("line_no")
    )
    if not lines:
        return None
    return next((line for line in lines if line.open_base > 0), lines[-1])


@transaction.atomic
def refresh_received_status(*, tenant: Tenant, user: User, order: PurchaseOrder) -> PurchaseOrder:
    """Move the order to received when no line expects more, else to partially received (no
    change from any other status: a closed order stays closed). Locks the order and reads
    its status again, so a stale copy never overwrites a later move."""
    order = lock_order(tenant=tenant, order=order)
    # One EXISTS query, whatever the number of lines.
    done = not order.lines.filter(received_base__lt=F("quantity_base"), short_closed=False).exists()
    action = "receive_all" if done else "receive_part"
    if states.machine.can(order, action):
        states.machine.move(order, action, tenant=tenant, user=user)
        order.save(update_fields=["status"])
    return order


@transaction.atomic
def record_receipt(
    *, tenant: Tenant, user: User, order: PurchaseOrder, line: PurchaseOrderLine,
    quantity: Decimal, reference: str = "",
) -> PurchaseOrderLine:  # fmt: skip
    """Count `quantity` base units received toward `line` of `order`, publish what is still to
    come, and move the order's received status. Locks the order, then the line (both may be
    held already). Returns the line as saved."""
    order = lock_order(tenant=tenant, order=order)
    line = _lock_line(tenant, line)
    if line.order_id != order.pk:
        raise InvalidLine(detail=f"{line} is not a line of {order.number}.")
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise InvalidLine(detail=f"Record a received quantity above zero on {line}.")
    line.received_base += quantity
    fields = ["received_base"]
    if line.first_received_at is None:
        # Planning measures the supplier's lead time up to the first goods.
        line.first_received_at = timezone.now()
        fields.append("first_received_at")
    _remember(line, user, f"received {reference}".strip())
    line.save(update_fields=fields)
    publish_line(tenant=tenant, line=line, order=order)
    refresh_received_status(tenant=tenant, user=user, order=order)
    return line


@transaction.atomic
def close_short(
    *, tenant: Tenant, user: User, line: PurchaseOrderLine, reason: str
) -> PurchaseOrderLine:
    """Stop expecting the rest of `line`: its scheduled receipt is withdrawn and the order
    moves to received when nothing else is due. Raises `InvalidLine` when the line expects
    nothing more. Locks the order, then the line."""
    require_role(tenant=tenant, user=user, roles=states.SHORT_CLOSERS)
    order = lock_order(tenant=tenant, order=line.order)
    line = _lock_line(tenant, line)
    if line.open_base <= 0:
        raise InvalidLine(detail=f"{order.number}/{line.line_no} expects nothing more.")
    line.short_closed = True
    _remember(line, user, f"short-closed: {reason.strip()}")
    line.save(update_fields=["short_closed"])
    publish_line(tenant=tenant, line=line, order=order)
    refresh_received_status(tenant=tenant, user=user, order=order)
    return line
