"""A confirmed order's lines are demand at once, not only after allocation runs: ATP and the
planners read it from inventory's projections. Confirm published nothing because each line
still carried the draft copy of its order (found by the alerts work)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from erp.tenancy import tenant_context
from inventory.models import Projection, ProjectionKind
from orders.services import sales_orders
from tests.factories import CustomerFactory, ItemFactory, SiteFactory, confirmed_order, member

pytestmark = pytest.mark.django_db

PROMISED = datetime.date(2030, 3, 4)


def _demand(tenant):
    with tenant_context(tenant):
        return sorted(
            (p.item.sku, p.date, p.quantity)
            for p in Projection.objects.filter(tenant=tenant, kind=ProjectionKind.DEMAND)
        )


def test_confirming_publishes_each_line_as_demand_on_its_promised_date(tenant_a):
    site = SiteFactory(tenant=tenant_a)
    cups, lids = ItemFactory(tenant=tenant_a, sku="CUP"), ItemFactory(tenant=tenant_a, sku="LID")
    confirmed_order(
        CustomerFactory(tenant=tenant_a), site, [(cups, 5), (lids, 7)], promised=PROMISED
    )
    assert _demand(tenant_a) == [("CUP", PROMISED, Decimal(-5)), ("LID", PROMISED, Decimal(-7))]


def test_cancelling_withdraws_the_demand(tenant_a):
    site = SiteFactory(tenant=tenant_a)
    cups = ItemFactory(tenant=tenant_a, sku="CUP")
    order = confirmed_order(CustomerFactory(tenant=tenant_a), site, [(cups, 5)], promised=PROMISED)
    with tenant_context(tenant_a):
        sales_orders.cancel(
            tenant=tenant_a, user=member(tenant_a, "supervisor"), order=order, reason="duplicate"
        )
    assert _demand(tenant_a) == []
