"""The order pool: which orders it holds and with what backorders, its filters, the queued
allocation run, and releasing one or several allocated orders."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from orders.models import SalesOrder
from orders.tasks import allocate_task
from tests.factories import CustomerFactory, member
from tests.orders.test_order_pages import TODAY, Shop

pytestmark = pytest.mark.django_db

POOL = reverse("orders:order_pool")


@pytest.fixture
def shop(tenant_a, client):
    return Shop(tenant_a, client)


def _status(shop, order) -> str:
    return shop.refresh(order).status


def test_the_pool_holds_confirmed_orders_with_their_backorders(shop):
    draft = shop.order("1")
    short = shop.order("14", confirm=True)  # 10 on hand: 4 backordered
    waiting = shop.order("2", confirm=True)
    shop.act(short, "allocate")
    cancelled = shop.order("1", confirm=True)
    shop.act(cancelled, "cancel", reason="duplicate")
    shop.client.get(POOL)  # shows (and so clears) the messages naming the orders
    page = shop.client.get(POOL).content.decode()
    assert short.number in page and waiting.number in page
    assert draft.number not in page and cancelled.number not in page
    assert "<strong>4</strong>" in page and "1 line" in page and "0 of 1" in page
    short_only = shop.client.get(POOL, {"backordered": "yes", "status": "partially_allocated"})
    assert short.number in short_only.content.decode()
    assert waiting.number not in short_only.content.decode()


def test_the_pool_filters_by_priority_carrier_route_and_promise(shop):
    soon = shop.order("1", confirm=True)
    later = shop.order("1", confirm=True, requested=TODAY + datetime.timedelta(days=9))
    with tenant_context(shop.tenant):
        key = CustomerFactory(tenant=shop.tenant, priority=1, carrier="FedEx", route="R9")
    shop.customer = key
    vip = shop.order("1", confirm=True)
    page = shop.client.get(POOL).content.decode()
    # Served in allocation order: the key account first, then by promised date.
    assert page.index(vip.number) < page.index(soon.number) < page.index(later.number)
    by_priority = shop.client.get(POOL, {"priority": 1}).content.decode()
    assert vip.number in by_priority and soon.number not in by_priority
    by_carrier = shop.client.get(POOL, {"carrier": "UPS"}).content.decode()
    assert soon.number in by_carrier and vip.number not in by_carrier
    assert vip.number in shop.client.get(POOL, {"route": "R9"}).content.decode()
    by_promise = shop.client.get(
        POOL, {"promised_by": (TODAY + datetime.timedelta(days=2)).isoformat()}
    ).content.decode()
    assert soon.number in by_promise and later.number not in by_promise


def test_run_allocation_queues_the_task_after_commit_and_says_so(
    shop, django_capture_on_commit_callbacks, sent_tasks
):
    order = shop.order("3", confirm=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = shop.client.post(reverse("orders:pool_allocate"), follow=True)
    assert len(callbacks) == 1 and sent_tasks == [(allocate_task.name, [shop.tenant.pk])]
    assert b"Allocation queued for every open order" in response.content
    allocate_task(shop.tenant.pk)  # what the worker then runs
    assert _status(shop, order) == "allocated"


def test_release_from_the_pool_one_order_or_several_ticked(shop, tenant_a, client):
    orders = [shop.order("1", confirm=True) for _ in range(3)]
    for order in orders:
        shop.act(order, "allocate")
    page = shop.client.get(POOL).content.decode()
    assert "Release ticked orders" in page and f'value="{orders[0].pk}" form="release-form"' in page
    release = reverse("orders:pool_release")
    one = shop.client.post(release, {"orders": [orders[0].pk]}, follow=True)
    assert f"Released to warehouse: {orders[0].number}." in one.content.decode()
    several = shop.client.post(release, {"orders": [orders[1].pk, orders[2].pk]}, follow=True)
    assert f"{orders[1].number}, {orders[2].number}" in several.content.decode()
    assert [_status(shop, order) for order in orders] == ["released"] * 3


def test_bulk_release_reports_the_held_order_and_releases_the_others(tenant_a, client):
    shop = Shop(tenant_a, client)
    good = shop.order("1", confirm=True)
    with tenant_context(tenant_a):
        shop.customer = CustomerFactory(tenant=tenant_a, name="Slow Payer", credit_hold=True)
    held = shop.order("1", confirm=True)
    for order in (good, held):
        shop.act(order, "allocate")
    response = shop.client.post(
        reverse("orders:pool_release"), {"orders": [good.pk, held.pk]}, follow=True
    )
    text = response.content.decode()
    assert f"Released to warehouse: {good.number}." in text
    assert f"{held.number} not released to warehouse: Slow Payer is on credit hold" in text
    assert (_status(shop, good), _status(shop, held)) == ("released", "allocated")


def test_releasing_nothing_or_another_tenants_order_releases_nothing(shop, tenant_b, client):
    other = Shop(tenant_b, client)
    theirs = other.order("1", confirm=True)
    other.act(theirs, "allocate")
    client.force_login(shop.user)
    response = client.post(reverse("orders:pool_release"), {"orders": [theirs.pk]}, follow=True)
    assert b"Tick at least one allocated order to release to the warehouse." in response.content
    junk = client.post(reverse("orders:pool_release"), {"orders": ["x"]}, follow=True)
    assert b"Tick at least one" in junk.content
    with tenant_context(tenant_b):
        assert SalesOrder.objects.get(pk=theirs.pk).status == "allocated"


def test_planners_run_allocation_but_do_not_release(tenant_a, client):
    shop = Shop(tenant_a, client, role=Role.PLANNER)
    order = shop.order("1", confirm=True)
    shop.act(order, "allocate")
    page = shop.client.get(POOL).content.decode()
    assert "Run allocation" in page and "Release ticked orders" not in page
    assert (
        shop.client.post(reverse("orders:pool_release"), {"orders": [order.pk]}).status_code == 403
    )


@pytest.mark.parametrize("role", [Role.FINANCE, Role.OPERATOR])
def test_finance_and_operators_have_no_pool(client, tenant_a, role):
    client.force_login(member(tenant_a, role))
    assert client.get(POOL).status_code == 403
    assert client.post(reverse("orders:pool_allocate")).status_code == 403
