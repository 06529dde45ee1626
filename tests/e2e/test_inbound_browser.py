"""In Chromium at phone width, driven as a handheld scanner drives it (characters, then Enter;
the cursor is never put in a field by hand): an operator finds the PO, receives a GS1 carton
label read as GS1-128 with its symbology identifier and GS separators in one scan, then a
label without a count (the quantity is asked for, lot and expiry come from the label) with
damaged units, and puts the good stock away, a wrong bin scan first; the stock page shows the
quantities and statuses, and the ledger verifies clean."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import ItemUnit
from tests.e2e.keys import scan, sign_in, tab_to
from tests.e2e.screen import assert_fits
from tests.factories import BinFactory, TenantFactory, ZoneFactory, member
from tests.warehouse.conftest import Dock
from warehouse.models import PutawayRule

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}
GS = "\x1d"


def test_operator_receives_by_scanning_with_damage_and_puts_away(page: Page, live_server, browser):
    tenant = TenantFactory(slug="inbound-e2e", name="Inbound E2E")
    dock = Dock(tenant)
    dock.item.tracking = "lot"
    dock.item.expiry_required = True
    with tenant_context(tenant):
        dock.item.save()
        ItemUnit.objects.create(
            tenant=tenant, item=dock.item, code="each", factor=1, gtin="09501101530003"
        )
    zone = ZoneFactory(site=dock.order.site, code="BULK")
    BinFactory(zone=zone, code="BULK-01", walk_sequence=1)
    with tenant_context(tenant):
        PutawayRule.objects.create(tenant=tenant, name="bulk storage", target_zone=zone)
    expiry = datetime.date.today() + datetime.timedelta(days=300)
    # GS1-128 as the scanner sends it: ]C1, the AIs, GS after the variable-length lot.
    label = "]C10109501101530003" + f"17{expiry:%y%m%d}10LOT-E2E"

    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, dock.operator.email)
    page.get_by_role("link", name="Receive").first.click()
    expect(page.get_by_label("Purchase order or ASN")).to_be_focused()
    scan(page, dock.order.number)
    expect(page.locator("h1")).to_have_text(f"Receive {dock.order.number}")

    # One scan receives a carton: the label carries lot, expiry and the count (37). The
    # scanner sends GS as the Ctrl+] keystroke; the page types it as ASCII 29.
    item = page.get_by_role("textbox", name="Item", exact=True)
    expect(item).to_be_focused()
    page.keyboard.type(label)
    page.keyboard.press("Control+BracketRight")
    scan(page, "3710")
    expect(page.locator(".messages")).to_contain_text("Received 10 each of")
    expect(item).to_be_focused()
    expect(item).to_have_value("")

    # A label without a count (GS sent as the character): the lot and expiry fill their
    # fields, the quantity is asked for; damaged units and a note are reached with Tab.
    scan(page, label + GS + "21X1")
    expect(page.locator(".scan-prompt")).to_contain_text("how many did you receive?")
    expect(page.locator(".form-errors")).to_have_count(0)
    expect(page.get_by_role("textbox", name="Lot", exact=True)).to_have_value("LOT-E2E")
    expect(page.get_by_label("Expiry")).to_have_value(f"{expiry:%Y-%m-%d}")
    quantity = page.get_by_label("Quantity")
    expect(quantity).to_be_focused()
    page.keyboard.type("2")
    tab_to(page, "Of which damaged")
    page.keyboard.type("2")
    tab_to(page, "Note")
    scan(page, "pallet corner crushed")
    expect(page.locator(".messages")).to_contain_text("Received 2 each of")
    expect(page.locator(".messages")).to_contain_text("damaged: 2 each")
    assert_fits(page)

    page.get_by_role("link", name="Put away (1 waiting)").click()
    expect(page.locator(".suggested-bin")).to_contain_text("BULK-01")
    bin_field = page.get_by_label("Scan the bin")
    expect(bin_field).to_be_focused()
    scan(page, "BULK-99")
    expect(page.locator(".field.has-error")).to_contain_text("No active bin 'BULK-99'")
    expect(bin_field).to_be_focused()
    expect(bin_field).to_have_value("")
    scan(page, "]C0BULK-01")  # a Code 128 bin label, symbology identifier and all
    expect(page.locator(".messages")).to_contain_text("Put 10 each of")
    assert_fits(page)

    supervisor = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(supervisor, live_server.url, member(tenant, Role.SUPERVISOR).email)
    supervisor.goto(f"{live_server.url}/inventory/stock/?item={dock.item.sku}")
    rows = supervisor.locator("#stock-results tbody tr")
    expect(rows).to_have_count(2)
    text = supervisor.locator("#stock-results").inner_text()
    assert "BULK-01" in text and "LOT-E2E" in text and "Available" in text
    assert "DOCK-1" in text and "Damaged" in text
    with tenant_context(tenant):
        lot = dock.item.lots.get()
        assert lot.code == "LOT-E2E" and lot.expiry_date == expiry
        assert ledger.verify(tenant.pk) == []
