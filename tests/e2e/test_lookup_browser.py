"""In Chromium: the desk forms' search-as-you-type works from the keyboard alone at phone
width (type part of a code or name, arrow down, Enter), and the wave builder's zone list
follows the chosen site without a page load (issue 8, finding 8)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from erp.roles import Role
from tests.e2e.keys import sign_in
from tests.e2e.screen import assert_fits
from tests.factories import (
    ItemFactory,
    SiteFactory,
    TenantFactory,
    ZoneFactory,
    bin_in,
    member,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_bin_and_item_are_chosen_with_the_keyboard_at_phone_width(page: Page, live_server):
    tenant = TenantFactory(slug="lookup-e2e", name="Lookup E2E")
    chi = SiteFactory(tenant=tenant, code="CHI")
    bin_in(tenant, site=chi, code="P-01-01")
    bin_in(tenant, site=chi, code="P-01-02")
    ItemFactory(tenant=tenant, sku="NW-COF-1KG", description="Arabica coffee beans")
    ItemFactory(tenant=tenant, sku="NW-CUP-12", description="Paper cups")
    page.set_viewport_size({"width": 360, "height": 640})
    sign_in(page, live_server.url, member(tenant, Role.SUPERVISOR).email)
    page.goto(f"{live_server.url}/inventory/adjustments/new/")

    bin_input = page.get_by_role("combobox", name="Bin")
    bin_input.press_sequentially("p-01", delay=40)
    options = page.locator("#id_bin-options").get_by_role("option")
    expect(options).to_have_count(2)
    bin_input.press("ArrowDown")
    bin_input.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    bin_input.press("Enter")
    expect(bin_input).to_have_value("P-01-02")
    expect(bin_input).to_have_attribute("aria-expanded", "false")

    item_input = page.get_by_role("combobox", name="Item")
    item_input.focus()
    item_input.press_sequentially("coffee", delay=40)
    expect(page.get_by_role("option", name="NW-COF-1KG Arabica coffee beans")).to_be_visible()
    item_input.press("ArrowDown")
    item_input.press("Enter")
    expect(item_input).to_have_value("NW-COF-1KG")
    # Escape closes the list and leaves what was typed.
    item_input.fill("")
    item_input.press_sequentially("cups", delay=40)
    expect(page.locator("#id_item-options").get_by_role("option")).to_have_count(1)
    item_input.press("Escape")
    expect(page.locator("#id_item-options")).to_be_hidden()
    expect(item_input).to_have_value("cups")
    assert_fits(page)


def test_the_wave_builders_zones_follow_the_site(page: Page, live_server):
    tenant = TenantFactory(slug="wave-zones-e2e", name="Wave Zones E2E")
    chi, atl = SiteFactory(tenant=tenant, code="CHI"), SiteFactory(tenant=tenant, code="ATL")
    ZoneFactory(site=chi, code="CHI-PCK", name="Chicago pick")
    ZoneFactory(site=atl, code="ATL-PCK", name="Atlanta pick")
    sign_in(page, live_server.url, member(tenant, Role.SUPERVISOR).email)
    page.goto(f"{live_server.url}/warehouse/waves/new/")
    zone = page.locator("#id_zone")
    site = page.locator("main").get_by_label("Site")
    first, other = (
        ("CHI", "ATL") if "CHI" in site.locator("option:checked").inner_text() else ("ATL", "CHI")
    )
    expect(zone.locator("option", has_text=f"{first}-PCK")).to_have_count(1)
    expect(zone.locator("option", has_text=f"{other}-PCK")).to_have_count(0)
    site.select_option(label=site.locator("option", has_text=other).inner_text())
    expect(page.locator("#id_zone option", has_text=f"{other}-PCK")).to_have_count(1)
    expect(page.locator("#id_zone option", has_text=f"{first}-PCK")).to_have_count(0)
