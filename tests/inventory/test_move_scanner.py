"""The operator's move page: scan bins and item, move, and a rescan posts once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import StockTransaction
from tests.factories import ItemFactory, ItemUnitFactory, LotFactory, bin_in, member
from tests.inventory.stock import assert_ledger_clean, on_hand, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client, tenant_a):
    client.force_login(member(tenant_a, Role.OPERATOR))
    return client


def _form(client):
    page = client.get(reverse("inventory:scan_move"))
    assert page.status_code == 200
    return page.context["form"].initial["key"]


def test_operator_moves_stock_by_scanning(operator_client, tenant_a):
    item = ItemFactory(tenant=tenant_a)
    ItemUnitFactory(item=item, code="case", factor=12, gtin="09501101530003")
    source = bin_in(tenant_a, code="R-01")
    destination = bin_in(tenant_a, site=source.site, code="P-01")
    receive(tenant_a, item, source, 30)
    key = _form(operator_client)
    data = {
        "source": "r-01",
        "item": "]C10109501101530003",
        "quantity": "2",
        "destination": "P-01",
        "key": key,
    }
    response = operator_client.post(reverse("inventory:scan_move"), data, follow=True)
    assert b"Moved 2 case of" in response.content
    operator_client.post(reverse("inventory:scan_move"), data)  # the same form sent again
    assert on_hand(tenant_a, item, source) == 6 and on_hand(tenant_a, item, destination) == 24
    with tenant_context(tenant_a):
        assert StockTransaction.objects.filter(kind="move").count() == 1
    assert_ledger_clean(tenant_a)


def test_lot_from_a_gs1_scan_is_used(operator_client, tenant_a):
    lot = LotFactory(item__tenant=tenant_a, code="L42")
    ItemUnitFactory(item=lot.item, code="each", factor=1, gtin="09501101530010")
    source = bin_in(tenant_a)
    destination = bin_in(tenant_a, site=source.site)
    receive(tenant_a, lot.item, source, 5, lot=lot)
    data = {
        "source": source.code,
        "item": "(01)09501101530010(10)L42",
        "quantity": "5",
        "destination": destination.code,
        "key": _form(operator_client),
    }
    assert operator_client.post(reverse("inventory:scan_move"), data).status_code == 302
    assert on_hand(tenant_a, lot.item, destination, lot=lot) == 5


@pytest.mark.parametrize(
    "change,message",
    [
        ({"source": "X-99"}, b"No active bin"),
        ({"item": "0000"}, b"No item with SKU or GTIN"),
        ({"quantity": "500"}, b"Only 30 of"),
        ({"quantity": "1.5"}, b"cannot be split"),
        ({"quantity": "-1"}, b"greater than or equal to 0.0001"),
    ],
)
def test_bad_scans_are_refused_with_a_message(operator_client, tenant_a, change, message):
    item = ItemFactory(tenant=tenant_a, sku="WIDGET")
    source = bin_in(tenant_a, code="R-01")
    bin_in(tenant_a, site=source.site, code="P-01")
    receive(tenant_a, item, source, 30)
    data = {
        "source": "R-01",
        "item": "WIDGET",
        "quantity": "1",
        "destination": "P-01",
        "key": _form(operator_client),
        **change,
    }
    response = operator_client.post(reverse("inventory:scan_move"), data)
    assert response.status_code == 422 and message in response.content
    assert on_hand(tenant_a, item, source) == 30


def test_moves_across_sites_are_refused(operator_client, tenant_a):
    item = ItemFactory(tenant=tenant_a, sku="W2")
    source = bin_in(tenant_a, code="S1-BIN")
    other_site = bin_in(tenant_a, code="S2-BIN")
    receive(tenant_a, item, source, 3)
    data = {
        "source": "S1-BIN",
        "item": "W2",
        "quantity": "1",
        "destination": "S2-BIN",
        "key": _form(operator_client),
    }
    response = operator_client.post(reverse("inventory:scan_move"), data)
    assert response.status_code == 422 and b"No active bin" in response.content
    assert other_site.site_id != source.site_id
