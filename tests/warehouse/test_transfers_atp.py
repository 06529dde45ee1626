"""ATP at both sites: releasing a transfer takes its quantity out of the source's ATP (the
reservation) and publishes it as supply at the destination on the expected date; shipping
moves the stock out of the source; receiving turns the supply into stock on hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from erp.tenancy import tenant_context
from inventory.selectors.atp import atp
from tests.warehouse.transfer_sites import EXPECTED, Sites

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2030, 1, 1)


@pytest.fixture
def sites(tenant_a):
    return Sites(tenant_a)


def _promisable(sites, site, day):
    with tenant_context(sites.tenant):
        result = atp(tenant=sites.tenant, item=sites.item, site=site, today=TODAY)
    return max((d.promisable for d in result.days if d.date <= day), default=Decimal(0))


def test_a_draft_changes_no_atp(sites):
    sites.draft()
    assert _promisable(sites, sites.source, TODAY) == 20
    assert _promisable(sites, sites.destination, EXPECTED) == 0


def test_a_released_transfer_leaves_the_source_and_arrives_on_the_expected_date(sites):
    sites.released()
    assert _promisable(sites, sites.source, TODAY) == 8
    assert _promisable(sites, sites.destination, TODAY) == 0
    assert _promisable(sites, sites.destination, EXPECTED) == 12


def test_in_transit_stock_stays_supply_at_the_destination_until_received(sites):
    transfer = sites.shipped()
    assert _promisable(sites, sites.source, TODAY) == 8
    assert _promisable(sites, sites.destination, EXPECTED) == 12
    sites.receive(transfer, 5)
    # 5 are on hand at ATL now (promisable today); 7 are still coming on the expected date.
    assert _promisable(sites, sites.destination, TODAY) == 5
    assert _promisable(sites, sites.destination, EXPECTED) == 12
    assert _promisable(sites, sites.source, TODAY) == 8
