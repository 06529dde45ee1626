"""In Chromium: a supervisor drafts and releases a transfer CHI -> ATL at desk width; an
operator at phone width picks it at CHI by scanning (bin, then item; the quantity is offered),
packs it into two cartons, ships it (no GS1 prefix: the label page says so), switches to ATL and receives 10 of the 12 shipped at the dock; the supervisor closes
it short, writing the 2 missing off. The stock page shows the stock where it is, and the
ledger verifies clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from erp.tenancy import tenant_context
from inventory import ledger
from tests.e2e.keys import scan, sign_in, tab_to
from tests.e2e.screen import assert_fits
from tests.factories import TenantFactory
from tests.warehouse.transfer_sites import Sites
from warehouse.models import TransferOrder

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}


def test_a_transfer_shipped_at_one_site_and_received_short_at_the_other(
    page: Page, live_server, browser
):
    tenant = TenantFactory(slug="transfer-e2e", name="Transfer E2E")
    sites = Sites(tenant)
    base = live_server.url

    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(desk, base, sites.supervisor.email)
    desk.goto(f"{base}/warehouse/transfers/new/")
    desk.get_by_label("From site").select_option(str(sites.source.pk))
    desk.get_by_label("To site").select_option(str(sites.destination.pk))
    desk.get_by_label("Expected arrival").fill("2030-01-15")
    desk.get_by_role("button", name="Create draft").click()
    expect(desk.locator("h1")).to_have_text("Transfer TR-00001")
    desk.locator("main").get_by_label("Item").select_option(str(sites.item.pk))
    desk.locator("main").get_by_label("Quantity").fill("12")
    desk.get_by_role("button", name="Add line").click()
    desk.get_by_role("button", name="Release").click()
    expect(desk.locator(".transfer-status")).to_have_text("Released")
    with tenant_context(tenant):
        transfer = TransferOrder.objects.get()

    page.set_viewport_size(PHONE)
    sign_in(page, base, sites.operator.email)
    page.goto(f"{base}/scan/transfers/")
    page.locator("#site-switch").select_option(str(sites.source.pk))
    page.get_by_role("link", name="TR-00001 to ATL").click()
    expect(page.locator("h1")).to_have_text("Pick TR-00001")
    expect(page.locator(".pick-bin")).to_have_text("R-01")
    expect(page.get_by_label("Scan the bin")).to_be_focused()
    scan(page, "R-09")
    scan(page, "BOLT")
    expect(page.locator(".field.has-error")).to_contain_text("No active bin 'R-09'")
    expect(page.get_by_label("Scan the bin")).to_be_focused()
    scan(page, "]C0R-01")
    scan(page, "BOLT")
    expect(page.locator(".messages")).to_contain_text("Picked 10 for TR-00001")
    expect(page.locator(".pick-bin")).to_have_text("R-02")
    scan(page, "R-02")
    scan(page, "BOLT")
    expect(page.locator("main")).to_contain_text("Everything is picked")
    assert_fits(page)
    # Packed as an outbound order is: 10 into carton 1, the other 2 into a new carton 2.
    page.get_by_role("link", name="Pack into cartons").click()
    expect(page.locator("h1")).to_have_text("Pack TR-00001")
    expect(page.get_by_label("Scan the item")).to_be_focused()
    page.keyboard.type("BOLT")
    tab_to(page, "Quantity")
    scan(page, "10")
    expect(page.locator(".messages")).to_contain_text("Packed 10 each of BOLT into carton 1.")
    expect(page.get_by_label("Scan the item")).to_be_focused()
    page.get_by_label("Into carton").select_option("new")
    page.get_by_label("Scan the item").fill("BOLT")
    page.get_by_label("Quantity").fill("2")
    page.get_by_label("Quantity").press("Enter")
    expect(page.locator(".messages")).to_contain_text("Packed 2 each of BOLT into carton 2.")
    expect(page.locator(".transfer-carton")).to_have_count(2)
    assert_fits(page)
    page.get_by_role("button", name="Ship TR-00001").click()
    expect(page.locator(".messages")).to_contain_text("TR-00001 shipped")
    # The pack step stays open after shipping, offering the cartons' labels; without a GS1
    # company prefix the label page says what to set instead.
    page.get_by_role("link", name="Carton labels").click()
    expect(page.locator("main")).to_contain_text("Set the GS1 company prefix in Settings")
    assert_fits(page)

    page.goto(f"{base}/scan/transfers/")
    page.locator("#site-switch").select_option(str(sites.destination.pk))
    page.get_by_role("link", name="TR-00001 from CHI").click()
    expect(page.locator("h1")).to_have_text("Receive TR-00001")
    expect(page.get_by_label("Scan the item")).to_be_focused()
    scan(page, "BOLT")
    expect(page.get_by_label("Quantity")).to_be_focused()
    scan(page, "10")
    expect(page.locator(".messages")).to_contain_text("Received 10 each BOLT at DOCK-1")
    expect(page.locator("main")).to_contain_text("Partially received")
    assert_fits(page)

    desk.goto(f"{base}/warehouse/transfers/{transfer.pk}/")
    expect(desk.locator(".transfer-status")).to_have_text("Partially received")
    desk.get_by_label("Missing quantity").select_option("write_off")
    desk.get_by_label("Why").first.fill("2 lost on the road")
    desk.get_by_role("button", name="Close transfer").click()
    expect(desk.locator(".transfer-status")).to_have_text("Closed")
    expect(desk.locator("main")).to_contain_text("Written off")

    desk.goto(f"{base}/inventory/stock/?item=BOLT")
    text = desk.locator("#stock-results").inner_text()
    assert "DOCK-1" in text and "R-02" in text and "R-01" not in text
    with tenant_context(tenant):
        assert ledger.verify(tenant.pk) == []
