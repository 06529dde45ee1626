"""Shipping a transfer posts the source bins -> in transit at the cost the source's FIFO
layers give, consuming the reservations; receiving posts in transit -> the destination dock
at that same cost. Balances, value by site, value in transit and verify_ledger after each."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.tenancy import tenant_context
from inventory.ledger.valuation import site_values
from inventory.models import LocationKind, StockBalance
from inventory.selectors.valuation import in_transit
from tests.inventory.stock import assert_ledger_clean, on_hand, reserved
from tests.warehouse.transfer_sites import Sites
from warehouse.models import PutawayTask, TransferStatus, WorkKind, WorkTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites(tenant_a):
    return Sites(tenant_a)


def _value(sites, site):
    with tenant_context(sites.tenant):
        return site_values(sites.tenant.pk).get((sites.item.pk, site.pk), (Decimal(0), Decimal(0)))


def _transit(sites):
    with tenant_context(sites.tenant):
        return in_transit(tenant=sites.tenant, item=sites.item)


def test_release_reserves_the_oldest_bins_first_and_queues_the_pick(sites):
    transfer = sites.released()
    assert reserved(sites.tenant, sites.item, sites.r1) == 10
    assert reserved(sites.tenant, sites.item, sites.r2) == 2
    assert on_hand(sites.tenant, sites.item, sites.r1) == 10
    with tenant_context(sites.tenant):
        task = WorkTask.objects.get(kind=WorkKind.TRANSFER, reference=transfer.pk)
    assert (task.site_id, task.status) == (sites.source.pk, "open")
    assert_ledger_clean(sites.tenant)


def test_ship_moves_the_cost_that_left_the_source_into_transit(sites):
    assert _value(sites, sites.source) == (Decimal(20), Decimal("50.0000"))
    transfer = sites.shipped()
    assert transfer.status == TransferStatus.SHIPPED
    # FIFO: all 10 of the 2.00 layer and 2 of the 3.00 layer left CHI.
    assert _value(sites, sites.source) == (Decimal(8), Decimal("24.0000"))
    assert _transit(sites) == {"quantity": Decimal(12), "value": Decimal("26.0000")}
    assert on_hand(sites.tenant, sites.item, sites.r1) == 0
    assert on_hand(sites.tenant, sites.item, sites.r2) == 8
    assert reserved(sites.tenant, sites.item, sites.r2) == 0
    with tenant_context(sites.tenant):
        transit = StockBalance.objects.get(item=sites.item, location__kind=LocationKind.IN_TRANSIT)
        task = WorkTask.objects.get(kind=WorkKind.TRANSFER, reference=transfer.pk)
    assert transit.on_hand == 12
    assert task.status == "done"
    assert_ledger_clean(sites.tenant)


def test_receiving_everything_brings_the_same_value_into_the_destination(sites):
    transfer = sites.shipped()
    sites.receive(transfer, 12)
    sites.fresh(transfer)
    assert transfer.status == TransferStatus.RECEIVED
    assert on_hand(sites.tenant, sites.item, sites.dock) == 12
    assert _value(sites, sites.destination) == (Decimal(12), Decimal("26.0000"))
    assert _value(sites, sites.source) == (Decimal(8), Decimal("24.0000"))
    assert _transit(sites) == {"quantity": Decimal(0), "value": Decimal("0.0000")}
    with tenant_context(sites.tenant):
        putaway = PutawayTask.objects.get(item=sites.item)
    assert (putaway.quantity, putaway.from_location_id) == (12, sites.loc(sites.dock).pk)
    assert_ledger_clean(sites.tenant)


def test_a_repeated_receipt_scan_posts_once(sites):
    transfer = sites.shipped()
    first = sites.receive(transfer, 5, key="same")
    again = sites.receive(transfer, 5, key="same")
    assert first.pk == again.pk
    assert on_hand(sites.tenant, sites.item, sites.dock) == 5
    assert_ledger_clean(sites.tenant)


def test_a_line_in_boxes_ships_in_base_units(sites):
    transfer = sites.shipped(lines=((None, 2, "box"),))
    assert _transit(sites)["quantity"] == 10
    assert on_hand(sites.tenant, sites.item, sites.r1) == 0
    sites.receive(transfer, 10)
    assert on_hand(sites.tenant, sites.item, sites.dock) == 10
    assert_ledger_clean(sites.tenant)


def test_a_lot_travels_with_its_lot(sites):
    transfer = sites.shipped(lines=((sites.lotted, 3, ""),))
    sites.receive(transfer, 3, item=sites.lotted, lot=sites.lot)
    assert on_hand(sites.tenant, sites.lotted, sites.dock, lot=sites.lot) == 3
    assert on_hand(sites.tenant, sites.lotted, sites.r1, lot=sites.lot) == 5
    assert_ledger_clean(sites.tenant)


def test_the_valuation_page_shows_the_value_in_transit(client, sites):
    from django.urls import reverse

    from erp.roles import Role
    from tests.factories import member

    sites.shipped()
    client.force_login(member(sites.tenant, Role.FINANCE))
    page = client.get(reverse("inventory:valuation"))
    assert b"In transit between sites now" in page.content
    assert b"26.00" in page.content
