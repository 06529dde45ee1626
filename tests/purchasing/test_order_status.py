"""Purchase order status machine, approval threshold, and the scheduled receipts it publishes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from erp.errors import DomainError, InvalidTransition, RoleRequired
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Projection
from purchasing.errors import ApprovalRequired, EmptyOrder, OrderNotEditable
from purchasing.models import PurchasingSettings
from purchasing.services import orders
from tests.factories import ItemFactory, ItemUnitFactory, PurchaseOrderFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(tenant_a):
    order = PurchaseOrderFactory(tenant=tenant_a, supplier__tenant=tenant_a)
    item = ItemFactory(tenant=tenant_a)
    ItemUnitFactory(item=item, code="case", factor=12)
    with tenant_context(tenant_a):
        PurchasingSettings.objects.create(tenant=tenant_a, approval_threshold=Decimal("1000"))
        orders.add_line(
            tenant=tenant_a,
            user=order.created_by,
            order=order,
            item=item,
            quantity=Decimal(5),
            unit="case",
            unit_cost=Decimal("24.00"),
        )
    return order, item


def _projected(tenant, item):
    with tenant_context(tenant):
        return sum(p.quantity for p in Projection.objects.filter(item=item))


def test_line_in_cases_is_kept_in_base_units(tenant_a, draft):
    order, _ = draft
    with tenant_context(tenant_a):
        line = order.lines.get()
    assert line.quantity_base == 60 and line.cost_per_base == 2


def test_approved_order_publishes_its_open_lines_and_cancel_withdraws_them(tenant_a, draft):
    order, item = draft
    assert _projected(tenant_a, item) == 0  # drafts promise nothing
    with tenant_context(tenant_a):
        orders.approve(tenant=tenant_a, user=member(tenant_a, Role.PLANNER), order=order)
    assert _projected(tenant_a, item) == 60
    with tenant_context(tenant_a):
        orders.cancel(tenant=tenant_a, user=order.created_by, order=order)
    assert _projected(tenant_a, item) == 0


def test_creator_cannot_approve_above_the_threshold(tenant_a, draft):
    order, item = draft
    with tenant_context(tenant_a):
        orders.add_line(
            tenant=tenant_a,
            user=order.created_by,
            order=order,
            item=item,
            quantity=Decimal(100),
            unit_cost=Decimal("20"),
        )
        with pytest.raises(ApprovalRequired, match=r"worth 2120.00 USD, above 1000.00"):
            orders.approve(tenant=tenant_a, user=order.created_by, order=order)
        orders.approve(tenant=tenant_a, user=member(tenant_a, Role.FINANCE), order=order)
        order.refresh_from_db()
    assert order.status == "approved"


def test_creator_may_approve_a_small_order(tenant_a, draft):
    order, _ = draft
    with tenant_context(tenant_a):
        orders.approve(tenant=tenant_a, user=order.created_by, order=order)
        order.refresh_from_db()
    assert order.status == "approved"


def test_illegal_transition_is_refused_with_a_clear_message(tenant_a, draft):
    order, _ = draft
    with tenant_context(tenant_a):
        with pytest.raises(InvalidTransition, match=f"{order.number} cannot go from draft to sent"):
            orders.send(tenant=tenant_a, user=order.created_by, order=order)
        orders.approve(tenant=tenant_a, user=order.created_by, order=order)
        orders.send(tenant=tenant_a, user=order.created_by, order=order)
        with pytest.raises(InvalidTransition, match="cannot go from sent to cancelled"):
            orders.cancel(tenant=tenant_a, user=order.created_by, order=order)


def test_sent_order_cannot_be_edited(tenant_a, draft):
    order, item = draft
    with tenant_context(tenant_a):
        orders.approve(tenant=tenant_a, user=order.created_by, order=order)
        with pytest.raises(
            OrderNotEditable, match="is approved; only a draft order can be changed"
        ):
            orders.add_line(
                tenant=tenant_a,
                user=order.created_by,
                order=order,
                item=item,
                quantity=Decimal(1),
                unit_cost=Decimal(1),
            )


def test_empty_order_cannot_be_approved(tenant_a):
    order = PurchaseOrderFactory(tenant=tenant_a, supplier__tenant=tenant_a)
    with tenant_context(tenant_a), pytest.raises(EmptyOrder):
        orders.approve(tenant=tenant_a, user=order.created_by, order=order)


@pytest.mark.parametrize(
    "quantity,unit,message",
    [
        (Decimal("0.5"), None, "cannot be split"),
        (Decimal(0), None, "above zero"),
        (Decimal(1), "pallet", "has no unit 'pallet'"),
    ],
)
def test_bad_lines_are_refused(tenant_a, draft, quantity, unit, message):
    order, item = draft
    with tenant_context(tenant_a), pytest.raises(DomainError, match=message):
        orders.add_line(
            tenant=tenant_a,
            user=order.created_by,
            order=order,
            item=item,
            quantity=quantity,
            unit=unit,
            unit_cost=Decimal(1),
        )


def test_operators_cannot_buy(tenant_a, draft):
    order, item = draft
    with tenant_context(tenant_a), pytest.raises(RoleRequired):
        orders.add_line(
            tenant=tenant_a,
            user=member(tenant_a, Role.OPERATOR),
            order=order,
            item=item,
            quantity=Decimal(1),
            unit_cost=Decimal(1),
            expected_date=datetime.date.today(),
        )
