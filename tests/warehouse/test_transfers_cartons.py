"""A picked transfer is packed into cartons as an outbound order is (scan the item, its lot or
serial, the quantity, the carton); shipping gives every carton the next SSCC of the outbound
numbering and the label PDF has one GS1 label per carton, drawn by the outbound label code.
What is picked must be packed before it ships (nothing packed: one carton)."""

from __future__ import annotations

import io
from decimal import Decimal

import pypdf
import pytest
from django.urls import reverse

from erp.tenancy import tenant_context
from inventory.models import StockTransaction
from tests.inventory.stock import assert_ledger_clean
from tests.warehouse.pdfs import barcodes, text
from tests.warehouse.transfer_sites import Sites
from warehouse.models import ShippingSettings, TransferCarton, TransferOrder, TransferStatus
from warehouse.transfers import cartons
from warehouse.transfers import services as transfers
from warehouse.transfers.services import TransferError

pytestmark = pytest.mark.django_db

# Extension 3, prefix 0614141, serials 123456789 and 123456790. Check digits: the odd places
# from the left count three times. 30614141123456789: 3+6+4+4+1+3+5+7+9 = 42 -> 126, plus
# 0+1+1+1+2+4+6+8 = 23: 149, check 1. 30614141123456790: odd 3+6+4+4+1+3+5+7+0 = 33 -> 99,
# even 0+1+1+1+2+4+6+9 = 24: 123, check 7.
FIRST, SECOND = "306141411234567891", "306141411234567907"


@pytest.fixture
def sites(tenant_a):
    sites = Sites(tenant_a)
    with tenant_context(tenant_a):
        ShippingSettings.objects.update_or_create(
            tenant=tenant_a,
            defaults={
                "gs1_company_prefix": "0614141",
                "extension_digit": 3,
                "next_serial": 123456789,
            },
        )
    return sites


def _pack(sites, transfer, code, quantity=None, *, carton=None, lot="", serial=""):
    with tenant_context(sites.tenant):
        return cartons.pack_scanned(
            tenant=sites.tenant, user=sites.operator, transfer=transfer, code=code,
            quantity=None if quantity is None else Decimal(quantity), carton=carton,
            lot_code=lot, serial_code=serial,
        )  # fmt: skip


def _ship(sites, transfer):
    with tenant_context(sites.tenant):
        return transfers.ship(tenant=sites.tenant, user=sites.operator, transfer=transfer)


def _cartons(sites, transfer):
    with tenant_context(sites.tenant):
        return [
            (
                c.number,
                c.sscc,
                sorted((str(line.pick.line.item.sku), line.quantity) for line in c.lines.all()),
            )
            for c in TransferCarton.objects.filter(transfer=transfer).order_by("number")
        ]


def test_two_cartons_ship_with_two_sscc_and_two_labels(client, sites):
    transfer = sites.picked(lines=((None, 12, ""), (sites.lotted, 3, "")))
    first, _item, base = _pack(sites, transfer, "BOLT", "12")
    assert base == Decimal(12)
    second, _item, _base = _pack(sites, transfer, "MILK", "3", lot="L1")
    assert (first.number, second.number) == (1, 2)
    _ship(sites, transfer)
    assert _cartons(sites, transfer) == [
        (1, FIRST, [("BOLT", Decimal(2)), ("BOLT", Decimal(10))]),
        (2, SECOND, [("MILK", Decimal(3))]),
    ]
    client.force_login(sites.operator)
    response = client.get(reverse("warehouse:transfer_label", args=[transfer.pk]))
    assert response["Content-Type"] == "application/pdf"

    assert len(pypdf.PdfReader(io.BytesIO(response.content)).pages) == 2
    content = text(response.content)
    assert "CARTON 1 OF 2" in content and "CARTON 2 OF 2" in content
    assert f"TRANSFER {transfer.number}" in content and "BATCH/LOT (10) L1" in content
    assert f"]C100{FIRST}" in barcodes(response.content, page=0)
    assert f"]C100{SECOND}" in barcodes(response.content, page=1)
    assert_ledger_clean(sites.tenant)


def test_more_goes_into_the_carton_chosen(sites):
    transfer = sites.picked()
    carton, _item, _base = _pack(sites, transfer, "BOLT", "5")
    _pack(sites, transfer, "BOLT", "7", carton=carton)
    _ship(sites, transfer)
    assert _cartons(sites, transfer) == [
        (1, FIRST, [("BOLT", Decimal(2)), ("BOLT", Decimal(5)), ("BOLT", Decimal(5))])
    ]


