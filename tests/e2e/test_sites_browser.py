"""In Chromium at 360 px, on a bin code both sites use: a supervisor records an adjustment
and an operator moves stock, each typing scans the way a scanner does (the characters, then
Enter; no clicks on fields). Each touches only the bins of the site they work at, and the
ledger verifies clean."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from erp.models import Membership
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import DefaultSite
from tests.e2e.keys import sign_in
from tests.e2e.screen import assert_fits
from tests.factories import ItemFactory, SiteFactory, TenantFactory, ZoneFactory, bin_in
from tests.factories import member as make_member
from tests.inventory.stock import assert_ledger_clean, on_hand, receive

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _scan(page: Page, field: str, text: str) -> None:
    """What a keyboard-wedge scanner does, once the page has put the focus on `field`."""
    expect(page.locator(f"#id_{field}")).to_be_focused()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


SCREENSHOTS = os.environ.get("STOCKLINE_SCREENSHOTS")  # a folder, to look at the pages


def _shot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def _starting_at(tenant, role, site):
    user = make_member(tenant, role)
    with tenant_context(tenant):
        membership = Membership.objects.get(tenant=tenant, user=user)
        DefaultSite.objects.create(tenant=tenant, membership=membership, site=site)
    return user


def test_adjustment_and_move_on_a_bin_code_both_sites_use(page: Page, live_server, browser):
    tenant = TenantFactory(slug="sites-e2e", name="Sites E2E")
    chi = SiteFactory(tenant=tenant, code="CHI", name="Chicago DC")
    atl = SiteFactory(tenant=tenant, code="ATL", name="Atlanta DC")
    bins = {}
    for site in (chi, atl):
        zone = ZoneFactory(site=site)
        bins[site.code] = {code: bin_in(tenant, zone=zone, code=code) for code in ("R-01", "P-01")}
    item = ItemFactory(tenant=tenant, sku="WIDGET", standard_cost=Decimal("1.00"))
    for site_bins in bins.values():
        receive(tenant, item, site_bins["R-01"], 10)
    supervisor = _starting_at(tenant, Role.SUPERVISOR, chi)
    operator = _starting_at(tenant, Role.OPERATOR, chi)

    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server.url, supervisor.email)
    page.goto(f"{live_server.url}/inventory/adjustments/new/")
    expect(page.locator("#site-switch")).to_have_value(str(chi.pk))
    assert_fits(page)
    _shot(page, "adjustment-form")
    _scan(page, "bin", "R-01")
    _scan(page, "item", "WIDGET")
    _shot(page, "adjustment-step")
    _scan(page, "quantity", "3")
    expect(page.locator(".messages")).to_contain_text("posted at CHI R-01")
    assert on_hand(tenant, item, bins["CHI"]["R-01"]) == 13
    assert on_hand(tenant, item, bins["ATL"]["R-01"]) == 10

    scanner = browser.new_page(viewport={"width": 360, "height": 740})
    sign_in(scanner, live_server.url, operator.email)
    scanner.goto(f"{live_server.url}/scan/move/")
    expect(scanner.locator("main")).to_contain_text("At CHI")
    # The operator walks over to Atlanta: the top bar switches the site for the session.
    scanner.locator("#site-switch").select_option(str(atl.pk))
    expect(scanner.locator("main")).to_contain_text("At ATL Atlanta DC")
    assert_fits(scanner)
    _shot(scanner, "move")
    _scan(scanner, "source", "R-01")
    _scan(scanner, "item", "WIDGET")
    _scan(scanner, "quantity", "4")
    _scan(scanner, "destination", "P-01")
    _shot(scanner, "moved")
    expect(scanner.locator(".messages")).to_contain_text(
        "Moved 4 each of WIDGET from R-01 to P-01 at ATL"
    )
    assert on_hand(tenant, item, bins["ATL"]["R-01"]) == 6
    assert on_hand(tenant, item, bins["ATL"]["P-01"]) == 4
    assert on_hand(tenant, item, bins["CHI"]["R-01"]) == 13
    assert on_hand(tenant, item, bins["CHI"]["P-01"]) == 0
    assert_ledger_clean(tenant)
