"""Two transfers released at the same moment for more than the source holds between them:
one reserves its stock, the other is refused by name and reserves nothing, so no unit is
promised twice; and a ship pressed twice at once posts once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.errors import InvalidTransition
from erp.tenancy import tenant_context
from inventory.models import LocationKind, StockBalance
from tests.concurrency import together
from tests.inventory.stock import assert_ledger_clean, reserved
from tests.warehouse.transfer_sites import Sites
from warehouse.models import TransferStatus
from warehouse.transfers import services as transfers
from warehouse.transfers.services import TransferError

pytestmark = pytest.mark.django_db(transaction=True)


def _release(sites, transfer):
    def job():
        with tenant_context(sites.tenant):
            return transfers.release(tenant=sites.tenant, user=sites.supervisor, transfer=transfer)

    return job


def test_two_releases_for_the_same_stock_reserve_it_once(tenant_a):
    sites = Sites(tenant_a)
    first, second = sites.draft(lines=((None, 15, ""),)), sites.draft(lines=((None, 15, ""),))
    results = together([_release(sites, first), _release(sites, second)])
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], TransferError)
    assert str(refused[0]) == "Only 5 each of BOLT free at CHI; 15 asked."
    total = reserved(sites.tenant, sites.item, sites.r1) + reserved(
        sites.tenant, sites.item, sites.r2
    )
    assert total == 15
    assert sorted([sites.fresh(first).status, sites.fresh(second).status]) == ["draft", "released"]
    assert_ledger_clean(sites.tenant)


def test_ship_pressed_twice_at_once_posts_once(tenant_a):
    sites = Sites(tenant_a)
    transfer = sites.picked()

    def ship():
        with tenant_context(sites.tenant):
            return transfers.ship(tenant=sites.tenant, user=sites.operator, transfer=transfer)

    results = together([ship, ship])
    assert sum(1 for r in results if isinstance(r, InvalidTransition)) == 1
    assert sites.fresh(transfer).status == TransferStatus.SHIPPED
    with tenant_context(sites.tenant):
        transit = StockBalance.objects.get(item=sites.item, location__kind=LocationKind.IN_TRANSIT)
    assert transit.on_hand == Decimal(12)
    assert_ledger_clean(sites.tenant)
