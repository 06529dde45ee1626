"""In Chromium, at phone width (360 px) and at desk width (1280 px): the segments page fits the
screen, filtering by class swaps the rows and the class matrix without a reload, and
"Recompute now" answers that the run is queued."""

from __future__ import annotations

import datetime
import os

import pytest
from playwright.sync_api import Page, expect

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.services import segmentation
from tests.e2e.screen import assert_fits
from tests.factories import PASSWORD, ItemFactory, SiteFactory, bin_in, member
from tests.inventory.pages import receive_at, ship_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AS_OF = datetime.date(2025, 6, 30)
SCREENSHOTS = os.environ.get("STOCKLINE_SCREENSHOTS")  # a folder, to look at the pages


def _noon(days_back: int) -> datetime.datetime:
    day = AS_OF - datetime.timedelta(days=days_back)
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


@pytest.fixture
def segmented(tenant_a):
    """Three items at one site: values 90.00 (A), 8.00 (B) and 2.00 (C)."""
    site = SiteFactory(tenant=tenant_a, code="CHI", time_zone="UTC")
    bin = bin_in(tenant_a, site=site)
    for sku, description, quantity in [
        ("BIG", "Fast seller with a long description that would widen a table", 90),
        ("MID", "Medium seller", 8),
        ("LOW", "Slow seller", 2),
    ]:
        item = ItemFactory(tenant=tenant_a, sku=sku, description=description)
        receive_at(tenant_a, item, bin, quantity, "1.00", _noon(400))
        ship_at(tenant_a, item, bin, quantity, _noon(3))
    with tenant_context(tenant_a):
        segmentation.compute_segments(tenant=tenant_a, as_of=AS_OF)


def _sign_in(page: Page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("width", [360, 1280])
def test_segments_page_filters_and_fits_the_screen(
    page: Page, live_server, tenant_a, segmented, width
):
    page.set_viewport_size({"width": width, "height": 800})
    _sign_in(page, live_server, member(tenant_a, Role.PLANNER))

    page.goto(f"{live_server.url}/inventory/segments/")

    results = page.locator("#segments-results")
    expect(results).to_contain_text("BIG")
    expect(page.locator("#segment-date")).to_contain_text("2025-06-30")
    assert_fits(page)
    description = page.get_by_role("columnheader", name="Description")
    if width == 360:
        expect(description).to_be_hidden()  # the less needed columns step aside on a phone
    else:
        expect(description).to_be_visible()
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/segments-{width}.png", full_page=True)
    page.get_by_label("ABC").select_option("B")
    expect(results).not_to_contain_text("BIG")
    expect(results).to_contain_text("MID")
    expect(page.locator("#segment-matrix tfoot")).to_contain_text("8.00")
    assert "abc_class=B" in page.url
    assert_fits(page)

    page.get_by_role("button", name="Recompute now").click()
    expect(page.locator(".messages")).to_contain_text("Segmentation queued")
    assert_fits(page)
