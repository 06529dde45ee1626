"""orders' alert rules: backorders waiting more than three days, and promised lines falling
where the item's time-phased ATP at the site is negative."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from erp.alerts.models import AlertSettings
from erp.roles import Role
from erp.tenancy import tenant_context
from orders.alerts import aging_backorders, negative_atp
from orders.models import SalesOrderLine
from tests.factories import CustomerFactory, ItemFactory, bin_in, confirmed_order
from tests.inventory.stock import receive

pytestmark = pytest.mark.django_db


def find(rule, tenant, now=None):
    with tenant_context(tenant):
        return rule(tenant=tenant, now=now or timezone.now())


def test_a_backorder_older_than_three_days_is_aging(tenant_a):
    bin = bin_in(tenant_a)
    item = ItemFactory(tenant=tenant_a, sku="TEA-1")
    order = confirmed_order(CustomerFactory(tenant=tenant_a), bin.site, [(item, 7)])
    now = timezone.now()
    with tenant_context(tenant_a):
        line = SalesOrderLine.objects.get(order=order)
        SalesOrderLine.objects.filter(pk=line.pk).update(
            backordered_since=now - datetime.timedelta(days=2)
        )
    assert find(aging_backorders, tenant_a, now) == []
    (finding,) = find(aging_backorders, tenant_a, now + datetime.timedelta(days=2))
    assert finding.subject == f"so_line:{line.pk}"
    assert finding.message == f"{order.number} line 1: 7 TEA-1 backordered for 4 days"
    # Owners watch backorders (their landing page's figures) beside those who chase them.
    assert finding.roles == {Role.SUPERVISOR, Role.PLANNER, Role.ADMIN, Role.OWNER}


def test_the_tenant_sets_how_old_a_backorder_is_before_it_alerts(tenant_a):
    """With an age of 10 days, a line backordered 4 days ago is not aging yet; at 11 it is."""
    bin = bin_in(tenant_a)
    order = confirmed_order(
        CustomerFactory(tenant=tenant_a), bin.site, [(ItemFactory(tenant=tenant_a), 7)]
    )
    now = timezone.now()
    with tenant_context(tenant_a):
        AlertSettings.objects.create(tenant=tenant_a, backorder_age_days=10)
        SalesOrderLine.objects.filter(order=order).update(
            backordered_since=now - datetime.timedelta(days=4)
        )
    assert find(aging_backorders, tenant_a, now) == []
    assert len(find(aging_backorders, tenant_a, now + datetime.timedelta(days=7))) == 1


def test_a_promised_line_beyond_atp_is_found_and_the_covered_one_is_not(tenant_a):
    """5 on hand; lines of 4 (day 2) and 3 (day 5): cumulative 5 - 4 = 1, then 1 - 3 = -2."""
    bin = bin_in(tenant_a)
    item = ItemFactory(tenant=tenant_a, sku="TEA-2")
    receive(tenant_a, item, bin, 5)
    customer = CustomerFactory(tenant=tenant_a)
    today = timezone.localdate()
    confirmed_order(customer, bin.site, [(item, 4)], promised=today + datetime.timedelta(days=2))
    short = confirmed_order(
        customer, bin.site, [(item, 3)], promised=today + datetime.timedelta(days=5)
    )
    (finding,) = find(negative_atp, tenant_a)
    with tenant_context(tenant_a):
        line = SalesOrderLine.objects.get(order=short)
    assert finding.subject == f"so_line:{line.pk}"
    promised = today + datetime.timedelta(days=5)
    assert finding.message == (
        f"{short.number} line 1: 3 TEA-2 promised {promised:%Y-%m-%d} from {bin.site.code}, "
        "where available-to-promise is -2"
    )
    assert finding.roles == {Role.SUPERVISOR, Role.PLANNER, Role.ADMIN}  # staff's to act on
