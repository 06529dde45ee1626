"""Outbound PDFs read back: the GS1-128 carton label (its barcodes decoded from the bars
drawn, the SSCC checked by biip), the packing slip, the bill of lading and the pick list."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import biip
import pytest
from django.urls import reverse

from erp.tenancy import tenant_context
from orders.models import ShipTo
from tests.warehouse import pdfs
from tests.warehouse.outbound import PREFIX, Floor
from warehouse import documents
from warehouse.models import PickTask
from warehouse.packing import documents as packing_documents
from warehouse.packing import services as packing
from warehouse.shipping import services as shipping

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor(tenant_a):
    floor = Floor(tenant_a)
    with tenant_context(tenant_a):
        ShipTo.objects.create(
            tenant=tenant_a, customer=floor.customer, name="Corner Cafe Downtown",
            address_line1="77 Market St", city="Portland", region="OR", postal_code="97204",
            is_default=True,
        )  # fmt: skip
    return floor


def _get_pdf(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def _elements(data: str) -> dict[str, str]:
    message = biip.parse(data).gs1_message
    return {element.ai.ai: element.value for element in message.element_strings}


def test_carton_label_carries_a_valid_sscc_barcode_contents_and_addresses(client, floor):
    order = floor.packed_order()
    coffee_carton = order.cartons[0]
    client.force_login(floor.operator)
    pdf = _get_pdf(client, reverse("warehouse:carton_label", args=[coffee_carton.pk]))
    text = pdfs.text(pdf)
    serial = coffee_carton.sscc[len(PREFIX) + 1 : 17]
    assert f"(00) 3 {PREFIX} {serial} {coffee_carton.sscc[-1]}" in text
    assert "Alpha Shipping" in text and "1 Dock Road" in text and "Springfield, IL 12345" in text
    assert "Corner Cafe" in text and "77 Market St" in text and "Portland, OR 97204" in text
    assert f"ORDER {order.number}" in text and "CARTON 1 OF 2" in text and "CARRIER UPS" in text
    assert f"CONTENT (02) {floor.coffee_gtin}" in text and "COUNT (37) 6 each" in text
    assert "BATCH/LOT (10) L-2030-06" in text and "EXPIRY (17) 300630" in text
    contents, sscc = pdfs.barcodes(pdf)
    # The SSCC symbol: GS1-128 (FNC1 first) with AI 00 and nothing else, check digit valid.
    assert sscc == f"]C100{coffee_carton.sscc}"
    parsed = biip.parse(sscc)
    assert parsed.sscc is not None and parsed.sscc.value == coffee_carton.sscc
    assert parsed.sscc.extension_digit == 3
    # The contents symbol: the lot is last, so no separator follows it.
    assert _elements(contents) == {
        "02": floor.coffee_gtin, "17": "300630", "37": "6", "10": "L-2030-06",
    }  # fmt: skip


def test_a_mixed_carton_lists_its_lines_without_a_contents_barcode(client, floor):
    order = floor.picked_order()
    with tenant_context(floor.tenant):
        carton = packing.pack(tenant=floor.tenant, user=floor.operator, order=order, item=floor.coffee, quantity=Decimal(6), lot=floor.lot)  # fmt: skip
        packing.pack(tenant=floor.tenant, user=floor.operator, order=order, item=floor.cups, quantity=Decimal(4), carton=carton)  # fmt: skip
        carton = packing.close_carton(tenant=floor.tenant, user=floor.operator, carton=carton, weight_kg=Decimal(7))  # fmt: skip
    client.force_login(floor.supervisor)
    pdf = _get_pdf(client, reverse("warehouse:carton_label", args=[carton.pk]))
    text = pdfs.text(pdf)
    assert "MIXED CONTENTS: 2 LINES" in text and "CARTON 1 OF 1" in text
    assert f"6 each {floor.coffee.sku} lot L-2030-06" in text and f"4 each {floor.cups.sku}" in text
    assert "(02)" not in text
    (only,) = pdfs.barcodes(pdf)
    assert biip.parse(only).sscc.value == carton.sscc


def test_open_cartons_have_no_label(client, floor):
    order = floor.packed_order(close=False)
    client.force_login(floor.operator)
    assert (
        client.get(reverse("warehouse:carton_label", args=[order.cartons[0].pk])).status_code == 404
    )


def test_packing_slip_lists_cartons_contents_and_backorders(client, tenant_a):
    floor = Floor(tenant_a, stock=6)
    order = floor.picked_order(short={0: 5})  # one coffee missing and nowhere else: backordered
    with tenant_context(tenant_a):
        carton = packing.pack(tenant=tenant_a, user=floor.operator, order=order, item=floor.coffee, quantity=Decimal(5), lot=floor.lot)  # fmt: skip
        carton = packing.close_carton(tenant=tenant_a, user=floor.operator, carton=carton, weight_kg=Decimal("5.5"))  # fmt: skip
        cups = packing.pack(tenant=tenant_a, user=floor.operator, order=order, item=floor.cups, quantity=Decimal(4))  # fmt: skip
        cups = packing.close_carton(tenant=tenant_a, user=floor.operator, carton=cups, weight_kg=Decimal("0.8"))  # fmt: skip
        shipment = shipping.create_shipment(tenant=tenant_a, user=floor.operator, order=order, cartons=[carton, cups], service="Ground", tracking_number="1Z42")  # fmt: skip
        shipping.confirm_shipment(tenant=tenant_a, user=floor.operator, shipment=shipment)
    client.force_login(floor.operator)
    text = pdfs.text(_get_pdf(client, reverse("warehouse:packing_slip", args=[shipment.pk])))
    assert f"Packing slip {shipment.number}" in text and order.number in text
    assert (
        "Corner Cafe" in text
        and "Alpha Shipping" in text
        and "UPS Ground" in text
        and "1Z42" in text
    )
    assert documents.sscc_text(carton.sscc, PREFIX) in text
    assert documents.sscc_text(cups.sscc, PREFIX) in text
    assert "lot L-2030-06 · exp 2030-06-30" in text and "5 each" in text
    # Per line: ordered, this shipment, shipped before, backordered.
    assert f"1 {floor.coffee.sku} Coffee beans 1 kg 6 5 0 1" in text
    assert f"2 {floor.cups.sku} Paper cups, 50 4 4 0 0" in text


def test_bill_of_lading_has_parties_carrier_cartons_and_totals(client, floor):
    shipment = floor.shipment()
    client.force_login(floor.operator)
    text = pdfs.text(_get_pdf(client, reverse("warehouse:bill_of_lading", args=[shipment.pk])))
    assert f"Bill of lading {shipment.number}" in text
    assert "Shipper" in text and "Alpha Shipping" in text and "1 Dock Road" in text
    assert "Consignee" in text and "Corner Cafe" in text and "77 Market St" in text
    assert "Carrier UPS" in text and "Service Ground" in text
    assert "Tracking number 1Z999AA10123456784" in text and "not yet shipped" in text
    with tenant_context(floor.tenant):
        cartons = list(shipment.cartons.order_by("pk"))
    for carton in cartons:
        assert documents.sscc_text(carton.sscc, PREFIX) in text
    assert "40 x 30 x 20" in text and "6.4" in text and "0.8" in text
    assert "Total: 2 cartons" in text and "7.2" in text
    assert "Shipper signature" in text and "Carrier signature" in text


def test_pick_list_shows_the_batch_in_walk_order(client, floor):
    wave = floor.released_wave()
    coffee, _ = floor.tasks(wave)
    client.force_login(floor.operator)
    client.post(reverse("warehouse:pick_start", args=[coffee.batch_id]))  # now the operator's
    client.force_login(floor.supervisor)
    text = pdfs.text(_get_pdf(client, reverse("warehouse:pick_list", args=[coffee.batch_id])))
    assert f"Pick list {wave.number}-1" in text and f"Wave {wave.number}" in text
    assert f"Picker {floor.operator.get_full_name()}" in text and "Take picks to PACK-01" in text
    assert f"Totes: 1 = {coffee.order.number} (Corner Cafe)" in text
    first = text.index(f"1 P-01 {floor.coffee.sku}")
    second = text.index(f"2 P-02 {floor.cups.sku}")
    assert first < second
    assert "lot L-2030-06 · exp 2030-06-30 6 each 1" in text and "4 each 1" in text


def test_sscc_text_groups_the_digits_by_the_company_prefix():
    assert documents.sscc_text("306141411234567890", "0614141") == "(00) 3 0614141 123456789 0"
    assert documents.sscc_text("306141411234567890", "1234567") == "(00) 306141411234567890"


def test_gs1_128_separates_only_variable_fields_that_are_not_last():
    barcode = documents.gs1_128(
        [("02", "09501101530003"), ("37", "12"), ("10", "LOT"), ("17", "301231")],
        bar_height=10, max_width=1000,
    )  # fmt: skip
    assert barcode.value == "\xf10209501101530003" + "3712\xf1" + "10LOT\xf1" + "17301231"


def test_contents_need_a_gtin_and_a_whole_count():
    item = SimpleNamespace(pk=1, sku="X", description="x", base_unit="kg")
    line = SimpleNamespace(item_id=1, item=item, lot_id=None, lot=None, quantity=Decimal("2.5"))
    carton = SimpleNamespace(contents=[line])
    assert packing_documents.carton_contents(carton, {1: "9501101530003"}).elements() == []
    line.quantity = Decimal(3)
    lot = SimpleNamespace(code="A1", expiry_date=datetime.date(2031, 1, 31))
    line.lot_id, line.lot = 7, lot
    assert packing_documents.carton_contents(carton, {1: "9501101530003"}).elements() == [
        ("02", "09501101530003"), ("17", "310131"), ("37", "3"), ("10", "A1"),
    ]  # fmt: skip
    assert packing_documents.carton_contents(carton, {}).elements() == []


NON_LATIN = "Łódź Grüße Ελλάδα Москва"
MARKUP = 'ACME <b>bold <font size="40">big</font> <img src="/etc/hostname"/> &amp;'
DEJAVU = {"DejaVuSans", "DejaVuSans-Bold"}


def _documents(client, floor, shipment) -> dict[str, bytes]:
    """Every outbound document of the floor's shipment, as its operator gets it."""
    with tenant_context(floor.tenant):
        carton = shipment.cartons.order_by("pk").first()
        batch_id = PickTask.objects.filter(order=shipment.order).values_list("batch", flat=True)[0]
    client.force_login(floor.supervisor)
    return {
        "label": _get_pdf(client, reverse("warehouse:carton_label", args=[carton.pk])),
        "packing slip": _get_pdf(client, reverse("warehouse:packing_slip", args=[shipment.pk])),
        "bill of lading": _get_pdf(client, reverse("warehouse:bill_of_lading", args=[shipment.pk])),
        "pick list": _get_pdf(client, reverse("warehouse:pick_list", args=[batch_id])),
    }  # fmt: skip


