"""Two allocation runs and a picker at the same moment, each in its own transaction: no unit
is promised twice and no reservation is left without its stock."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import Reservation, StockBalance
from orders.models import SalesOrderLine
from orders.services import allocation, sales_orders
from tests.concurrency import together
from tests.factories import (
    BinFactory,
    CustomerFactory,
    ItemFactory,
    ZoneFactory,
    bin_in,
    confirmed_order,
    member,
)
from tests.inventory.stock import assert_ledger_clean, receive
from warehouse.models import PickTask
from warehouse.picking import services as picking
from warehouse.picking import waves

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_allocation_runs_and_a_picker_never_over_allocate(tenant_a):
    pick = bin_in(tenant_a, bin_type="pick_face", code="P-1")
    site = pick.site
    reserve = bin_in(tenant_a, site=site, bin_type="reserve", code="R-1")
    BinFactory(
        zone=ZoneFactory(site=site, code="PAK", zone_type="packing"),
        code="PACK-1",
        bin_type="staging",
    )
    supervisor, operator = member(tenant_a, Role.SUPERVISOR), member(tenant_a, Role.OPERATOR)
    items = [ItemFactory(tenant=tenant_a) for _ in range(3)]
    for item in items:
        receive(tenant_a, item, pick, 10)
        receive(tenant_a, item, reserve, 10)
    # A released order already being picked, and many more orders competing for the rest.
    first = confirmed_order(CustomerFactory(tenant=tenant_a, priority=1), site, [(items[0], 8)])
    with tenant_context(tenant_a):
        allocation.allocate(tenant=tenant_a, user=supervisor, orders=[first])
        sales_orders.release(tenant=tenant_a, user=supervisor, order=first)
        wave = waves.create_wave(tenant=tenant_a, user=supervisor, site=site)
        (batch,) = waves.release_wave(tenant=tenant_a, user=supervisor, wave=wave)
        task = PickTask.objects.get(batch=batch)
    for n in range(12):
        confirmed_order(
            CustomerFactory(tenant=tenant_a, priority=1 + n % 3),
            site,
            [(items[n % 3], 3), (items[(n + 1) % 3], 2)],
        )

    def allocate():
        with tenant_context(tenant_a, durable=True):
            allocation.allocate(tenant=tenant_a, user=None)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(0.1)")

    def pick_it():
        with tenant_context(tenant_a, durable=True):
            picking.confirm_pick(tenant=tenant_a, user=operator, task=task, quantity=Decimal(8))

    assert together([allocate, allocate, pick_it]) == [None, None, None]
    with tenant_context(tenant_a):
        for balance in StockBalance.objects.filter(is_real=True):
            assert 0 <= balance.reserved <= balance.on_hand
            assert balance.reserved == sum(
                r.quantity for r in Reservation.objects.filter(balance=balance)
            )
        for line in SalesOrderLine.objects.all():
            held = sum(
                r.quantity
                for r in Reservation.objects.filter(
                    source_type="sales_order_line", source_id=line.pk
                )
            )
            assert held == line.allocated_base
            assert line.allocated_base + line.picked_base <= line.quantity_base
        # 60 units were there; nothing was promised twice.
        total = sum(line.allocated_base + line.picked_base for line in SalesOrderLine.objects.all())
        assert total <= 60
        assert ledger.verify(tenant_a.pk) == []
    assert_ledger_clean(tenant_a)
