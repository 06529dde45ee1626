"""FIFO layers and moving average per item and site; entry values always equal the layers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import CostLayer, LocationKind, StockEntry
from tests.factories import ItemFactory, bin_in
from tests.inventory.stock import assert_ledger_clean, loc, receive

pytestmark = pytest.mark.django_db


def _ship(tenant, item, bin, quantity):
    with tenant_context(tenant):
        customer = ledger.virtual_location(tenant=tenant, kind=LocationKind.CUSTOMER)
        txn = ledger.post(
            tenant=tenant,
            user=None,
            kind="shipment",
            moves=[
                ledger.Move(
                    item=item, quantity=Decimal(quantity), source=loc(bin), destination=customer
                )
            ],
        )
        return StockEntry.objects.get(transaction=txn, quantity__lt=0).value


def test_fifo_outflow_takes_the_oldest_layers_first(tenant_a):
    item = ItemFactory(tenant=tenant_a, costing_method="fifo")
    bin = bin_in(tenant_a)
    receive(tenant_a, item, bin, 10, unit_cost="1.00")
    receive(tenant_a, item, bin, 10, unit_cost="3.00")
    assert _ship(tenant_a, item, bin, 15) == Decimal("-25.0000")  # 10 x 1 + 5 x 3
    with tenant_context(tenant_a):
        layers = list(
            CostLayer.objects.filter(item=item)
            .order_by("received_at", "id")
            .values_list("remaining_quantity", "remaining_value")
        )
    assert layers == [(Decimal(0), Decimal(0)), (Decimal(5), Decimal(15))]
    assert_ledger_clean(tenant_a)


def test_moving_average_is_recomputed_on_each_receipt(tenant_a):
    item = ItemFactory(tenant=tenant_a, costing_method="average")
    bin = bin_in(tenant_a)
    receive(tenant_a, item, bin, 10, unit_cost="1.00")
    receive(tenant_a, item, bin, 30, unit_cost="3.00")  # avg = (10 + 90) / 40 = 2.50
    assert _ship(tenant_a, item, bin, 4) == Decimal("-10.0000")
    with tenant_context(tenant_a):
        pool = CostLayer.objects.get(item=item, is_pool=True)
    assert (pool.remaining_quantity, pool.remaining_value, pool.unit_cost) == (
        Decimal(36),
        Decimal(90),
        Decimal("2.5"),
    )
    assert_ledger_clean(tenant_a)


def test_moves_inside_a_site_carry_no_value_and_transfers_carry_cost(tenant_a):
    item = ItemFactory(tenant=tenant_a)
    a1 = bin_in(tenant_a)
    a2 = bin_in(tenant_a, site=a1.site)
    b1 = bin_in(tenant_a)  # another site
    receive(tenant_a, item, a1, 10, unit_cost="2.00")
    with tenant_context(tenant_a):
        inside = ledger.post(
            tenant=tenant_a,
            user=None,
            kind="move",
            moves=[
                ledger.Move(item=item, quantity=Decimal(5), source=loc(a1), destination=loc(a2))
            ],
        )
        across = ledger.post(
            tenant=tenant_a,
            user=None,
            kind="transfer",
            moves=[
                ledger.Move(item=item, quantity=Decimal(3), source=loc(a2), destination=loc(b1))
            ],
        )
        assert set(
            StockEntry.objects.filter(transaction=inside).values_list("value", flat=True)
        ) == {Decimal(0)}
        assert sorted(
            StockEntry.objects.filter(transaction=across).values_list("value", flat=True)
        ) == [Decimal(-6), Decimal(6)]
        assert CostLayer.objects.get(item=item, site=b1.site).remaining_value == Decimal(6)
    assert_ledger_clean(tenant_a)


def test_inflow_without_cost_takes_the_current_average_or_standard_cost(tenant_a):
    item = ItemFactory(tenant=tenant_a, standard_cost=Decimal("7.00"))
    bin = bin_in(tenant_a)
    receive(tenant_a, item, bin, 2, unit_cost=None)
    with tenant_context(tenant_a):
        assert CostLayer.objects.get(item=item).unit_cost == Decimal(7)
    assert_ledger_clean(tenant_a)
