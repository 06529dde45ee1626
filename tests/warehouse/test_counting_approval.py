"""Recount and approval rules: a variance beyond tolerance is recounted by another operator;
a supervisor who did not count decides; approval posts the variance at current cost with the
count as its reference; rejection posts nothing and opens a new count."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.errors import RoleRequired
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import StockEntry, StockTransaction
from tests.factories import member
from tests.warehouse.counting import Shelf
from warehouse.counting import services
from warehouse.counting.services import CountError
from warehouse.models import (
    Count,
    CountResult,
    CountSettings,
    CountStatus,
    WorkKind,
    WorkStatus,
    WorkTask,
)

pytestmark = pytest.mark.django_db


def _tolerate(tenant, quantity, value):
    with tenant_context(tenant):
        CountSettings.objects.create(
            tenant=tenant, quantity_tolerance=Decimal(quantity), value_tolerance=Decimal(value)
        )


def test_a_variance_within_tolerance_is_decided_without_a_recount(tenant_a):
    _tolerate(tenant_a, 5, 100)
    shelf = Shelf(tenant_a)
    count = shelf.count(shelf.open(), {shelf.item: 8})
    assert count.status == CountStatus.COUNTED
    with tenant_context(tenant_a):
        assert not count.rounds.filter(number=2).exists()
        services.approve(tenant=tenant_a, user=shelf.supervisor, count=count)
        count.refresh_from_db()
        txn = StockTransaction.objects.get(pk=count.transaction_id)
        legs = sorted(
            StockEntry.objects.filter(transaction=txn).values_list(
                "location__code", "quantity", "value"
            )
        )
        result = CountResult.objects.get(count=count)
    assert (txn.kind, txn.reference) == ("count", f"COUNT-{count.pk}")
    # Two missing at 2.00: 4.00 leaves the bin for the adjustment location.
    assert legs == [
        ("(adjustment)", Decimal(2), Decimal("4.0000")),
        ("S-01", Decimal(-2), Decimal("-4.0000")),
    ]
    assert (result.expected, result.counted, result.within_tolerance) == (10, 8, True)
    assert shelf.balances() == {"available": Decimal(8)}
    assert shelf.clean() == []


def test_a_variance_beyond_tolerance_is_recounted_by_another_operator(tenant_a):
    shelf = Shelf(tenant_a)  # default tolerance: 0 units
    count = shelf.count(shelf.open(), {shelf.item: 7})
    assert count.status == CountStatus.RECOUNT
    recount = shelf.round(count, 2)
    with tenant_context(tenant_a):
        queued = WorkTask.objects.get(kind=WorkKind.COUNT, reference=recount.pk)
        assert queued.status == WorkStatus.OPEN and queued.summary == "Recount bin S-01"
        with pytest.raises(CountError, match="another operator must recount"):
            services.start_round(tenant=tenant_a, user=shelf.counter, round=recount)
    count = shelf.count(count, {shelf.item: 7}, number=2)
    assert count.status == CountStatus.RECOUNTED
    assert shelf.balances() == {"available": Decimal(10)}  # nothing posted before approval


def test_the_counter_never_approves_their_own_count(tenant_a):
    _tolerate(tenant_a, 5, 100)
    shelf = Shelf(tenant_a)
    counting_supervisor = member(tenant_a, Role.SUPERVISOR)
    count = shelf.count(shelf.open(), {shelf.item: 9}, user=counting_supervisor)
    with tenant_context(tenant_a):
        with pytest.raises(CountError, match="another supervisor must decide"):
            services.approve(tenant=tenant_a, user=counting_supervisor, count=count)
        with pytest.raises(RoleRequired):
            services.approve(tenant=tenant_a, user=shelf.recounter, count=count)
        assert Count.objects.get(pk=count.pk).status == CountStatus.COUNTED
    assert shelf.balances() == {"available": Decimal(10)}
    assert shelf.clean() == []


def test_found_units_are_posted_in_at_current_cost(tenant_a):
    shelf = Shelf(tenant_a)
    count = shelf.count(shelf.open(), {shelf.item: 13})
    count = shelf.count(count, {shelf.item: 13}, number=2)
    with tenant_context(tenant_a):
        services.approve(tenant=tenant_a, user=shelf.supervisor, count=count)
        count.refresh_from_db()
        leg = StockEntry.objects.get(transaction_id=count.transaction_id, location=shelf.location)
    assert (leg.quantity, leg.value) == (Decimal(3), Decimal("6.0000"))
    assert shelf.balances() == {"available": Decimal(13)}
    assert shelf.clean() == []


def test_a_rejected_count_posts_nothing_and_the_bin_is_counted_again(tenant_a):
    _tolerate(tenant_a, 5, 100)
    shelf = Shelf(tenant_a)
    count = shelf.count(shelf.open(), {shelf.item: 6})
    with tenant_context(tenant_a):
        services.reject(tenant=tenant_a, user=shelf.supervisor, count=count, note="miscounted")
        count.refresh_from_db()
        again = Count.objects.get(location=shelf.location, status=CountStatus.OPEN)
        with pytest.raises(Exception, match="cannot go from rejected"):
            services.approve(tenant=tenant_a, user=shelf.supervisor, count=count)
    assert count.status == CountStatus.REJECTED and count.transaction is None
    assert again.pk != count.pk and "miscounted" in again.reason
    assert shelf.balances() == {"available": Decimal(10)}
    assert shelf.clean() == []
