"""A transfer pick short at the source: what was found ships, the rest of that bin's
reservation is released, the bin's free stock goes to quarantine pending a count (raised at
once), a floor exception is recorded, and the destination expects only what was picked."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from erp.tenancy import tenant_context
from inventory.selectors.atp import atp
from tests.inventory.stock import assert_ledger_clean, on_hand, reserved
from tests.warehouse.transfer_sites import EXPECTED, Sites
from warehouse.models import (
    Count,
    CountRequest,
    ExceptionKind,
    FloorException,
    TransferStatus,
    WorkKind,
    WorkTask,
)
from warehouse.transfers import services as transfers
from warehouse.transfers.services import TransferError

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2030, 1, 1)


@pytest.fixture
def sites(tenant_a):
    return Sites(tenant_a)


def _pick(sites, transfer, bin, quantity):
    with tenant_context(sites.tenant):
        return transfers.pick(
            tenant=sites.tenant, user=sites.operator, transfer=transfer, location=sites.loc(bin),
            item=sites.item, lot=None, quantity=Decimal(quantity),
        )  # fmt: skip


def _short(sites, transfer, bin, found):
    with tenant_context(sites.tenant):
        return transfers.short_pick(
            tenant=sites.tenant, user=sites.operator, transfer=transfer, location=sites.loc(bin),
            item=sites.item, lot=None, found=Decimal(found),
        )  # fmt: skip


def _coming(sites):
    with tenant_context(sites.tenant):
        result = atp(tenant=sites.tenant, item=sites.item, site=sites.destination, today=TODAY)
    return max((d.promisable for d in result.days if d.date <= EXPECTED), default=Decimal(0))


def _transit_on_hand(sites):
    with tenant_context(sites.tenant):
        from inventory.models import LocationKind, StockBalance

        row = StockBalance.objects.filter(
            item=sites.item, location__kind=LocationKind.IN_TRANSIT
        ).first()
        return row.on_hand if row else Decimal(0)


def _short_at_r2(sites):
    """12 asked: R-01 gives its 10, R-02 (2 reserved of 10 on hand) has only 1."""
    transfer = sites.released()
    _pick(sites, transfer, sites.r1, 10)
    _short(sites, transfer, sites.r2, 1)
    return sites.fresh(transfer)


def test_a_short_pick_holds_the_bin_releases_the_rest_and_finishes_the_pick(sites):
    transfer = _short_at_r2(sites)
    assert transfer.status == TransferStatus.PICKED
    # 1 still reserved for the transfer; the other 9 it claims are in quarantine.
    assert on_hand(sites.tenant, sites.item, sites.r2) == 1
    assert reserved(sites.tenant, sites.item, sites.r2) == 1
    assert on_hand(sites.tenant, sites.item, sites.r2, status="quarantine") == 9
    assert on_hand(sites.tenant, sites.item, sites.r1) == 10
    assert reserved(sites.tenant, sites.item, sites.r1) == 10
    with tenant_context(sites.tenant):
        request = CountRequest.objects.get(location=sites.loc(sites.r2))
        count = Count.objects.get(location=sites.loc(sites.r2))
        exception = FloorException.objects.get()
        task = WorkTask.objects.get(kind=WorkKind.TRANSFER, reference=transfer.pk)
    assert count.request_id == request.pk
    assert (exception.kind, exception.expected, exception.found) == (
        ExceptionKind.SHORT_PICK, Decimal(2), Decimal(1),
    )  # fmt: skip
    assert transfer.number in exception.outcome
    assert task.status == "done"
    assert _coming(sites) == 11
    assert_ledger_clean(sites.tenant)


def test_the_transfer_ships_and_receives_only_what_was_picked(sites):
    transfer = _short_at_r2(sites)
    with tenant_context(sites.tenant):
        transfer = transfers.ship(tenant=sites.tenant, user=sites.operator, transfer=transfer)
    assert _transit_on_hand(sites) == 11
    assert on_hand(sites.tenant, sites.item, sites.r2) == 0
    assert reserved(sites.tenant, sites.item, sites.r2) == 0
    assert on_hand(sites.tenant, sites.item, sites.r2, status="quarantine") == 9
    assert on_hand(sites.tenant, sites.item, sites.r1) == 0
    with tenant_context(sites.tenant):
        line = transfer.lines.get()
    assert line.shipped_base == 11
    assert _coming(sites) == 11
    assert_ledger_clean(sites.tenant)
    sites.receive(transfer, 11)
    transfer = sites.fresh(transfer)
    assert transfer.status == TransferStatus.RECEIVED
    assert on_hand(sites.tenant, sites.item, sites.dock) == 11
    assert _transit_on_hand(sites) == 0
    assert_ledger_clean(sites.tenant)


def test_a_bin_found_empty_ships_nothing_from_it(sites):
    transfer = sites.released()
    _short(sites, transfer, sites.r2, 0)
    assert reserved(sites.tenant, sites.item, sites.r2) == 0
    assert on_hand(sites.tenant, sites.item, sites.r2, status="quarantine") == 10
    assert sites.fresh(transfer).status == TransferStatus.RELEASED
    _pick(sites, transfer, sites.r1, 10)
    with tenant_context(sites.tenant):
        transfer = transfers.ship(tenant=sites.tenant, user=sites.operator, transfer=transfer)
    assert _transit_on_hand(sites) == 10
    assert on_hand(sites.tenant, sites.item, sites.r2, status="quarantine") == 10
    assert _coming(sites) == 10
    assert_ledger_clean(sites.tenant)


def test_finding_all_that_is_left_is_not_a_short_pick_and_posts_nothing(sites):
    transfer = sites.released()
    with pytest.raises(TransferError) as refused:
        _short(sites, transfer, sites.r2, 2)
    assert "not short" in str(refused.value)
    assert reserved(sites.tenant, sites.item, sites.r2) == 2
    assert on_hand(sites.tenant, sites.item, sites.r2, status="quarantine") == 0
    with tenant_context(sites.tenant):
        assert not FloorException.objects.exists()
        assert not CountRequest.objects.exists()
    assert_ledger_clean(sites.tenant)


def test_the_pick_scanner_records_a_short_pick_and_the_page_shows_it(client, sites):
    transfer = sites.released()
    client.force_login(sites.operator)
    pick = reverse("warehouse:transfer_pick", args=[transfer.pk])
    client.post(pick, {"bin": "R-01", "item": "BOLT", "quantity": "10"})
    response = client.post(pick, {"bin": "R-02", "item": "BOLT", "quantity": "0", "short": "on"})
    assert response.status_code == 302
    assert sites.fresh(transfer).status == TransferStatus.PICKED
    assert reserved(sites.tenant, sites.item, sites.r2) == 0
    assert on_hand(sites.tenant, sites.item, sites.r2, status="quarantine") == 10
    page = client.get(pick)
    assert b"short 2" in page.content
    assert_ledger_clean(sites.tenant)


def test_zero_without_short_on_the_pick_scanner_picks_nothing(client, sites):
    transfer = sites.released()
    client.force_login(sites.operator)
    response = client.post(
        reverse("warehouse:transfer_pick", args=[transfer.pk]),
        {"bin": "R-01", "item": "BOLT", "quantity": "0"},
    )
    assert response.status_code == 422
    assert b"above zero" in response.content
    assert reserved(sites.tenant, sites.item, sites.r1) == 10
    assert on_hand(sites.tenant, sites.item, sites.r1, status="quarantine") == 0
