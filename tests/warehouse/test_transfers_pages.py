"""The transfer pages end to end: a supervisor drafts and releases a transfer, an operator
picks and ships it on the scanner and receives it short at the other site, the supervisor
closes it short; bad input on every form gets a message (422), never a 500, and posts nothing."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from erp.tenancy import tenant_context
from tests.inventory.stock import assert_ledger_clean, on_hand
from tests.warehouse.transfer_sites import Sites
from warehouse.models import TransferDiscrepancy, TransferOrder, TransferStatus
from warehouse.transfers import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites(tenant_a):
    return Sites(tenant_a)


def _status(sites, transfer):
    return sites.fresh(transfer).status


def test_a_transfer_drafted_released_picked_shipped_received_short_and_closed(client, sites):
    client.force_login(sites.supervisor)
    response = client.post(
        reverse("warehouse:transfer_create"),
        {"from_site": sites.source.pk, "to_site": sites.destination.pk,
         "expected_date": "2030-01-15", "note": "restock ATL"},
    )  # fmt: skip
    assert response.status_code == 302
    with tenant_context(sites.tenant):
        transfer = TransferOrder.objects.get()
    assert transfer.number == "TR-00001"
    detail = reverse("warehouse:transfer_detail", args=[transfer.pk])
    client.post(
        reverse("warehouse:transfer_add_line", args=[transfer.pk]),
        {"item": sites.item.pk, "quantity": "2", "unit": "box"},
    )
    page = client.get(detail)
    assert b"Release" in page.content and b"BOLT" in page.content
    client.post(reverse("warehouse:transfer_release", args=[transfer.pk]))
    assert _status(sites, transfer) == TransferStatus.RELEASED

    client.force_login(sites.operator)
    pick = reverse("warehouse:transfer_pick", args=[transfer.pk])
    assert client.get(pick).status_code == 200
    with tenant_context(sites.tenant):
        rows = [
            (p.location.code, p.quantity)
            for p in selectors.picks(tenant=sites.tenant, transfer=transfer)
        ]
    assert rows == [("R-01", Decimal(10))]
    response = client.post(pick, {"bin": "]C0R-01", "item": "BOLT", "quantity": "10"})
    assert response.status_code == 302
    assert _status(sites, transfer) == TransferStatus.PICKED
    client.post(reverse("warehouse:transfer_ship", args=[transfer.pk]), {"back": "scan"})
    assert _status(sites, transfer) == TransferStatus.SHIPPED
    assert on_hand(sites.tenant, sites.item, sites.r1) == 0

    receive = reverse("warehouse:transfer_receive", args=[transfer.pk])
    response = client.post(receive, {"item": "BOLT", "quantity": "8", "bin": "DOCK-1", "key": "k1"})
    assert response.status_code == 302
    assert _status(sites, transfer) == TransferStatus.PARTIALLY_RECEIVED
    assert on_hand(sites.tenant, sites.item, sites.dock) == 8

    client.force_login(sites.supervisor)
    page = client.get(detail).content.decode()
    # The page says what closing does to the 2 still in transit, and how to wait for them.
    assert "2 shipped units have not arrived. Closing writes them off as a loss" in page
    assert "the transfer stays partially received and they can be received at ATL" in page
    refused = client.post(reverse("warehouse:transfer_close", args=[transfer.pk]), {})
    assert refused.status_code == 422
    assert b"closing writes them off as a loss" in refused.content
    client.post(
        reverse("warehouse:transfer_close", args=[transfer.pk]),
        {"missing": "write_off", "reason": "2 lost"},
    )
    assert _status(sites, transfer) == TransferStatus.CLOSED
    with tenant_context(sites.tenant):
        discrepancy = TransferDiscrepancy.objects.get()
    assert (discrepancy.kind, discrepancy.quantity) == ("short", Decimal(2))
    assert b"Written off" in client.get(detail).content
    assert_ledger_clean(sites.tenant)


def test_the_list_filters_by_status(client, sites):
    sites.draft()
    shipped = sites.shipped()
    client.force_login(sites.supervisor)
    page = client.get(reverse("warehouse:transfer_list"), {"status": "shipped"})
    assert page.status_code == 200
    assert shipped.number.encode() in page.content
    assert page.content.count(b"TR-0000") == 1


@pytest.mark.parametrize(
    "data,message",
    [
        ({"from_site": "x", "to_site": "", "expected_date": "nope"}, b"Select a valid choice"),
        (
            {"from_site": "1", "to_site": "1", "expected_date": "2030-01-01"},
            b"Select a valid choice",
        ),
    ],
)
def test_junk_in_the_new_transfer_form_is_refused(client, sites, data, message):
    client.force_login(sites.supervisor)
    response = client.post(reverse("warehouse:transfer_create"), data)
    assert response.status_code == 422
    with tenant_context(sites.tenant):
        assert not TransferOrder.objects.exists()


def test_the_same_site_twice_is_refused(client, sites):
    client.force_login(sites.supervisor)
    response = client.post(
        reverse("warehouse:transfer_create"),
        {"from_site": sites.source.pk, "to_site": sites.source.pk, "expected_date": "2030-01-01"},
    )
    assert response.status_code == 422
    assert b"Choose a site other than the one it leaves" in response.content


@pytest.mark.parametrize(
    "data,message",
    [
        ({"item": "abc", "quantity": "1"}, b"Select a valid choice"),
        ({"quantity": "-3"}, b"greater than or equal to"),
        ({"quantity": "1e999"}, b"Ensure that there are no more than"),
        ({"quantity": "1", "unit": "pallet"}, b"has no unit"),
        ({"quantity": "0.5"}, b"cannot be split"),
    ],
)
def test_junk_in_a_line_is_refused_and_adds_nothing(client, sites, data, message):
    transfer = sites.draft(lines=())
    client.force_login(sites.supervisor)
    response = client.post(
        reverse("warehouse:transfer_add_line", args=[transfer.pk]), {"item": sites.item.pk, **data}
    )
    assert response.status_code == 422
    assert message in response.content
    with tenant_context(sites.tenant):
        assert not transfer.lines.exists()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"bin": "NOPE", "item": "BOLT", "quantity": "1"}, b"No active bin"),
        ({"bin": "DOCK-1", "item": "BOLT", "quantity": "1"}, b"No active bin"),
        ({"bin": "R-01", "item": "NOPE", "quantity": "1"}, b"No item with SKU"),
        ({"bin": "R-02", "item": "BOLT", "quantity": "1"}, b"Wrong bin: R-02 scanned; this pick"),
        ({"bin": "R-01", "item": "BOLT", "quantity": "11"}, b"Only 10 each of BOLT left to pick"),
        ({"bin": "R-01", "item": "BOLT", "quantity": "abc"}, b"Enter a number"),
    ],
)
def test_junk_on_the_pick_scanner_is_refused_and_picks_nothing(client, sites, data, message):
    transfer = sites.released(lines=((None, 10, ""),))
    client.force_login(sites.operator)
    response = client.post(reverse("warehouse:transfer_pick", args=[transfer.pk]), data)
    assert response.status_code == 422
    assert message in response.content
    with tenant_context(sites.tenant):
        assert all(p.picked == 0 for p in selectors.picks(tenant=sites.tenant, transfer=transfer))


@pytest.mark.parametrize(
    "data,message",
    [
        ({"item": "BOLT", "quantity": "1", "bin": "R-01"}, b"is not a dock or receiving bin"),
        ({"item": "BOLT", "quantity": "1", "bin": "R-02"}, b"No active bin"),
        ({"item": "MILK", "quantity": "1", "bin": "DOCK-1", "lot": "L1"}, b"did not ship MILK"),
        ({"item": "MILK", "quantity": "1", "bin": "DOCK-1"}, b"lot-tracked"),
        ({"item": "BOLT", "quantity": "0", "bin": "DOCK-1"}, b"greater than or equal to"),
    ],
)
def test_junk_on_the_receive_scanner_is_refused_and_posts_nothing(client, sites, data, message):
    transfer = sites.shipped()
    client.force_login(sites.operator)
    response = client.post(
        reverse("warehouse:transfer_receive", args=[transfer.pk]), {"key": "k", **data}
    )
    assert response.status_code == 422
    assert message in response.content
    assert on_hand(sites.tenant, sites.item, sites.dock) == 0
    assert_ledger_clean(sites.tenant)


def test_the_pick_step_asks_for_the_next_scan_as_outbound_picking_does(client, sites):
    """The bin alone (a scanner's Enter) is right so far: the page asks for the item, with the
    cursor there, and picks nothing; the same facts and form as the outbound pick step."""
    transfer = sites.released(lines=((None, 10, ""),))
    client.force_login(sites.operator)
    pick = reverse("warehouse:transfer_pick", args=[transfer.pk])
    response = client.post(pick, {"bin": "R-01", "item": "", "quantity": "10"})
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        '<p class="message info scan-prompt" role="status">R-01 is the right bin: scan the item.'
        in page
    )
    item_input = re.search(r'<input[^>]*name="item"[^>]*>', page).group(0)
    assert "autofocus" in item_input
    assert 'class="pick-bin"' in page and 'id="transfer-pick-form"' in page
    with tenant_context(sites.tenant):
        assert all(p.picked == 0 for p in selectors.picks(tenant=sites.tenant, transfer=transfer))
