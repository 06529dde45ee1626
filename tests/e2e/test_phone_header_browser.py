"""In Chromium on a 360 x 640 phone (issue 8, finding 5): the header is one slim bar with the
menu folded into it, and a scanner page shows the task and its confirm button without
scrolling, however many fields the form has."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.e2e.keys import sign_in
from tests.factories import TenantFactory
from tests.warehouse.conftest import Dock
from tests.warehouse.outbound import Floor

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 640}
SLIM = 56  # px: one row of controls


def _box(page: Page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_the_pick_task_and_confirm_fit_one_phone_screen(page: Page, live_server):
    tenant = TenantFactory(slug="phone-e2e", name="A Long Organisation Name Distribution")
    floor = Floor(tenant)
    coffee, _ = floor.tasks(floor.released_wave())  # lot-tracked: the longest pick form
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, floor.operator.email)
    page.goto(live_server.url + reverse("warehouse:pick_task", args=[coffee.pk]))

    header = _box(page, "header.topbar")
    assert header["height"] <= SLIM
    # The folded menu lives in the bar, not in a row of its own under it.
    toggle = _box(page, "details.nav-toggle > summary")
    assert toggle["y"] + toggle["height"] <= header["height"]
    assert _box(page, "main")["y"] <= header["height"] + 1
    for fact in (".pick-bin", ".pick-quantity", ".pick-tote"):
        box = _box(page, fact)
        assert box["y"] + box["height"] <= PHONE["height"], fact
    confirm = page.get_by_role("button", name="Confirm pick")
    expect(confirm).to_be_in_viewport(ratio=1)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.locator("details.nav-toggle > summary").click()
    page.locator("nav.sidenav").get_by_role("link", name="Move stock", exact=True).click()
    expect(page.get_by_role("heading", name="Move stock")).to_be_visible()
    assert _box(page, "header.topbar")["height"] <= SLIM


def test_the_receive_button_stays_on_screen_below_many_fields(page: Page, live_server):
    tenant = TenantFactory(slug="phone-receive-e2e", name="Phone Receive E2E")
    dock = Dock(tenant)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, dock.operator.email)
    page.goto(live_server.url + reverse("warehouse:receive_order", args=[dock.order.pk]))
    expect(page.get_by_role("heading", name=f"Receive {dock.order.number}")).to_be_in_viewport()
    expect(page.get_by_role("button", name="Receive", exact=True)).to_be_in_viewport(ratio=1)
    assert _box(page, "header.topbar")["height"] <= SLIM


def test_the_desktop_keeps_its_side_menu_and_one_row_header(page: Page, live_server):
    tenant = TenantFactory(slug="desk-e2e", name="Desk E2E")
    floor = Floor(tenant)
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server.url, floor.supervisor.email)
    page.goto(live_server.url + reverse("warehouse:wave_list"))
    assert _box(page, "header.topbar")["height"] <= SLIM
    expect(
        page.locator("nav.sidenav").get_by_role("link", name="Waves", exact=True)
    ).to_be_visible()
    expect(page.locator("details.nav-toggle > summary")).to_be_hidden()