def test_carton_label_shows_the_customer_once_and_a_us_address_as_the_post_writes_it(client, floor):
    order = floor.packed_order()
    client.force_login(floor.operator)
    text = pdfs.text(
        _get_pdf(client, reverse("warehouse:carton_label", args=[order.cartons[0].pk]))
    )
    # The ship-to's own name ("Corner Cafe Downtown") already names the customer.
    assert text.count("Corner Cafe") == 1 and "Corner Cafe Downtown" in text
    assert "Portland, OR 97204" in text and "Springfield, IL 12345" in text
    assert "97204 Portland" not in text and " IL US" not in text
    # Both addresses are in the US: no country line.
    assert "UNITED STATES" not in text


def test_a_ship_to_named_apart_from_the_customer_prints_under_the_customers_name(client, floor):
    with tenant_context(floor.tenant):
        ship_to = floor.customer.ship_tos.get()
        ship_to.name, ship_to.country = "Receiving dock 4", "CA"
        ship_to.city, ship_to.region, ship_to.postal_code = "Toronto", "ON", "M5V 3L9"
        ship_to.save()
    order = floor.packed_order()
    client.force_login(floor.operator)
    text = pdfs.text(
        _get_pdf(client, reverse("warehouse:carton_label", args=[order.cartons[0].pk]))
    )
    assert "Corner Cafe Receiving dock 4" in text and text.count("Corner Cafe") == 1
    assert "Toronto ON M5V 3L9 CANADA" in text
    # Shipping abroad: the sender's country is printed too.
    assert "Springfield, IL 12345 UNITED STATES" in text


