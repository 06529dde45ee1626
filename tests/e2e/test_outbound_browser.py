"""In Chromium: a supervisor enters an order with its ATP check, allocates and releases it,
then waves and releases it; an operator at phone width, driving the scanner pages as a
handheld scanner does (characters, then Enter; Tab on the keypad, never a tap on a field),
starts the batch from the list (opening it claims nothing), picks the lot-tracked coffee with
one GS1 DataMatrix scan (one short pick, after a wrong bin), the cups by an EAN-13 read with
its ]E0 symbology identifier, packs two cartons with labels and ships; the order keeps a
backorder for the missing unit, the ledger verifies clean, and the label, packing slip, bill
of lading and pick list read right."""

from __future__ import annotations

import re

import biip
import pytest
from playwright.sync_api import Page, expect

from erp.tenancy import tenant_context
from inventory import ledger
from orders.models import SalesOrder, SalesOrderLine
from tests.e2e.keys import menu, scan, sign_in, tab_to
from tests.e2e.screen import assert_fits
from tests.factories import TenantFactory
from tests.warehouse import pdfs
from tests.warehouse.outbound import PREFIX, Floor
from warehouse.models import Carton, PickBatch, Shipment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}


def test_wave_pick_short_pack_and_ship_in_the_browser(page: Page, live_server, browser):
    tenant = TenantFactory(slug="outbound-e2e", name="Outbound E2E")
    floor = Floor(tenant, stock=6)  # six coffee in P-01, nowhere else
    base = live_server.url

    # Supervisor: enter the order (ATP checked per line), allocate and release it.
    supervisor = browser.new_page(viewport={"width": 1280, "height": 900})
    # Its timers on a clock the test moves: the wave's progress refreshes when told to.
    supervisor.clock.install()
    sign_in(supervisor, base, floor.supervisor.email)
    supervisor.goto(f"{base}/sales/orders/new/")
    supervisor.get_by_label("Customer", exact=False).first.fill(floor.customer.code)
    supervisor.get_by_label("Ships from").select_option(str(floor.site.pk))
    supervisor.get_by_role("button", name="Create order").click()
    expect(supervisor.locator(".messages")).to_contain_text("add its lines")
    for sku, quantity in ((floor.coffee.sku, "6"), (floor.cups.sku, "4")):
        supervisor.get_by_label("Item").fill(sku)
        supervisor.get_by_label("Quantity").fill(quantity)
        expect(supervisor.locator("#atp-check")).to_contain_text("covers the line")
        supervisor.get_by_label("Price per unit").fill("9.50")
        supervisor.get_by_role("button", name="Add line").click()
        expect(supervisor.locator(".messages")).to_contain_text(f"of {sku} promised for")
    supervisor.get_by_role("button", name="Confirm order").click()
    supervisor.get_by_role("button", name="Allocate now").click()
    supervisor.get_by_role("button", name="Release to warehouse").click()
    expect(supervisor.locator(".messages")).to_contain_text("released")
    with tenant_context(tenant):
        order = SalesOrder.objects.get(customer=floor.customer)
    assert order.status == "released"

    # Then preview the wave, create and release it.
    menu(supervisor, "Waves")
    supervisor.get_by_role("link", name="Build a wave").click()
    supervisor.locator("main").get_by_label("Site").select_option(str(floor.site.pk))
    # Choosing a filter refreshes the preview (htmx); carriers are those in use.
    supervisor.get_by_label("Carrier").select_option("UPS")
    expect(supervisor.locator(".preview-count")).to_contain_text("1 order matches")
    expect(supervisor.locator("#wave-preview")).to_contain_text(order.number)
    supervisor.get_by_label("Orders per batch").fill("4")
    supervisor.get_by_role("button", name="Create wave").click()
    expect(supervisor.locator(".messages")).to_contain_text("planned with 1 order")
    supervisor.get_by_role("button", name="Release wave").click()
    expect(supervisor.locator(".messages")).to_contain_text("released: 1 batch, 2 pick tasks.")
    expect(supervisor.locator(".wave-status")).to_have_text("Released")
    expect(supervisor.locator(".batch-row")).to_contain_text("not started")

    # Operator at phone width: the list of batches claims nothing; Enter starts the first.
    page.set_viewport_size(PHONE)
    sign_in(page, base, floor.operator.email)
    menu(page, "Pick")
    with tenant_context(tenant):
        batch = PickBatch.objects.select_related("wave").get(wave__wave_orders__order=order)
    batch_name = str(batch)
    assert batch.picker_id is None
    start = page.get_by_role("button", name=f"Start {batch_name}")
    expect(start).to_be_focused()
    assert_fits(page)
    page.keyboard.press("Enter")
    expect(page.locator(".pick-bin")).to_have_text("P-01")
    expect(page.locator(".pick-quantity")).to_contain_text("6")
    assert_fits(page)
    with tenant_context(tenant):
        batch.refresh_from_db()
    assert batch.picker_id == floor.operator.pk

    # Coffee (lot-tracked): the bin's Enter moves on to the item, not a submit; one GS1
    # DataMatrix scan (]d2) carries item, expiry and lot; five found, typed after Tab.
    bin_field, item_field = page.get_by_label("Scan the bin"), page.get_by_label("Scan the item")
    expect(bin_field).to_be_focused()
    scan(page, "P-02")
    expect(item_field).to_be_focused()
    expect(bin_field).to_have_value("P-02")
    page.keyboard.type(f"]d201{floor.coffee_gtin}17300630" + "10L-2030-06")
    tab_to(page, "Quantity found")
    page.keyboard.press("Control+a")
    scan(page, "5")
    expect(page.locator(".form-errors")).to_have_count(0)
    expect(page.locator(".field.has-error")).to_contain_text("Wrong bin: P-02 scanned")
    # The refused bin is emptied and has the cursor; the item scan and the count stay.
    expect(bin_field).to_be_focused()
    expect(bin_field).to_have_value("")
    expect(page.get_by_label("Quantity found")).to_have_value("5")
    scan(page, "P-01")
    expect(page.locator(".message.warning")).to_contain_text("Short pick: 5 of 6 each")
    expect(page.locator(".message.warning")).to_contain_text("1 backordered")

    # Cups: bin, then the EAN-13 as a scanner set to send AIM identifiers reads it.
    expect(page.locator(".pick-bin")).to_have_text("P-02")
    expect(bin_field).to_be_focused()
    scan(page, "P-02")
    expect(item_field).to_be_focused()
    scan(page, "]E0" + floor.cups_gtin[1:])
    expect(page.locator("main")).to_contain_text("You hold no batch")
    # The supervisor's progress refreshes by itself (htmx every 10 s).
    supervisor.clock.fast_forward(11_000)
    expect(supervisor.locator(".batch-row")).to_contain_text(floor.operator.get_short_name())
    expect(supervisor.locator(".batch-row td").nth(5)).to_contain_text("1")

    menu(page, "Pack")
    page.get_by_role("link", name=re.compile(order.number)).click()
    expect(page.locator("h1")).to_have_text(f"Pack {order.number}")
    expect(page.get_by_label("Scan the item")).to_be_focused()
    page.keyboard.type(floor.coffee_gtin)
    tab_to(page, "Quantity")
    scan(page, "5")
    expect(page.locator(".messages")).to_contain_text(f"Packed 5 each of {floor.coffee.sku}")
    expect(page.get_by_label("Scan the item")).to_be_focused()
    tab_to(page, "Weight (kg)")
    page.keyboard.type("5.3")
    tab_to(page, "Length (cm)")
    page.keyboard.type("40")
    tab_to(page, "Width (cm)")
    page.keyboard.type("30")
    tab_to(page, "Height (cm)")
    scan(page, "20")
    expect(page.locator(".messages")).to_contain_text("Carton closed with SSCC 3" + PREFIX)
    expect(page.get_by_label("Scan the item")).to_be_focused()
    page.keyboard.type(floor.cups.sku)
    tab_to(page, "Quantity")
    expect(page.get_by_label("Into carton")).to_have_value("new")
    scan(page, "4")
    expect(page.locator(".messages")).to_contain_text(f"Packed 4 each of {floor.cups.sku}")
    tab_to(page, "Weight (kg)")
    scan(page, "0.8")
    expect(page.locator(".messages")).to_contain_text("Carton closed")
    labels = page.locator("ul.cartons a")
    expect(labels).to_have_count(2)
    label_urls = [labels.nth(i).get_attribute("href") for i in range(2)]
    assert_fits(page)
    page.get_by_role("button", name="Finish packing").click()
    expect(page.locator(".messages")).to_contain_text(f"{order.number} packed; ready to ship.")

    # Shipping station: both cartons, carrier, service, tracking; create, then confirm.
    expect(page.locator("h1")).to_have_text(f"Ship {order.number}")
    expect(page.get_by_label("Carrier")).to_have_value("UPS")
    # The carrier's tracking label is the scan the page waits for; the service is typed.
    expect(page.get_by_label("Tracking number")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("Ground")
    page.keyboard.press("Tab")
    scan(page, "1Z999AA10123456784")
    expect(page.locator(".messages")).to_contain_text("created with 2 carton(s)")
    assert_fits(page)
    page.get_by_role("button", name="Confirm shipment").click()
    expect(page.locator(".messages")).to_contain_text(f"of {order.number} to Corner Cafe")
    expect(page.locator(".shipment-status")).to_contain_text("Shipped")
    slip_url = page.get_by_role("link", name="Packing slip (PDF)").get_attribute("href")
    bol_url = page.get_by_role("link", name="Bill of lading (PDF)").get_attribute("href")

    with tenant_context(tenant):
        coffee = SalesOrderLine.objects.get(order=order, item=floor.coffee)
        cartons = list(Carton.objects.filter(order=order).order_by("pk"))
        shipment = Shipment.objects.get(order=order)
        assert ledger.verify(tenant.pk) == []
    assert coffee.shipped_base == 5 and coffee.unallocated_base == 1
    assert coffee.backordered_since is not None
    assert shipment.status == "shipped" and shipment.tracking_number == "1Z999AA10123456784"

    def fetch(url: str) -> bytes:
        response = page.request.get(f"{base}{url}")
        assert response.ok and response.headers["content-type"] == "application/pdf"
        return response.body()

    for carton, url in zip(cartons, label_urls, strict=True):
        label = fetch(url)
        sscc = pdfs.barcodes(label)[-1]
        assert biip.parse(sscc).sscc.value == carton.sscc
        assert "(00) 3 " + PREFIX in pdfs.text(label)
    assert "COUNT (37) 5 each" in pdfs.text(fetch(label_urls[0]))
    slip = pdfs.text(fetch(slip_url))
    assert f"1 {floor.coffee.sku} Coffee beans 1 kg 6 5 0 1" in slip  # one backordered
    bill = pdfs.text(fetch(bol_url))
    assert "Total: 2 cartons" in bill and "6.1" in bill and "1Z999AA10123456784" in bill
    picks = pdfs.text(fetch(f"/warehouse/batches/{batch.pk}/pick-list/"))
    assert f"Pick list {batch_name}" in picks and "Short 5" in picks and "Picked 4" in picks
