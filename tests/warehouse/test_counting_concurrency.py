"""Counts under contention: two triggers for one bin at once open one count; two supervisors
approving at once post the variance once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.errors import InvalidTransition
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import StockTransaction
from tests.concurrency import together
from tests.factories import member
from tests.warehouse.counting import Shelf
from warehouse.counting import services
from warehouse.models import Count, CountSettings

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_triggers_for_one_bin_at_once_open_one_count(tenant_a):
    shelf = Shelf(tenant_a)

    def trigger(reason):
        return lambda: shelf.open(reason).pk

    first, second = together([trigger("short pick"), trigger("supervisor")])
    assert first == second
    with tenant_context(tenant_a):
        assert Count.objects.filter(location=shelf.location).count() == 1


def test_two_supervisors_approving_at_once_post_once(tenant_a):
    with tenant_context(tenant_a):
        CountSettings.objects.create(tenant=tenant_a, quantity_tolerance=Decimal(5))
    shelf = Shelf(tenant_a)
    count = shelf.count(shelf.open(), {shelf.item: 7})
    other = member(tenant_a, Role.SUPERVISOR)

    def approve(user):
        def job():
            with tenant_context(tenant_a):
                return services.approve(tenant=tenant_a, user=user, count=count)

        return job

    results = together([approve(shelf.supervisor), approve(other)])
    assert sum(isinstance(r, Count) for r in results) == 1
    assert sum(isinstance(r, InvalidTransition) for r in results) == 1
    with tenant_context(tenant_a):
        assert StockTransaction.objects.filter(reference=f"COUNT-{count.pk}").count() == 1
        assert ledger.verify(tenant_a.pk) == []
    assert shelf.balances() == {"available": Decimal(7)}
