"""A short pick's held stock is settled by the count of its bin: the approval releases the
quarantined units that are there and writes off the ones that are not, in one posting."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import StockBalance, StockEntry
from tests.factories import member
from tests.warehouse.outbound import Floor
from warehouse.counting import services
from warehouse.models import Count, CountRequest, CountRound, CountStatus

pytestmark = pytest.mark.django_db


def _short_picked(tenant):
    """Coffee: 50 in P-01, an order of 6 picked short (2 found): the other 48 are held."""
    floor = Floor(tenant)
    floor.picked_order(short={0: 2})
    with tenant_context(tenant):
        location = ledger.bin_location(tenant=tenant, bin=floor.p1)
        count = Count.objects.get(location=location)
    return floor, location, count


def _balances(tenant, floor, location):
    with tenant_context(tenant):
        return {
            b.status: b.on_hand
            for b in StockBalance.objects.filter(item=floor.coffee, location=location).exclude(
                on_hand=0
            )
        }


def _count(tenant, floor, location, count, quantity, user, number):
    with tenant_context(tenant):
        round = CountRound.objects.get(count=count, number=number)
        services.scan_bin(tenant=tenant, user=user, round=round, location=location)
        services.record_line(
            tenant=tenant,
            user=user,
            round=round,
            item=floor.coffee,
            lot=floor.lot,
            quantity=Decimal(quantity),
        )
        return services.finish_round(tenant=tenant, user=user, round=round)


def test_missing_units_are_written_off_from_quarantine_and_the_rest_released(tenant_a):
    floor, location, count = _short_picked(tenant_a)
    assert _balances(tenant_a, floor, location) == {"quarantine": Decimal(48)}
    second = member(tenant_a, Role.OPERATOR)
    assert (
        _count(tenant_a, floor, location, count, 44, floor.operator, 1).status
        == CountStatus.RECOUNT
    )
    assert _count(tenant_a, floor, location, count, 44, second, 2).status == CountStatus.RECOUNTED
    with tenant_context(tenant_a):
        services.approve(tenant=tenant_a, user=floor.supervisor, count=count)
        count.refresh_from_db()
        legs = sorted(
            StockEntry.objects.filter(transaction_id=count.transaction_id).values_list(
                "location__code", "status", "quantity"
            )
        )
        request = CountRequest.objects.get(location=location)
    assert legs == [
        ("(adjustment)", "quarantine", Decimal(4)),
        ("P-01", "available", Decimal(44)),
        ("P-01", "quarantine", Decimal(-44)),
        ("P-01", "quarantine", Decimal(-4)),
    ]
    assert _balances(tenant_a, floor, location) == {"available": Decimal(44)}
    assert request.done
    with tenant_context(tenant_a):
        assert ledger.verify(tenant_a.pk) == []


def test_found_units_release_the_quarantine_and_add_the_surplus(tenant_a):
    floor, location, count = _short_picked(tenant_a)
    second = member(tenant_a, Role.OPERATOR)
    _count(tenant_a, floor, location, count, 50, floor.operator, 1)
    _count(tenant_a, floor, location, count, 50, second, 2)
    with tenant_context(tenant_a):
        services.approve(tenant=tenant_a, user=floor.supervisor, count=count)
    assert _balances(tenant_a, floor, location) == {"available": Decimal(50)}
    with tenant_context(tenant_a):
        assert ledger.verify(tenant_a.pk) == []
