"""A short receipt leaves the transfer partially received: the rest can still be received, for
as long as it stays open. Closing it short writes the missing quantity off (in transit ->
scrap at the value it left with, a short discrepancy), since a closed transfer receives
nothing more. More than was shipped is received and recorded as over."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from erp.tenancy import tenant_context
from inventory.ledger.valuation import site_values
from inventory.models import LocationKind, StockEntry
from inventory.selectors.valuation import in_transit
from tests.inventory.stock import assert_ledger_clean, on_hand
from tests.warehouse.transfer_sites import Sites
from warehouse.models import TransferDiscrepancy, TransferStatus
from warehouse.transfers import services as transfers
from warehouse.transfers.services import TransferError

pytestmark = pytest.mark.django_db


@pytest.fixture
def short(tenant_a):
    sites = Sites(tenant_a)
    transfer = sites.shipped()
    sites.receive(transfer, 10)
    return sites, sites.fresh(transfer)


def _transit(sites):
    with tenant_context(sites.tenant):
        return in_transit(tenant=sites.tenant, item=sites.item)


def _close(sites, transfer, **kwargs):
    with tenant_context(sites.tenant):
        return transfers.close(
            tenant=sites.tenant, user=sites.supervisor, transfer=transfer, **kwargs
        )


def test_a_short_receipt_leaves_the_rest_in_transit(short):
    sites, transfer = short
    assert transfer.status == TransferStatus.PARTIALLY_RECEIVED
    assert on_hand(sites.tenant, sites.item, sites.dock) == 10
    # 26.00 left CHI for 12; 10 arrived at 26/12 = 2.166667 each (21.6667).
    assert _transit(sites) == {"quantity": Decimal(2), "value": Decimal("4.3333")}
    assert_ledger_clean(sites.tenant)


def _scrapped(sites):
    with tenant_context(sites.tenant):
        return StockEntry.objects.filter(
            tenant=sites.tenant, item=sites.item, location__kind=LocationKind.SCRAP
        ).aggregate(quantity=Sum("quantity"), value=Sum("value"))


def test_closing_short_needs_the_write_off_confirmed_and_a_reason(short):
    sites, transfer = short
    with pytest.raises(TransferError, match="short 2 units: closing writes them off"):
        _close(sites, transfer)
    with pytest.raises(TransferError, match="leave it open"):
        _close(sites, transfer, missing="keep", reason="may turn up")
    with pytest.raises(TransferError, match="Say why"):
        _close(sites, transfer, missing="write_off")
    assert sites.fresh(transfer).status == TransferStatus.PARTIALLY_RECEIVED


def test_writing_off_the_missing_quantity_empties_transit_and_records_it(short):
    sites, transfer = short
    _close(sites, transfer, missing="write_off", reason="lost by carrier")
    assert _transit(sites) == {"quantity": Decimal(0), "value": Decimal("0.0000")}
    with tenant_context(sites.tenant):
        discrepancy = TransferDiscrepancy.objects.get(transfer=transfer)
        destination = site_values(sites.tenant.pk)[(sites.item.pk, sites.destination.pk)]
    assert (discrepancy.kind, discrepancy.quantity, discrepancy.resolution) == (
        "short", Decimal(2), "written_off",
    )  # fmt: skip
    assert destination == (Decimal(10), Decimal("21.6667"))
    assert sites.fresh(transfer).status == TransferStatus.CLOSED
    assert_ledger_clean(sites.tenant)


def test_the_write_off_is_a_loss_at_scrap_and_leaves_both_sites_as_they_were(short):
    sites, transfer = short
    _close(sites, transfer, missing="write_off", reason="lost by carrier")
    with tenant_context(sites.tenant):
        values = site_values(sites.tenant.pk)
    # CHI sent 10 at 2.00 and 2 at 3.00 (26.00); it keeps 8 at 3.00. ATL holds the 10 that
    # arrived at 26/12 each; the 2 lost go to scrap at the same 2.166667: 4.3333.
    assert values[(sites.item.pk, sites.source.pk)] == (Decimal(8), Decimal("24.0000"))
    assert values[(sites.item.pk, sites.destination.pk)] == (Decimal(10), Decimal("21.6667"))
    assert _scrapped(sites) == {"quantity": Decimal(2), "value": Decimal("4.3333")}
    assert_ledger_clean(sites.tenant)


def test_a_closed_transfer_receives_nothing_more(short):
    sites, transfer = short
    _close(sites, transfer, missing="write_off", reason="lost by carrier")
    with pytest.raises(TransferError, match="closed: nothing to receive"):
        sites.receive(transfer, 2, key="late")
    assert on_hand(sites.tenant, sites.item, sites.dock) == 10
    assert_ledger_clean(sites.tenant)


def test_left_open_the_rest_is_received_later_at_the_cost_it_left_with(short):
    sites, transfer = short
    sites.receive(transfer, 2, key="late")
    with tenant_context(sites.tenant):
        destination = site_values(sites.tenant.pk)[(sites.item.pk, sites.destination.pk)]
        found = TransferDiscrepancy.objects.filter(transfer=transfer).exists()
    assert sites.fresh(transfer).status == TransferStatus.RECEIVED
    assert _transit(sites) == {"quantity": Decimal(0), "value": Decimal("0.0000")}
    # All 26.00 that left CHI arrived at ATL (21.6667 + 4.3333), nothing scrapped.
    assert destination == (Decimal(12), Decimal("26.0000"))
    assert _scrapped(sites) == {"quantity": None, "value": None}
    assert not found
    assert_ledger_clean(sites.tenant)


def test_more_than_shipped_is_received_recorded_as_over_and_accepted_on_close(tenant_a):
    sites = Sites(tenant_a)
    transfer = sites.shipped()
    sites.receive(transfer, 13)
    assert on_hand(sites.tenant, sites.item, sites.dock) == 13
    assert _transit(sites)["quantity"] == 0
    with tenant_context(sites.tenant):
        discrepancy = TransferDiscrepancy.objects.get(transfer=transfer)
    assert (discrepancy.kind, discrepancy.quantity, discrepancy.resolution) == (
        "over", Decimal(1), "open",
    )  # fmt: skip
    assert sites.fresh(transfer).status == TransferStatus.RECEIVED
    _close(sites, transfer)
    with tenant_context(sites.tenant):
        discrepancy.refresh_from_db()
    assert discrepancy.resolution == "accepted"
    assert_ledger_clean(sites.tenant)


def test_an_item_the_transfer_did_not_ship_posts_nothing(short):
    sites, transfer = short
    with pytest.raises(TransferError, match="did not ship MILK"):
        sites.receive(transfer, 1, item=sites.lotted, lot=sites.lot, key="x")
    assert on_hand(sites.tenant, sites.lotted, sites.dock, lot=sites.lot) == 0


def test_a_dock_at_the_source_site_is_refused(short):
    sites, transfer = short
    with tenant_context(sites.tenant), pytest.raises(TransferError, match="is not a bin at ATL"):
        transfers.receive(
            tenant=sites.tenant, user=sites.operator, transfer=transfer, item=sites.item,
            lot=None, quantity=Decimal(1), location=sites.loc(sites.r1), scan_key="y",
        )  # fmt: skip