def test_every_outbound_document_prints_non_latin_text_in_embedded_dejavu(client, floor):
    with tenant_context(floor.tenant):
        floor.customer.name = NON_LATIN
        floor.customer.save()
        floor.coffee.description = f"Kaffee {NON_LATIN}"
        floor.coffee.save()
    documents_ = _documents(client, floor, floor.shipment())
    for name, content in documents_.items():
        assert NON_LATIN in pdfs.text(content), name
        # Nothing falls back to the unembedded Helvetica; DejaVu's glyphs are in the file.
        assert pdfs.fonts(content) <= DEJAVU, name
        assert "DejaVuSans" in pdfs.embedded(content), name


def test_names_with_markup_print_as_typed(client, floor):
    with tenant_context(floor.tenant):
        floor.customer.name = MARKUP
        floor.customer.save()
        ship_to = floor.customer.ship_tos.get()
        ship_to.name = "<br/>Dock"
        ship_to.address_line1 = '<img src="/etc/passwd"/> 77 Market St'
        ship_to.save()
    for name, content in _documents(client, floor, floor.shipment()).items():
        text = pdfs.text(content)
        assert MARKUP in text, name
        if name != "pick list":  # the pick list names customers, not addresses
            assert '<img src="/etc/passwd"/> 77 Market St' in text and "<br/>Dock" in text, name


