"""Backorders: open lines wanting stock after confirmation, aged in the DOMAIN.md buckets
(days past the promised date), with totals per bucket that follow the filters."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from erp.roles import Role
from erp.tenancy import tenant_context
from orders import selectors
from orders.models import SalesOrderLine
from tests.factories import CustomerFactory, ItemFactory, member
from tests.orders.test_order_pages import TODAY, Shop

pytestmark = pytest.mark.django_db

URL = reverse("orders:backorder_list")


@pytest.mark.parametrize(
    "days_past,key",
    [(-5, "0-7"), (0, "0-7"), (7, "0-7"), (8, "8-14"), (14, "8-14"),
     (15, "15-30"), (30, "15-30"), (31, "31-60"), (60, "31-60"),
     (61, "60+"), (400, "60+")],
)  # fmt: skip
def test_days_past_the_promise_fall_in_the_domain_buckets(days_past, key):
    assert selectors.bucket_for(days_past).key == key
    promised = TODAY - datetime.timedelta(days=days_past)
    matching = [
        b.key for b in selectors.BUCKETS if _matches(selectors.bucket_condition(b, TODAY), promised)
    ]
    assert matching == [key]  # the filter's date ranges agree and do not overlap


def _matches(condition, promised) -> bool:
    for child in condition.children:
        lookup, value = child
        if lookup.endswith("__lte") and not promised <= value:
            return False
        if lookup.endswith("__gte") and not promised >= value:
            return False
    return True


@pytest.fixture
def shop(tenant_a, client):
    return Shop(tenant_a, client)


def _backorder(shop, quantity, *, days_past, since_days=None, customer=None, item=None):
    """A confirmed order whose one line is short by all of `quantity` (no stock is left for it),
    promised `days_past` days ago."""
    if customer is not None:
        shop.customer = customer
    if item is not None:
        shop.item = item
    order = shop.order(str(quantity), confirm=True)
    with tenant_context(shop.tenant):
        SalesOrderLine.objects.filter(order=order).update(
            promised_date=TODAY - datetime.timedelta(days=days_past),
            backordered_since=(
                timezone.now() - datetime.timedelta(days=since_days)
                if since_days is not None
                else None
            ),
        )
    return order


def test_backorders_list_lines_with_age_and_totals_per_bucket(shop):
    beans = shop.item
    shop.item = ItemFactory(tenant=shop.tenant, sku="NOSTOCK")  # nothing on hand
    fresh = _backorder(shop, 3, days_past=-2)
    late = _backorder(shop, 5, days_past=10, since_days=12)
    old = _backorder(shop, 7, days_past=75, since_days=80)
    shop.item = beans  # 10 on hand
    allocated = shop.order("4", confirm=True)
    shop.act(allocated, "allocate")
    shop.client.get(URL)  # clears the messages naming the orders
    page = shop.client.get(URL).content.decode()
    assert fresh.number in page and late.number in page and old.number in page
    assert allocated.number not in page
    assert "not yet allocated" in page and "not due" in page
    assert ">12<" in page and ">80<" in page  # days since backordered
    with tenant_context(shop.tenant):
        totals = selectors.backorder_totals(
            selectors.backorder_lines(tenant=shop.tenant), today=TODAY
        )
    assert [(t["bucket"].key, t["lines"], t["quantity"]) for t in totals] == [
        ("0-7", 1, 3), ("8-14", 1, 5), ("15-30", 0, 0), ("31-60", 0, 0),
        ("60+", 1, 7),
    ]  # fmt: skip
    assert totals[4]["value"] == Decimal("17.5")  # 7 at 2.50
    assert "60+ days past promise" in page


def test_filters_narrow_the_lines_and_their_totals(shop):
    shop.item = ItemFactory(tenant=shop.tenant, sku="NOSTOCK")
    mine = _backorder(shop, 5, days_past=10, since_days=10)
    key = CustomerFactory(tenant=shop.tenant, code="KEY", priority=1, carrier="FedEx")
    theirs = _backorder(shop, 2, days_past=40, since_days=40, customer=key)
    by_bucket = shop.client.get(URL, {"bucket": "8-14"}).content.decode()
    assert mine.number in by_bucket and theirs.number not in by_bucket
    by_priority = shop.client.get(URL, {"priority": 1}).content.decode()
    assert theirs.number in by_priority and mine.number not in by_priority
    assert mine.number in shop.client.get(URL, {"item": "nostock"}).content.decode()
    assert mine.number not in shop.client.get(URL, {"item": "beans"}).content.decode()
    htmx = shop.client.get(
        URL, {"customer": key.pk}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="backorders-results"
    ).content.decode()
    assert "<html" not in htmx and theirs.number in htmx and mine.number not in htmx
    assert 'id="backorder-totals"' in htmx and 'hx-swap-oob="true"' in htmx
    assert "<strong>0</strong> lines" in htmx and "<strong>1</strong> line ·" in htmx


def test_finance_reads_backorders_and_operators_do_not(client, tenant_a):
    client.force_login(member(tenant_a, Role.FINANCE))
    assert client.get(URL).status_code == 200
    client.force_login(member(tenant_a, Role.OPERATOR))
    assert client.get(URL).status_code == 403


def test_another_tenants_backorders_stay_out_of_sight(shop, tenant_b, client):
    other = Shop(tenant_b, client)
    other.item = ItemFactory(tenant=tenant_b, sku="THEIRS")
    theirs = _backorder(other, 4, days_past=3)
    client.force_login(shop.user)
    assert theirs.number not in client.get(URL).content.decode()
