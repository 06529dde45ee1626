"""The purchase order's transitions table: every move it allows happens through its service
and is recorded with who and why; anything else is refused by name; the page offers what
the table allows the member."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.errors import InvalidTransition, RoleRequired
from erp.roles import Role
from erp.tenancy import tenant_context
from purchasing import selectors, states
from purchasing.models import PurchaseOrder
from purchasing.services import orders, receipts
from tests.factories import PurchaseOrderLineFactory, member

pytestmark = pytest.mark.django_db

MOVES = [
    (action, source)
    for action, step in states.TRANSITIONS.items()
    for source in sorted(step.sources)
]
STATUS_ACTIONS = {
    "approve": orders.approve,
    "send": orders.send,
    "reopen": orders.reopen,
    "cancel": orders.cancel,
    "close": orders.close,
}


def _order_in(tenant, status: str) -> PurchaseOrder:
    """An order of one 10-each line, walked to `status` through the services."""
    line = PurchaseOrderLineFactory(order__tenant=tenant, order__supplier__tenant=tenant)
    order = line.order
    planner, operator = member(tenant, Role.PLANNER), member(tenant, Role.OPERATOR)
    with tenant_context(tenant):
        if status != "draft":
            orders.approve(tenant=tenant, user=planner, order=order)
        if status in ("sent", "partially_received", "received"):
            orders.send(tenant=tenant, user=planner, order=order)
        if status in ("partially_received", "received"):
            receipts.record_receipt(
                tenant=tenant, user=operator, order=order, line=line, quantity=Decimal(4)
            )
        if status == "received":
            receipts.record_receipt(
                tenant=tenant, user=operator, order=order, line=line, quantity=Decimal(6)
            )
        order.refresh_from_db()
    assert order.status == status
    return order


def _take(tenant, order: PurchaseOrder, action: str, user) -> None:
    if action in STATUS_ACTIONS:
        STATUS_ACTIONS[action](tenant=tenant, user=user, order=order, reason="checked")
        return
    line = order.lines.get()
    quantity = line.open_base if action == "receive_all" else Decimal(1)
    receipts.record_receipt(
        tenant=tenant, user=user, order=order, line=line, quantity=quantity, reference="checked"
    )


@pytest.mark.parametrize("action,source", MOVES, ids=[f"{a}-from-{s}" for a, s in MOVES])
def test_every_move_in_the_table_reaches_its_target_and_is_recorded(tenant_a, action, source):
    order = _order_in(tenant_a, source)
    role = sorted(states.TRANSITIONS[action].roles)[0]
    user = member(tenant_a, role)
    with tenant_context(tenant_a):
        _take(tenant_a, order, action, user)
        order.refresh_from_db()
        record = order.history.order_by("-history_date", "-history_id").first()
    assert order.status == states.TRANSITIONS[action].target
    assert record.history_user_id == user.pk
    assert record.history_change_reason.startswith(action)


def test_a_move_the_table_does_not_allow_is_refused_by_name(tenant_a):
    order = _order_in(tenant_a, "sent")
    with tenant_context(tenant_a):
        with pytest.raises(InvalidTransition) as refused:
            orders.reopen(tenant=tenant_a, user=member(tenant_a, Role.PLANNER), order=order)
        order.refresh_from_db()
    assert str(refused.value) == f"{order.number} cannot go from sent to draft."
    assert order.status == "sent"


def test_a_role_outside_the_table_cannot_move_the_order(tenant_a):
    order = _order_in(tenant_a, "draft")
    with tenant_context(tenant_a), pytest.raises(RoleRequired):
        orders.approve(tenant=tenant_a, user=member(tenant_a, Role.OPERATOR), order=order)


def test_a_receipt_on_a_closed_order_leaves_it_closed(tenant_a):
    order = _order_in(tenant_a, "partially_received")
    with tenant_context(tenant_a):
        orders.close(tenant=tenant_a, user=member(tenant_a, Role.SUPERVISOR), order=order)
        receipts.refresh_received_status(
            tenant=tenant_a, user=member(tenant_a, Role.OPERATOR), order=order
        )
        order.refresh_from_db()
    assert order.status == "closed"


@pytest.mark.parametrize(
    "status,role,offered",
    [
        ("draft", Role.PLANNER, ["approve", "cancel"]),
        ("draft", Role.FINANCE, ["approve"]),
        ("approved", Role.PLANNER, ["send", "reopen", "cancel"]),
        ("sent", Role.SUPERVISOR, ["close"]),
        ("partially_received", Role.ADMIN, ["close"]),
        ("received", Role.FINANCE, []),
        ("sent", Role.OPERATOR, []),
    ],
)
def test_available_actions_are_the_tables_moves_for_the_member(tenant_a, status, role, offered):
    order = _order_in(tenant_a, status)
    with tenant_context(tenant_a):
        actions = selectors.available_actions(
            tenant=tenant_a, order=order, user=member(tenant_a, role)
        )
    assert [a.name for a in actions] == offered


def test_the_creator_above_the_threshold_is_not_offered_approve(tenant_a):
    order = _order_in(tenant_a, "draft")
    with tenant_context(tenant_a):
        order.lines.update(unit_cost=Decimal(1000))  # 10 x 1000, above the default 5000
        offered = selectors.available_actions(tenant=tenant_a, order=order, user=order.created_by)
        withheld = selectors.approval_withheld(tenant=tenant_a, order=order, user=order.created_by)
    assert [a.name for a in offered] == ["cancel"] and withheld


def test_the_order_page_shows_the_buttons_available_actions_gives(client, tenant_a):
    order = _order_in(tenant_a, "approved")
    client.force_login(member(tenant_a, Role.PLANNER))
    page = client.get(reverse("purchasing:order_detail", args=[order.pk])).content.decode()
    assert 'value="send"><button type="submit">Mark as sent</button>' in page
    assert 'value="reopen"><button type="submit" class="secondary">Back to draft' in page
    assert 'value="close"' not in page and 'value="approve"' not in page
