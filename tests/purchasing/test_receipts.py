"""What purchasing records when goods arrive: the line's received quantity, what is still
projected, the order's received status; and lines closed short."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.errors import RoleRequired
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Projection
from purchasing.errors import InvalidLine
from purchasing.services import orders, receipts
from tests.factories import PurchaseOrderLineFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(tenant_a):
    """A sent order of two lines of 10 each."""
    first = PurchaseOrderLineFactory(order__tenant=tenant_a, order__supplier__tenant=tenant_a)
    second = PurchaseOrderLineFactory(order=first.order, tenant=tenant_a)
    planner = member(tenant_a, Role.PLANNER)
    with tenant_context(tenant_a):
        orders.approve(tenant=tenant_a, user=planner, order=first.order)
        orders.send(tenant=tenant_a, user=planner, order=first.order)
    return first.order, first, second


def _state(tenant, order, line):
    with tenant_context(tenant):
        order.refresh_from_db()
        line.refresh_from_db()
        projected = sum(p.quantity for p in Projection.objects.filter(item=line.item))
    return line.received_base, projected, order.status


def test_a_receipt_counts_on_the_line_and_withdraws_that_much_projection(tenant_a, sent):
    order, first, _ = sent
    with tenant_context(tenant_a):
        receipts.record_receipt(
            tenant=tenant_a, user=member(tenant_a, Role.OPERATOR), order=order, line=first,
            quantity=Decimal(4), reference="scan-1",
        )  # fmt: skip
        record = first.history.order_by("-history_id").first()
    assert _state(tenant_a, order, first) == (4, 6, "partially_received")
    assert record.history_change_reason == "received scan-1"


def test_the_order_is_received_once_every_line_is_in_or_closed_short(tenant_a, sent):
    order, first, second = sent
    operator, supervisor = member(tenant_a, Role.OPERATOR), member(tenant_a, Role.SUPERVISOR)
    with tenant_context(tenant_a):
        receipts.record_receipt(
            tenant=tenant_a, user=operator, order=order, line=first, quantity=Decimal(10)
        )
        assert _state(tenant_a, order, first)[2] == "partially_received"
        receipts.close_short(tenant=tenant_a, user=supervisor, line=second, reason="discontinued")
    assert _state(tenant_a, order, second) == (0, 0, "received")


def test_closing_short_a_line_that_expects_nothing_is_refused(tenant_a, sent):
    order, first, _ = sent
    supervisor = member(tenant_a, Role.SUPERVISOR)
    with tenant_context(tenant_a):
        receipts.record_receipt(
            tenant=tenant_a, user=supervisor, order=order, line=first, quantity=Decimal(10)
        )
        with pytest.raises(InvalidLine, match=f"{order.number}/{first.line_no} expects nothing"):
            receipts.close_short(tenant=tenant_a, user=supervisor, line=first, reason="x")


def test_only_a_supervisor_or_admin_closes_a_line_short(tenant_a, sent):
    _, first, _ = sent
    with tenant_context(tenant_a), pytest.raises(RoleRequired):
        receipts.close_short(
            tenant=tenant_a, user=member(tenant_a, Role.OPERATOR), line=first, reason="x"
        )
    assert _state(tenant_a, first.order, first)[1] == 10


def test_a_receipt_of_nothing_or_on_another_orders_line_is_refused(tenant_a, sent):
    order, first, _ = sent
    other = PurchaseOrderLineFactory(order__tenant=tenant_a, order__supplier__tenant=tenant_a)
    operator = member(tenant_a, Role.OPERATOR)
    with tenant_context(tenant_a):
        with pytest.raises(InvalidLine, match="above zero"):
            receipts.record_receipt(
                tenant=tenant_a, user=operator, order=order, line=first, quantity=Decimal(0)
            )
        with pytest.raises(InvalidLine, match=f"is not a line of {order.number}"):
            receipts.record_receipt(
                tenant=tenant_a, user=operator, order=order, line=other, quantity=Decimal(1)
            )
    assert _state(tenant_a, order, first) == (0, 10, "sent")
