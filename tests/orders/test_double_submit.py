"""Each sales-order and order-pool form, sent twice in a row and twice at once, is done once
and answers both alike (issue 9): one order, one line, one allocation, one release."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from erp.models import OutboxMessage
from erp.roles import Role
from erp.tenancy import tenant_context
from orders.models import SalesOrder, SalesOrderLine
from orders.services import allocation, sales_orders
from orders.tasks import allocate_task
from tests.double_submit import Form, check_twice_at_once, check_twice_in_a_row, reading
from tests.factories import CustomerFactory, ItemFactory, bin_in, confirmed_order, member
from tests.inventory.stock import receive, reserved


def _queued_runs(tenant) -> int:
    """Allocation runs recorded for the broker (erp.outbox), whether or not yet sent."""
    return OutboxMessage.objects.filter(task=allocate_task.name, args__0=tenant.pk).count()


def _draft(tenant, planner, lines=()):
    with tenant_context(tenant):
        order = sales_orders.create_order(
            tenant=tenant, user=planner, customer=CustomerFactory(tenant=tenant),
            site=bin_in(tenant).site, requested_date=datetime.date.today(),
        )  # fmt: skip
        for item, quantity in lines:
            sales_orders.add_line(
                tenant=tenant, user=planner, order=order, item=item,
                quantity=Decimal(quantity), price=Decimal("2.50"),
            )  # fmt: skip
    return order


def _lines(tenant):
    return reading(tenant, lines=lambda: SalesOrderLine.objects.count())


def order_create(tenant) -> Form:
    customer, site = CustomerFactory(tenant=tenant), bin_in(tenant).site
    return Form(
        user=member(tenant, Role.PLANNER),
        url=reverse("orders:order_create"),
        data={"customer": customer.code, "site": site.pk, "requested_date": "2030-01-02"},
        effect=reading(tenant, orders=lambda: SalesOrder.objects.count()),
        before={"orders": 0},
        once={"orders": 1},
    )


def add_line(tenant) -> Form:
    planner = member(tenant, Role.PLANNER)
    order, item = _draft(tenant, planner), ItemFactory(tenant=tenant)
    return Form(
        user=planner,
        url=reverse("orders:order_add_line", args=[order.pk]),
        data={"item": item.sku, "quantity": "3", "unit": item.base_unit, "price": "2.50"},
        effect=_lines(tenant),
        before={"lines": 0},
        once={"lines": 1},
    )


def remove_line(tenant) -> Form:
    planner = member(tenant, Role.PLANNER)
    order = _draft(tenant, planner, [(ItemFactory(tenant=tenant), 3)])
    with tenant_context(tenant):
        line = order.lines.get()
    return Form(
        user=planner,
        url=reverse("orders:order_remove_line", args=[order.pk, line.pk]),
        data={},
        effect=_lines(tenant),
        before={"lines": 1},
        once={"lines": 0},
    )


def _stocked_order(tenant):
    """A confirmed order of 4 from a bin holding 10 of the item; nothing allocated yet."""
    item, bin = ItemFactory(tenant=tenant), bin_in(tenant, bin_type="pick_face")
    receive(tenant, item, bin, 10)
    order = confirmed_order(CustomerFactory(tenant=tenant), bin.site, [(item, 4)])
    return order, item, bin


def allocate_now(tenant) -> Form:
    order, item, bin = _stocked_order(tenant)
    return Form(
        user=member(tenant, Role.PLANNER),
        url=reverse("orders:order_action", args=[order.pk]),
        data={"action": "allocate"},
        effect=reading(tenant, reserved=lambda: reserved(tenant, item, bin)),
        before={"reserved": 0},
        once={"reserved": 4},
    )


def pool_release(tenant) -> Form:
    order, _, _ = _stocked_order(tenant)
    supervisor = member(tenant, Role.SUPERVISOR)
    with tenant_context(tenant):
        allocation.allocate(tenant=tenant, user=supervisor, orders=[order])
    return Form(
        user=supervisor,
        url=reverse("orders:pool_release"),
        data={"orders": [order.pk]},
        effect=reading(tenant, status=lambda: SalesOrder.objects.get(pk=order.pk).status),
        before={"status": "allocated"},
        once={"status": "released"},
    )


def pool_allocate(tenant) -> Form:
    return Form(
        user=member(tenant, Role.PLANNER),
        url=reverse("orders:pool_allocate"),
        data={},
        effect=lambda: {"queued": _queued_runs(tenant)},
        before={"queued": 0},
        once={"queued": 1},
    )


FORMS = [order_create, add_line, remove_line, allocate_now, pool_release, pool_allocate]


@pytest.mark.django_db
@pytest.mark.parametrize("build", FORMS, ids=lambda build: build.__name__)
def test_a_form_sent_twice_in_a_row_is_done_once(tenant_a, build):
    check_twice_in_a_row(build(tenant_a))


@pytest.mark.parametrize("build", FORMS, ids=lambda build: build.__name__)
def test_a_form_sent_twice_at_once_is_done_once(own_tenant, build):
    check_twice_at_once(build(own_tenant))
