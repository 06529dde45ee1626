"""Movements during a count are reconciled: expected = the snapshot taken when the count was
opened + the ledger's movements into and out of the bin until the round was finished."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.tenancy import tenant_context
from inventory.services.adjustments import move_stock
from tests.inventory.stock import receive
from tests.warehouse.counting import Shelf
from warehouse.counting import selectors, services
from warehouse.models import CountSnapshot, CountStatus

pytestmark = pytest.mark.django_db


def test_the_snapshot_keeps_what_the_bin_held_when_opened(tenant_a):
    shelf = Shelf(tenant_a)
    count = shelf.open()
    with tenant_context(tenant_a):
        rows = list(CountSnapshot.objects.filter(count=count).values_list("status", "quantity"))
    assert rows == [("available", Decimal(10))]


def test_stock_moved_during_the_count_is_expected_not_a_variance(tenant_a):
    shelf = Shelf(tenant_a)
    count = shelf.open()
    # While the operator counts: 5 put in, 3 moved out to the next bin.
    receive(tenant_a, shelf.item, shelf.bin, 5, unit_cost="2.00")
    with tenant_context(tenant_a):
        move_stock(
            tenant=tenant_a, user=shelf.counter, item=shelf.item, source=shelf.location,
            destination=shelf.other, quantity=Decimal(3), idempotency_key="during-count",
        )  # fmt: skip
    count = shelf.count(count, {shelf.item: 12})
    assert count.status == CountStatus.COUNTED  # 10 + 5 - 3 = 12: no variance, no recount

    # Stock that arrives after the count was finished is not expected by it either.
    receive(tenant_a, shelf.item, shelf.bin, 4, unit_cost="2.00")
    with tenant_context(tenant_a):
        round = selectors.last_round(count)
        (line,) = selectors.reconciliation(tenant=tenant_a, count=count, round=round)
        assert (line.snapshot, line.moved, line.expected, line.variance) == (10, 2, 12, 0)
        services.approve(tenant=tenant_a, user=shelf.supervisor, count=count)
        count.refresh_from_db()
    assert count.status == CountStatus.APPROVED and count.transaction is None
    assert shelf.balances() == {"available": Decimal(16)}
    assert shelf.clean() == []


def test_a_variance_is_measured_against_the_reconciled_expectation(tenant_a):
    shelf = Shelf(tenant_a)
    count = shelf.open()
    receive(tenant_a, shelf.item, shelf.bin, 5, unit_cost="2.00")
    # 15 expected; 14 found: one missing, within a tolerance of 1 unit.
    with tenant_context(tenant_a):
        from warehouse.models import CountSettings

        CountSettings.objects.create(tenant=tenant_a, quantity_tolerance=Decimal(1))
    count = shelf.count(count, {shelf.item: 14})
    assert count.status == CountStatus.COUNTED
    with tenant_context(tenant_a):
        services.approve(tenant=tenant_a, user=shelf.supervisor, count=count)
    assert shelf.balances() == {"available": Decimal(14)}
    assert shelf.clean() == []