def test_what_is_picked_and_not_packed_holds_the_ship_and_posts_nothing(sites):
    transfer = sites.picked()
    _pack(sites, transfer, "BOLT", "5")
    with pytest.raises(TransferError, match="of BOLT picked for TR-00001 are in no carton"):
        _ship(sites, transfer)
    with tenant_context(sites.tenant):
        assert not StockTransaction.objects.filter(reference="TR-00001 out").exists()
        assert TransferOrder.objects.get(pk=transfer.pk).status == TransferStatus.PICKED
        assert ShippingSettings.objects.get(tenant=sites.tenant).next_serial == 123456789


@pytest.mark.parametrize(
    "code,quantity,lot,message",
    [
        ("BOLT", "13", "", "Only 12 each of BOLT are picked and not yet packed for TR-00001."),
        ("NOPE", "1", "", "No item with SKU"),
        ("MILK", "1", "L9", "MILK lot L9 is not picked (or already packed) for TR-00001."),
    ],
)
def test_packing_more_or_other_than_picked_is_refused(sites, code, quantity, lot, message):
    transfer = sites.picked(lines=((None, 12, ""), (sites.lotted, 3, "")))
    with pytest.raises(TransferError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _pack(sites, transfer, code, quantity, lot=lot)
    with tenant_context(sites.tenant):
        assert not TransferCarton.objects.filter(transfer=transfer).exists()


def test_a_transfer_still_being_picked_is_not_packed(sites):
    transfer = sites.released()
    with pytest.raises(TransferError, match="released: only a picked transfer is packed"):
        _pack(sites, transfer, "BOLT", "1")


def test_the_pack_page_packs_and_ships(client, sites):
    transfer = sites.picked()
    client.force_login(sites.operator)
    pack = reverse("warehouse:transfer_pack", args=[transfer.pk])
    page = client.get(pack)
    assert page.status_code == 200 and b'id="transfer-pack-form"' in page.content
    refused = client.post(pack, {"item": "BOLT", "quantity": "20", "carton": "new"})
    assert refused.status_code == 422
    assert b"Only 12 each of BOLT are picked and not yet packed" in refused.content
    response = client.post(pack, {"item": "BOLT", "quantity": "12", "carton": "new"}, follow=True)
    assert b"Packed 12 each of BOLT into carton 1." in response.content
    shipped = client.post(
        reverse("warehouse:transfer_ship", args=[transfer.pk]), {"back": "pack"}, follow=True
    )
    assert shipped.redirect_chain[-1][0] == pack
    assert FIRST.encode() in shipped.content
    assert_ledger_clean(sites.tenant)


def test_another_tenants_pack_page_is_not_found(client, tenant_a, tenant_b):
    theirs = Sites(tenant_b).picked()
    client.force_login(Sites(tenant_a).operator)
    response = client.get(reverse("warehouse:transfer_pack", args=[theirs.pk]))
    assert response.status_code == 404


def test_a_transfer_labelled_before_cartons_keeps_its_one_label(client, sites):
    """Shipped with the transfer's own SSCC and no carton rows: the label is still drawn."""
    transfer = sites.shipped()
    with tenant_context(sites.tenant):
        TransferCarton.objects.filter(transfer=transfer).delete()
        TransferOrder.objects.filter(pk=transfer.pk).update(sscc=FIRST)
    client.force_login(sites.operator)
    response = client.get(reverse("warehouse:transfer_label", args=[transfer.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "CARTON 1 OF 1" in text(response.content)
    assert f"]C100{FIRST}" in barcodes(response.content)


def test_unpacking_a_carton_before_the_ship_lets_its_goods_be_packed_again(client, sites):
    transfer = sites.picked()
    carton, _item, _base = _pack(sites, transfer, "BOLT", "12")
    client.force_login(sites.operator)
    response = client.post(
        reverse("warehouse:transfer_carton_unpack", args=[transfer.pk, carton.pk]), follow=True
    )
    assert b"Carton 1 unpacked; pack its goods again." in response.content
    assert _cartons(sites, transfer) == []
    _pack(sites, transfer, "BOLT", "12")
    _ship(sites, transfer)
    with tenant_context(sites.tenant), pytest.raises(TransferError, match="can no longer be"):
        cartons.unpack(
            tenant=sites.tenant, user=sites.operator,
            carton=TransferCarton.objects.get(transfer=transfer),
        )  # fmt: skip
    assert [number for number, _sscc, _lines in _cartons(sites, transfer)] == [1]


def test_another_tenants_carton_cannot_be_unpacked(client, tenant_a, tenant_b):
    theirs = Sites(tenant_b)
    transfer = theirs.picked()
    carton, _item, _base = _pack(theirs, transfer, "BOLT", "1")
    client.force_login(Sites(tenant_a, tag="A").operator)
    response = client.post(
        reverse("warehouse:transfer_carton_unpack", args=[transfer.pk, carton.pk])
    )
    assert response.status_code == 404
    assert len(_cartons(theirs, transfer)) == 1
