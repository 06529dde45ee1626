"""In Chromium at phone width: an operator receives a PO line by scanning a GS1-128 label
with lot and expiry, records damaged units, puts the rest away in the suggested bin; the
stock page shows the quantities and statuses, and the ledger verifies clean."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import ItemUnit
from tests.factories import PASSWORD, BinFactory, TenantFactory, ZoneFactory, member
from tests.warehouse.conftest import Dock
from warehouse.models import PutawayRule

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_operator_receives_with_damage_and_puts_away(page: Page, live_server, browser):
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
    label = f"(01)09501101530003(17){expiry:%y%m%d}(10)LOT-E2E"

    page.set_viewport_size({"width": 360, "height": 780})
    _sign_in(page, live_server.url, dock.operator.email)
    page.get_by_role("link", name="Receive").first.click()
    page.get_by_label("Purchase order or ASN").fill(dock.order.number)
    page.get_by_role("button", name="Find order").click()
    expect(page.locator("h1")).to_have_text(f"Receive {dock.order.number}")
    page.get_by_label("Item").fill(label)
    page.get_by_label("Quantity").fill("12")
    page.get_by_label("Of which damaged").fill("2")
    page.get_by_label("Note").fill("pallet corner crushed")
    page.get_by_role("button", name="Receive", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Received 12 each of")
    expect(page.locator(".messages")).to_contain_text("damaged: 2 each")

    page.get_by_role("link", name="Put away (1 waiting)").click()
    expect(page.locator(".suggested-bin")).to_contain_text("BULK-01")
    page.get_by_label("Scan the bin").fill("BULK-01")
    page.get_by_role("button", name="Confirm putaway").click()
    expect(page.locator(".messages")).to_contain_text("Put 10 each of")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    supervisor = browser.new_page(viewport={"width": 1280, "height": 900})
    _sign_in(supervisor, live_server.url, member(tenant, Role.SUPERVISOR).email)
    supervisor.goto(f"{live_server.url}/inventory/stock/?item={dock.item.sku}")
    rows = supervisor.locator("#stock-results tbody tr")
    expect(rows).to_have_count(2)
    text = supervisor.locator("#stock-results").inner_text()
    assert "BULK-01" in text and "LOT-E2E" in text and "Available" in text
    assert "DOCK-1" in text and "Damaged" in text
    with tenant_context(tenant):
        assert ledger.verify(tenant.pk) == []
