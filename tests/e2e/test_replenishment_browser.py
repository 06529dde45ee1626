"""In Chromium: an operator at phone width starts a replenishment from My work and completes
it as a handheld scanner does (reserve bin, one GS1 DataMatrix scan with the lot, quantity,
face; each Enter moving on); the supervisor's queue at desk width lists it until then."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.keys import scan, sign_in
from tests.e2e.screen import assert_fits
from tests.factories import TenantFactory
from tests.inventory.stock import assert_ledger_clean, on_hand
from tests.warehouse.faces import Faces

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}


def test_replenish_a_face_with_scans_in_the_browser(page: Page, live_server, browser):
    tenant = TenantFactory(slug="replenish-e2e", name="Replenish E2E")
    floor = Faces(tenant, stock=1)
    floor.face(floor.coffee, floor.p1, 10, 40)
    floor.stock_reserve(floor.coffee, 100, lot=floor.lot)
    assert len(floor.run()) == 1  # 39 wanted -> 4 cases of 12 = 48
    base = live_server.url

    supervisor = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(supervisor, base, floor.supervisor.email)
    supervisor.goto(f"{base}/warehouse/replenishment/")
    expect(supervisor.locator("main")).to_contain_text(floor.coffee.sku)
    expect(supervisor.locator("main")).to_contain_text("R-01")

    page.set_viewport_size(PHONE)
    sign_in(page, base, floor.operator.email)
    page.goto(f"{base}/scan/work/")
    start = page.get_by_role("button", name="Start")
    expect(start).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Replenish")
    assert_fits(page)

    expect(page.get_by_label("Scan the reserve bin")).to_be_focused()
    scan(page, "R-01")
    expect(page.get_by_label("Scan the item")).to_be_focused()
    scan(page, f"]d201{floor.coffee_gtin}17300630" + "10L-2030-06")
    expect(page.get_by_label("Quantity taken")).to_be_focused()
    scan(page, "48")
    expect(page.get_by_label("Scan the pick face")).to_be_focused()
    scan(page, "P-01")
    expect(page.locator(".messages")).to_contain_text(f"Moved 48 each {floor.coffee.sku} to P-01.")

    assert on_hand(tenant, floor.coffee, floor.p1, lot=floor.lot) == 49
    assert_ledger_clean(tenant)
    supervisor.reload()
    expect(supervisor.locator("main")).to_contain_text("Nothing to replenish.")
