"""Each purchase-order form, sent twice in a row and twice at once, is done once and answers
both alike (issue 9): one order, one line, one approval."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from purchasing.models import PurchaseOrder, PurchaseOrderLine
from purchasing.services import orders
from tests.double_submit import Form, check_twice_at_once, check_twice_in_a_row, reading
from tests.factories import ItemFactory, PurchaseOrderFactory, SiteFactory, SupplierFactory, member


def _lines(tenant):
    return reading(tenant, lines=lambda: PurchaseOrderLine.objects.count())


def _draft_with_a_line(tenant):
    order = PurchaseOrderFactory(supplier__tenant=tenant)
    with tenant_context(tenant):
        line = orders.add_line(
            tenant=tenant, user=order.created_by, order=order, item=ItemFactory(tenant=tenant),
            quantity=Decimal(5), unit_cost=Decimal(2),
        )  # fmt: skip
    return order, line


def order_create(tenant) -> Form:
    supplier, site = SupplierFactory(tenant=tenant), SiteFactory(tenant=tenant)
    return Form(
        user=member(tenant, Role.PLANNER),
        url=reverse("purchasing:order_create"),
        data={"supplier": supplier.code, "site": site.pk, "expected_date": "2030-01-02"},
        effect=reading(tenant, orders=lambda: PurchaseOrder.objects.count()),
        before={"orders": 0},
        once={"orders": 1},
    )


def add_line(tenant) -> Form:
    order, item = PurchaseOrderFactory(supplier__tenant=tenant), ItemFactory(tenant=tenant)
    return Form(
        user=order.created_by,
        url=reverse("purchasing:order_add_line", args=[order.pk]),
        data={"item": item.sku, "quantity": "5", "unit_cost": "2.00"},
        effect=_lines(tenant),
        before={"lines": 0},
        once={"lines": 1},
    )


def remove_line(tenant) -> Form:
    order, line = _draft_with_a_line(tenant)
    return Form(
        user=order.created_by,
        url=reverse("purchasing:order_remove_line", args=[order.pk, line.pk]),
        data={},
        effect=_lines(tenant),
        before={"lines": 1},
        once={"lines": 0},
    )


def approve(tenant) -> Form:
    order, _ = _draft_with_a_line(tenant)
    return Form(
        user=member(tenant, Role.PLANNER),
        url=reverse("purchasing:order_action", args=[order.pk]),
        data={"action": "approve"},
        effect=reading(tenant, status=lambda: PurchaseOrder.objects.get().status),
        before={"status": "draft"},
        once={"status": "approved"},
    )


FORMS = [order_create, add_line, remove_line, approve]


@pytest.mark.django_db
@pytest.mark.parametrize("build", FORMS, ids=lambda build: build.__name__)
def test_a_form_sent_twice_in_a_row_is_done_once(tenant_a, build):
    check_twice_in_a_row(build(tenant_a))


@pytest.mark.parametrize("build", FORMS, ids=lambda build: build.__name__)
def test_a_form_sent_twice_at_once_is_done_once(own_tenant, build):
    check_twice_at_once(build(own_tenant))
