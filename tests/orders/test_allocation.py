"""Allocation: who is served first, which lots and bins, backorders, and the ledger after."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from erp.tenancy import tenant_context
from inventory.models import Projection, Reservation
from orders.models import SalesOrderLine
from orders.services import allocation, sales_orders
from tests.factories import (
    CustomerFactory,
    ItemFactory,
    LotFactory,
    bin_in,
    confirmed_order,
    member,
)
from tests.inventory.stock import assert_ledger_clean, receive, reserved

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def floor(tenant_a):
    pick = bin_in(tenant_a, bin_type="pick_face", code="P-1")
    reserve = bin_in(tenant_a, site=pick.site, bin_type="reserve", code="R-1")
    return pick.site, pick, reserve


def _allocate(tenant, **kwargs):
    with tenant_context(tenant):
        return allocation.allocate(tenant=tenant, user=None, **kwargs)


def _line(tenant, order):
    with tenant_context(tenant):
        return SalesOrderLine.objects.select_related("order").get(order=order)


def test_higher_priority_then_earlier_promise_is_served_first(tenant_a, floor):
    site, pick, _ = floor
    item = ItemFactory(tenant=tenant_a)
    receive(tenant_a, item, pick, 10)
    low = confirmed_order(
        CustomerFactory(tenant=tenant_a, priority=3), site, [(item, 6)], promised=TODAY
    )
    key_late = confirmed_order(
        CustomerFactory(tenant=tenant_a, priority=1),
        site,
        [(item, 6)],
        promised=TODAY + datetime.timedelta(days=5),
    )
    std_early = confirmed_order(
        CustomerFactory(tenant=tenant_a, priority=2), site, [(item, 6)], promised=TODAY
    )
    result = _allocate(tenant_a)
    assert result.lines == 3 and result.backordered_lines == 2
    assert _line(tenant_a, key_late).allocated_base == 6
    assert _line(tenant_a, std_early).allocated_base == 4
    low_line = _line(tenant_a, low)
    assert low_line.allocated_base == 0 and low_line.backordered_since is not None
    assert low_line.order.status == "confirmed"
    assert _line(tenant_a, std_early).order.status == "partially_allocated"
    assert reserved(tenant_a, item, pick) == 10
    assert_ledger_clean(tenant_a)


def test_same_priority_and_date_goes_by_order_date(tenant_a, floor):
    site, pick, _ = floor
    item = ItemFactory(tenant=tenant_a)
    receive(tenant_a, item, pick, 5)
    customer = CustomerFactory(tenant=tenant_a)
    first = confirmed_order(customer, site, [(item, 5)])
    second = confirmed_order(customer, site, [(item, 5)])
    with tenant_context(tenant_a):
        type(second).objects.filter(pk=second.pk).update(
            order_date=TODAY - datetime.timedelta(days=3)
        )
    _allocate(tenant_a)
    assert (
        _line(tenant_a, second).allocated_base == 5 and _line(tenant_a, first).allocated_base == 0
    )


def test_fefo_and_the_customers_minimum_shelf_life(tenant_a, floor):
    site, pick, reserve = floor
    item = ItemFactory(tenant=tenant_a, tracking="lot", expiry_required=True)
    soon = LotFactory(item=item, code="SOON", expiry_date=TODAY + datetime.timedelta(days=20))
    later = LotFactory(item=item, code="LATER", expiry_date=TODAY + datetime.timedelta(days=200))
    receive(tenant_a, item, pick, 5, lot=later)
    receive(tenant_a, item, reserve, 5, lot=soon)
    relaxed = confirmed_order(CustomerFactory(tenant=tenant_a, priority=1), site, [(item, 4)])
    strict = confirmed_order(
        CustomerFactory(tenant=tenant_a, priority=2, min_shelf_life_days=60), site, [(item, 4)]
    )
    _allocate(tenant_a)
    with tenant_context(tenant_a):
        by_line = {
            r.source_id: (r.balance.lot.code, r.quantity)
            for r in Reservation.objects.select_related("balance__lot")
        }
    # FEFO beats the pick face: the relaxed customer gets the lot expiring first.
    assert by_line[_line(tenant_a, relaxed).pk] == ("SOON", 4)
    # 20 days left is below the strict customer's 60: it gets the later lot only.
    assert by_line[_line(tenant_a, strict).pk] == ("LATER", 4)


def test_pick_face_before_reserve_and_only_available_stock(tenant_a, floor):
    site, pick, reserve = floor
    item = ItemFactory(tenant=tenant_a)
    receive(tenant_a, item, reserve, 10)
    receive(tenant_a, item, pick, 3)
    receive(tenant_a, item, pick, 50, status="quarantine")
    order = confirmed_order(CustomerFactory(tenant=tenant_a), site, [(item, 5)])
    _allocate(tenant_a)
    assert reserved(tenant_a, item, pick) == 3 and reserved(tenant_a, item, reserve) == 2
    assert reserved(tenant_a, item, pick, status="quarantine") == 0
    assert _line(tenant_a, order).order.status == "allocated"


def test_backorder_is_allocated_when_stock_arrives(tenant_a, floor):
    site, pick, _ = floor
    item = ItemFactory(tenant=tenant_a)
    order = confirmed_order(CustomerFactory(tenant=tenant_a), site, [(item, 8)])
    _allocate(tenant_a)
    line = _line(tenant_a, order)
    assert line.allocated_base == 0 and line.backordered_since is not None
    with tenant_context(tenant_a):
        assert Projection.objects.get(source_id=line.pk).quantity == -8
    receive(tenant_a, item, pick, 20)
    _allocate(tenant_a, items=[item.pk])
    line = _line(tenant_a, order)
    assert line.allocated_base == 8 and line.backordered_since is None
    with tenant_context(tenant_a):
        assert not Projection.objects.filter(source_id=line.pk).exists()
    assert_ledger_clean(tenant_a)


def test_cancelling_releases_the_reservations(tenant_a, floor):
    site, pick, _ = floor
    item = ItemFactory(tenant=tenant_a)
    receive(tenant_a, item, pick, 10)
    order = confirmed_order(CustomerFactory(tenant=tenant_a), site, [(item, 7)])
    _allocate(tenant_a)
    assert reserved(tenant_a, item, pick) == 7
    with tenant_context(tenant_a):
        sales_orders.cancel(
            tenant=tenant_a,
            user=member(tenant_a, "supervisor"),
            order=order,
            reason="customer changed mind",
        )
    assert reserved(tenant_a, item, pick) == 0
    line = _line(tenant_a, order)
    assert line.order.status == "cancelled" and line.cancelled_base == 7
    with tenant_context(tenant_a):
        assert not Reservation.objects.exists() and not Projection.objects.exists()
    assert_ledger_clean(tenant_a)


def test_credit_hold_blocks_release(tenant_a, floor):
    site, pick, _ = floor
    item = ItemFactory(tenant=tenant_a)
    receive(tenant_a, item, pick, 10)
    customer = CustomerFactory(tenant=tenant_a, credit_hold=True, name="Slow Payer")
    order = confirmed_order(customer, site, [(item, 2)])
    _allocate(tenant_a)
    with (
        tenant_context(tenant_a),
        pytest.raises(sales_orders.CreditHold, match="Slow Payer is on credit hold"),
    ):
        sales_orders.release(tenant=tenant_a, user=member(tenant_a, "supervisor"), order=order)


def test_allocating_again_changes_nothing(tenant_a, floor):
    site, pick, _ = floor
    item = ItemFactory(tenant=tenant_a)
    receive(tenant_a, item, pick, 10)
    confirmed_order(CustomerFactory(tenant=tenant_a), site, [(item, 4)])
    _allocate(tenant_a)
    _allocate(tenant_a)
    assert reserved(tenant_a, item, pick) == 4
    assert_ledger_clean(tenant_a)


def test_stock_put_away_is_allocated_to_the_waiting_backorder(
    tenant_a, django_capture_on_commit_callbacks
):
    from inventory import ledger
    from orders.tasks import allocate_task
    from tests.warehouse.conftest import Dock
    from warehouse.models import PutawayTask
    from warehouse.putaway import services as putaway
    from warehouse.receiving import services as receiving

    dock = Dock(tenant_a)
    shelf = bin_in(tenant_a, site=dock.order.site, bin_type="reserve", code="R-9")
    order = confirmed_order(CustomerFactory(tenant=tenant_a), dock.order.site, [(dock.item, 30)])
    _allocate(tenant_a)
    assert _line(tenant_a, order).allocated_base == 0
    with tenant_context(tenant_a):
        receiving.receive(
            tenant=tenant_a,
            user=dock.operator,
            order=dock.order,
            item=dock.item,
            quantity=Decimal(40),
            dock=dock.dock,
            scan_key="r",
        )
        task = PutawayTask.objects.get()
        with django_capture_on_commit_callbacks() as callbacks:
            putaway.complete(
                tenant=tenant_a,
                user=dock.operator,
                task=task,
                location=ledger.bin_location(tenant=tenant_a, bin=shelf),
                override_reason="test shelf",
            )
    # Stock at the dock is not pickable; once put away, the allocation task is queued.
    assert _line(tenant_a, order).allocated_base == 0 and len(callbacks) == 1
    allocate_task(tenant_a.pk, [dock.item.pk])
    assert _line(tenant_a, order).allocated_base == 30
    assert_ledger_clean(tenant_a)
