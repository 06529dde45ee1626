"""ATP from stock and projections written through the projection service."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from erp.tenancy import tenant_context
from inventory import ledger, selectors
from inventory.ledger import projections
from inventory.models import ProjectionKind
from tests.factories import ItemFactory, bin_in
from tests.inventory.stock import receive

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)


def _day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def test_time_phased_atp_protects_later_demand(tenant_a):
    item = ItemFactory(tenant=tenant_a)
    bin = bin_in(tenant_a)
    receive(tenant_a, item, bin, 10)
    site = bin.site
    with tenant_context(tenant_a):
        reservation_balance = ledger.reserve(
            tenant=tenant_a,
            user=None,
            item=item,
            location=bin.ledger_locations.get(),
            quantity=2,
            source_type="order_line",
            source_id=1,
        )
        assert reservation_balance.quantity == 2
        projections.publish(
            tenant=tenant_a,
            source_type="po_line",
            source_id=7,
            item=item,
            site=site,
            date=_day(3),
            quantity=Decimal(5),
            kind=ProjectionKind.SCHEDULED_RECEIPT,
        )
        projections.publish(
            tenant=tenant_a,
            source_type="so_line",
            source_id=8,
            item=item,
            site=site,
            date=_day(1),
            quantity=Decimal(4),
            kind=ProjectionKind.DEMAND,
        )
        projections.publish(
            tenant=tenant_a,
            source_type="so_line",
            source_id=9,
            item=item,
            site=site,
            date=_day(5),
            quantity=Decimal(9),
            kind=ProjectionKind.DEMAND,
        )
        projections.publish(
            tenant=tenant_a,
            source_type="so_line",
            source_id=10,
            item=item,
            site=site,
            date=_day(-2),
            quantity=Decimal(1),
            kind=ProjectionKind.DEMAND,
        )
        result = selectors.atp(tenant=tenant_a, item=item, site=site, today=TODAY)
    assert result.on_hand_available == 8
    table = [(d.date, d.net, d.cumulative, d.promisable) for d in result.days]
    # day 0: 8 free - 1 past due = 7; day 1: -4 -> 3; day 3: +5 -> 8; day 5: -9 -> -1
    assert table == [
        (TODAY, Decimal(7), Decimal(7), Decimal(-1)),
        (_day(1), Decimal(-4), Decimal(3), Decimal(-1)),
        (_day(3), Decimal(5), Decimal(8), Decimal(-1)),
        (_day(5), Decimal(-9), Decimal(-1), Decimal(-1)),
    ]
    assert result.first_date_for(Decimal(1)) is None


def test_first_promisable_date_waits_for_the_receipt(tenant_a):
    item = ItemFactory(tenant=tenant_a)
    bin = bin_in(tenant_a)
    receive(tenant_a, item, bin, 3)
    with tenant_context(tenant_a):
        projections.publish(
            tenant=tenant_a,
            source_type="po_line",
            source_id=1,
            item=item,
            site=bin.site,
            date=_day(4),
            quantity=Decimal(10),
            kind=ProjectionKind.SCHEDULED_RECEIPT,
        )
        result = selectors.atp(tenant=tenant_a, item=item, site=bin.site, today=TODAY)
        assert result.first_date_for(Decimal(3)) == TODAY
        assert result.first_date_for(Decimal(8)) == _day(4)
        assert result.first_date_for(Decimal(14)) is None
        # Changing the line replaces its projection; zero withdraws it.
        projections.publish(
            tenant=tenant_a,
            source_type="po_line",
            source_id=1,
            item=item,
            site=bin.site,
            date=_day(2),
            quantity=Decimal(20),
            kind=ProjectionKind.SCHEDULED_RECEIPT,
        )
        assert selectors.atp(tenant=tenant_a, item=item, site=bin.site, today=TODAY).first_date_for(
            Decimal(14)
        ) == _day(2)
        projections.publish(
            tenant=tenant_a,
            source_type="po_line",
            source_id=1,
            item=item,
            site=bin.site,
            date=_day(2),
            quantity=Decimal(0),
            kind=ProjectionKind.SCHEDULED_RECEIPT,
        )
        assert (
            selectors.atp(tenant=tenant_a, item=item, site=bin.site, today=TODAY).first_date_for(
                Decimal(4)
            )
            is None
        )
