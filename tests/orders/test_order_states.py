"""The sales order's state machine: every move in the table is made, and recorded with who
and why; moves outside it, and people without the role, are refused with a message; the
order page offers what the table allows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.errors import InvalidTransition, RoleRequired
from erp.roles import Role
from erp.tenancy import tenant_context
from orders import selectors, states
from orders.models import OrderStatus, SalesOrder
from orders.services import allocation, sales_orders
from tests.factories import (
    CustomerFactory,
    ItemFactory,
    SalesOrderFactory,
    bin_in,
    confirmed_order,
    member,
)
from tests.inventory.stock import receive

pytestmark = pytest.mark.django_db

MOVES = sorted(
    (action, source, target)
    for action, transition in states.TRANSITIONS.items()
    for source in transition.sources
    for target in transition.targets
    if source != target
)


def _role(action: str) -> Role:
    return sorted(states.TRANSITIONS[action].roles)[0]


@pytest.mark.parametrize(("action", "source", "target"), MOVES)
def test_every_move_in_the_table_is_made_and_recorded(tenant_a, action, source, target):
    user = member(tenant_a, _role(action))
    order = SalesOrderFactory(tenant=tenant_a, status=source)
    with tenant_context(tenant_a):
        states.transition(
            tenant=tenant_a, user=user, order=order, action=action, target=target,
            reason="customer asked",
        )  # fmt: skip
        record = SalesOrder.objects.get(pk=order.pk).history.latest()
    assert record.status == target
    assert record.history_user == user
    label = str(states.TRANSITIONS[action].label)
    assert record.history_change_reason == f"{label}: customer asked"[: states.REASON_LENGTH]


def test_a_move_outside_the_table_is_refused_with_its_message(tenant_a):
    supervisor = member(tenant_a, Role.SUPERVISOR)
    order = SalesOrderFactory(tenant=tenant_a, status=OrderStatus.DRAFT, number="SO-900001")
    with tenant_context(tenant_a), pytest.raises(InvalidTransition) as refused:
        states.transition(tenant=tenant_a, user=supervisor, order=order, action="release")
    assert str(refused.value) == "SO-900001 cannot go from draft to released to warehouse."
    with tenant_context(tenant_a):
        assert SalesOrder.objects.get(pk=order.pk).status == OrderStatus.DRAFT


def test_a_move_by_a_role_the_table_does_not_name_is_refused(tenant_a):
    planner = member(tenant_a, Role.PLANNER)
    order = SalesOrderFactory(tenant=tenant_a, status=OrderStatus.ALLOCATED)
    with tenant_context(tenant_a), pytest.raises(RoleRequired, match="Admin, Supervisor"):
        states.transition(tenant=tenant_a, user=planner, order=order, action="release")


def test_only_allocation_moves_an_order_without_a_person(tenant_a):
    order = SalesOrderFactory(tenant=tenant_a, status=OrderStatus.DRAFT)
    with tenant_context(tenant_a), pytest.raises(InvalidTransition):
        states.transition(tenant=tenant_a, user=None, order=order, action="confirm")


def test_closing_needs_something_shipped_and_nothing_held(tenant_a):
    supervisor = member(tenant_a, Role.SUPERVISOR)
    order = SalesOrderFactory(tenant=tenant_a, status=OrderStatus.PARTIALLY_SHIPPED)
    held = states.Totals(wanting=Decimal(0), held=Decimal(2), shipped=Decimal(3))
    with tenant_context(tenant_a), pytest.raises(InvalidTransition, match="to closed"):
        states.transition(
            tenant=tenant_a, user=supervisor, order=order, action="close", totals=held
        )


@pytest.fixture
def stocked(tenant_a):
    pick = bin_in(tenant_a, bin_type="pick_face", code="P-1")
    item = ItemFactory(tenant=tenant_a)
    receive(tenant_a, item, pick, 10)
    return pick.site, item


def _history(tenant, order) -> list[tuple[str, str, str]]:
    with tenant_context(tenant):
        return [
            (r.status, r.history_user.email if r.history_user else "", r.history_change_reason)
            for r in SalesOrder.objects.get(pk=order.pk).history.order_by("history_id")
        ]


def test_the_desk_services_move_the_order_through_the_table(tenant_a, stocked):
    site, item = stocked
    supervisor = member(tenant_a, Role.SUPERVISOR)
    order = confirmed_order(CustomerFactory(tenant=tenant_a), site, [(item, 4)], user=supervisor)
    with tenant_context(tenant_a):
        allocation.allocate(tenant=tenant_a, user=supervisor, orders=[order])
        sales_orders.release(tenant=tenant_a, user=supervisor, order=order)
    assert _history(tenant_a, order)[1:] == [
        ("confirmed", supervisor.email, "Confirm order"),
        ("allocated", supervisor.email, "Allocate now"),
        ("released", supervisor.email, "Release to warehouse"),
    ]


def test_cancelling_records_the_reason(tenant_a, stocked):
    site, item = stocked
    supervisor = member(tenant_a, Role.SUPERVISOR)
    order = confirmed_order(CustomerFactory(tenant=tenant_a), site, [(item, 4)], user=supervisor)
    with tenant_context(tenant_a):
        sales_orders.cancel(tenant=tenant_a, user=supervisor, order=order, reason="customer called")
    assert _history(tenant_a, order)[-1] == (
        "cancelled",
        supervisor.email,
        "Cancel order: customer called",
    )


def test_an_order_short_of_stock_allocates_partially_then_in_full(tenant_a, stocked):
    site, item = stocked
    order = confirmed_order(CustomerFactory(tenant=tenant_a), site, [(item, 15)])
    with tenant_context(tenant_a):
        allocation.allocate(tenant=tenant_a, user=None)
        assert SalesOrder.objects.get(pk=order.pk).status == OrderStatus.PARTIALLY_ALLOCATED
    receive(tenant_a, item, bin_in(tenant_a, site=site, code="P-2"), 5)
    with tenant_context(tenant_a):
        allocation.allocate(tenant=tenant_a, user=None)
    assert [s for s, _, _ in _history(tenant_a, order)][-2:] == [
        "partially_allocated",
        "allocated",
    ]


@pytest.mark.parametrize(
    ("status", "role", "expected"),
    [
        (OrderStatus.DRAFT, Role.PLANNER, ["confirm", "cancel"]),
        (OrderStatus.CONFIRMED, Role.PLANNER, ["allocate", "cancel"]),
        (OrderStatus.ALLOCATED, Role.SUPERVISOR, ["release", "cancel"]),
        # Planners allocate and cancel; releasing to the floor is the supervisor's.
        (OrderStatus.ALLOCATED, Role.PLANNER, ["cancel"]),
        (OrderStatus.PICKING, Role.SUPERVISOR, []),
        (OrderStatus.PARTIALLY_SHIPPED, Role.SUPERVISOR, ["allocate", "close"]),
        (OrderStatus.CONFIRMED, Role.FINANCE, []),
    ],
)
def test_the_order_page_offers_what_the_table_allows(tenant_a, stocked, status, role, expected):
    site, item = stocked
    order = confirmed_order(CustomerFactory(tenant=tenant_a), site, [(item, 4)])
    user = member(tenant_a, role)
    with tenant_context(tenant_a):
        line = order.lines.get()
        # The quantities that go with the status: a backorder, a reservation, a shipment.
        parts = {
            OrderStatus.ALLOCATED: {"allocated_base": 4},
            OrderStatus.PICKING: {"allocated_base": 4},
            OrderStatus.PARTIALLY_SHIPPED: {"shipped_base": 1},
        }.get(status, {})
        type(line).objects.filter(pk=line.pk).update(**parts)
        SalesOrder.objects.filter(pk=order.pk).update(status=status)
        annotated = selectors.orders(tenant=tenant_a).get(pk=order.pk)
        actions = selectors.available_actions(tenant=tenant_a, order=annotated, user=user)
    assert actions == expected