def test_documents_print_on_the_tenants_paper_and_labels_keep_theirs(client, floor):
    shipment = floor.shipment()
    sizes = {}
    for paper in ("letter", "a4"):
        floor.tenant.paper_size = paper
        floor.tenant.save()
        sizes[paper] = {
            name: pdfs.page_sizes(content)
            for name, content in _documents(client, floor, shipment).items()
        }
    for name in ("packing slip", "bill of lading", "pick list"):
        assert sizes["letter"][name] == [(612, 792)], name
        assert sizes["a4"][name] == [(595, 842)], name
    assert sizes["letter"]["label"] == sizes["a4"]["label"] == [(288, 432)]  # 4 x 6 in


@pytest.mark.parametrize(
    "customer,address_name,printed",
    [
        ("Corner Kiosk Co.", "Corner Kiosk, Union Station", ["Corner Kiosk, Union Station"]),
        ("Peachtree Hotels", "Peachtree Hotel Chicago", ["Peachtree Hotel Chicago"]),
        ("Bayview Marina", "Bayview Marina", ["Bayview Marina"]),
        ("Acme Foods", "Receiving dock 4", ["Acme Foods", "Receiving dock 4"]),
        ("The Coffee Co", "The Loft", ["The Coffee Co", "The Loft"]),
    ],
)
def test_the_ship_to_block_names_the_customer_once(customer, address_name, printed):
    ship_to = SimpleNamespace(
        name=address_name, address_line1="1 Main St", address_line2="", city="Chicago",
        region="IL", postal_code="60601", country="US",
    )  # fmt: skip
    order = SimpleNamespace(
        customer=SimpleNamespace(name=customer), ship_to_id=1, ship_to=ship_to,
        site=SimpleNamespace(country="US"),
    )  # fmt: skip
    party = documents.ship_to_party(order)
    assert [party.name, *party.lines] == [*printed, "1 Main St", "Chicago, IL 60601"]
