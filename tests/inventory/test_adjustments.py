"""Adjustments: small ones post at once, large ones need another supervisor; reason codes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Adjustment, InventorySettings, StockEntry
from tests.factories import ItemFactory, ItemUnitFactory, LotFactory, bin_in, member
from tests.inventory.stock import assert_ledger_clean, on_hand, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tenant_a):
    item = ItemFactory(tenant=tenant_a, standard_cost=Decimal("10.00"))
    bin = bin_in(tenant_a, code="A-01-01")
    with tenant_context(tenant_a):
        InventorySettings.objects.create(
            tenant=tenant_a, adjustment_approval_threshold=Decimal("100")
        )
    return item, bin


def _request(client, item, bin, quantity, reason="found", **extra):
    return client.post(
        reverse("inventory:adjustment_create"),
        {
            "bin": bin.code,
            "item": item.sku,
            "quantity": quantity,
            "status": "available",
            "reason_code": reason,
            **extra,
        },
    )


def test_small_adjustment_posts_at_once_to_the_adjustment_location(client, tenant_a, setup):
    item, bin = setup
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    response = _request(client, item, bin, "5")  # 5 x 10.00 = 50 <= 100
    assert response.status_code == 302
    assert on_hand(tenant_a, item, bin) == 5
    with tenant_context(tenant_a):
        adjustment = Adjustment.objects.get()
        assert adjustment.state == "posted" and adjustment.transaction is not None
        entries = StockEntry.objects.filter(transaction=adjustment.transaction)
        assert {e.location.kind for e in entries} == {"bin", "adjustment"}
    assert_ledger_clean(tenant_a)


def test_large_adjustment_waits_and_the_requester_cannot_approve_it(client, tenant_a, setup):
    item, bin = setup
    requester = member(tenant_a, Role.SUPERVISOR)
    client.force_login(requester)
    _request(client, item, bin, "20")  # 200 > 100
    with tenant_context(tenant_a):
        adjustment = Adjustment.objects.get()
    assert adjustment.state == "pending" and on_hand(tenant_a, item, bin) == 0
    own = client.post(
        reverse("inventory:adjustment_decide", args=[adjustment.pk]), {"decision": "approve"}
    )
    assert own.status_code == 422 and b"another supervisor must approve it" in own.content
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    approved = client.post(
        reverse("inventory:adjustment_decide", args=[adjustment.pk]), {"decision": "approve"}
    )
    assert approved.status_code == 302
    assert on_hand(tenant_a, item, bin) == 20
    again = client.post(
        reverse("inventory:adjustment_decide", args=[adjustment.pk]), {"decision": "approve"}
    )
    assert again.status_code == 422 and b"cannot go from posted to approved" in again.content
    assert on_hand(tenant_a, item, bin) == 20
    assert_ledger_clean(tenant_a)


def test_rejected_adjustment_posts_nothing(client, tenant_a, setup):
    item, bin = setup
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    _request(client, item, bin, "50")
    with tenant_context(tenant_a):
        adjustment = Adjustment.objects.get()
    client.force_login(member(tenant_a, Role.ADMIN))
    client.post(
        reverse("inventory:adjustment_decide", args=[adjustment.pk]),
        {"decision": "reject", "note": "recount first"},
    )
    with tenant_context(tenant_a):
        adjustment.refresh_from_db()
    assert adjustment.state == "rejected" and "recount first" in adjustment.note
    assert on_hand(tenant_a, item, bin) == 0


def test_removing_more_than_on_hand_is_refused_with_a_message(client, tenant_a, setup):
    item, bin = setup
    receive(tenant_a, item, bin, 2)
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    response = _request(client, item, bin, "-3", reason="lost")
    assert response.status_code == 422
    assert f"Only 2 of {item.sku} in A-01-01; 3 requested.".encode() in response.content
    with tenant_context(tenant_a):
        assert not Adjustment.objects.exists()


@pytest.mark.parametrize(
    "data,message",
    [
        ({"bin": "NOPE"}, b"No active bin"),
        ({"item": "NO-SUCH"}, b"No item with SKU or GTIN"),
        ({"quantity": "0"}, b"other than zero"),
        ({"quantity": "abc"}, b"Enter a number"),
        ({"reason_code": "other", "note": ""}, b"Say what happened"),
    ],
)
def test_bad_adjustment_input_gets_a_clear_error(client, tenant_a, setup, data, message):
    item, bin = setup
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    base = {
        "bin": bin.code,
        "item": item.sku,
        "quantity": "1",
        "status": "available",
        "reason_code": "found",
    }
    response = client.post(reverse("inventory:adjustment_create"), {**base, **data})
    assert response.status_code == 422 and message in response.content


def test_found_stock_of_a_new_lot_creates_the_lot(client, tenant_a):
    lot = LotFactory(item__tenant=tenant_a)
    bin = bin_in(tenant_a)
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    response = _request(client, lot.item, bin, "3", lot="NEW-LOT", expiry="2031-01-31")
    assert response.status_code == 302
    with tenant_context(tenant_a):
        adjustment = Adjustment.objects.select_related("lot").get()
    assert adjustment.lot.code == "NEW-LOT" and str(adjustment.lot.expiry_date) == "2031-01-31"


def test_case_gtin_scanned_counts_in_cases(client, tenant_a, setup):
    item, bin = setup
    ItemUnitFactory(item=item, code="case", factor=6, gtin="04012345678901")
    client.force_login(member(tenant_a, Role.ADMIN))
    client.post(
        reverse("inventory:adjustment_create"),
        {
            "bin": bin.code,
            "item": "(01)04012345678901",
            "quantity": "1",
            "status": "available",
            "reason_code": "found",
        },
    )
    assert on_hand(tenant_a, item, bin) == 6


def test_threshold_is_an_admin_setting(client, tenant_a, setup):
    client.force_login(member(tenant_a, Role.ADMIN))
    response = client.post(
        reverse("inventory:inventory_settings"),
        {"adjustment_approval_threshold": "250", "carrying_cost_rate": "18.5"},
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        saved = InventorySettings.objects.get(tenant=tenant_a)
    assert (saved.adjustment_approval_threshold, saved.carrying_cost_rate) == (250, Decimal("18.5"))
    for bad in ({"adjustment_approval_threshold": "-1", "carrying_cost_rate": "25"},
                {"adjustment_approval_threshold": "1", "carrying_cost_rate": "101"}):  # fmt: skip
        assert client.post(reverse("inventory:inventory_settings"), bad).status_code == 422
