"""In Chromium at phone width: filtering the stock page swaps the rows and the totals without
a reload, and the wide tables scroll inside their frame instead of widening the page."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from erp.roles import Role
from tests.e2e.screen import assert_fits
from tests.factories import PASSWORD, ItemFactory, SiteFactory, bin_in, member
from tests.inventory.pages import receive_at, utc

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("STOCKLINE_SCREENSHOTS")  # a folder, to look at the pages


def _shot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def test_stock_filter_swaps_rows_and_totals_at_phone_width(page: Page, live_server, tenant_a):
    chi = SiteFactory(tenant=tenant_a, code="CHI", time_zone="America/Chicago")
    atl = SiteFactory(tenant=tenant_a, code="ATL")
    apple = ItemFactory(tenant=tenant_a, sku="APPLE", description="Red apple", category="fruit")
    pear = ItemFactory(tenant=tenant_a, sku="PEAR", description="Green pear", category="fruit")
    receive_at(tenant_a, apple, bin_in(tenant_a, site=chi), 10, "2.00", utc("2025-03-01 15:00"))
    receive_at(tenant_a, pear, bin_in(tenant_a, site=atl), 7, "1.00", utc("2025-03-02 15:00"))
    user = member(tenant_a, Role.FINANCE)

    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server.url}/inventory/stock/")
    totals = page.locator("#stock-totals")
    expect(totals).to_contain_text("17")
    assert_fits(page)
    _shot(page, "stock")
    page.get_by_label("Item").fill("pear")
    expect(page.locator("#stock-results")).not_to_contain_text("Red apple")
    expect(totals).to_contain_text("Filtered rows: 1 · on hand 7")
    assert "item=pear" in page.url

    page.goto(f"{live_server.url}/inventory/valuation/?as_of=2025-03-01")
    expect(page.locator("#valuation-totals")).to_contain_text("20.00")
    assert_fits(page)
    _shot(page, "valuation")
    page.get_by_label("As of (end of day)").fill("2025-03-02")
    expect(page.locator("#valuation-totals")).to_contain_text("27.00")
    page.get_by_role("link", name="CHI").click()
    expect(page.locator("#items-results")).to_contain_text("Red apple")
    _shot(page, "valuation-items")
    page.get_by_role("link", name="Layers").click()
    expect(page.locator("#layer-figures")).to_contain_text("20.00")
    assert_fits(page)
    _shot(page, "layers")

    page.goto(f"{live_server.url}/inventory/ledger/")
    assert_fits(page)
    _shot(page, "ledger")
    page.locator("#transactions-results tbody a").first.click()
    expect(page.locator("h1")).to_contain_text("Receipt")
    assert_fits(page)
    _shot(page, "transaction")
