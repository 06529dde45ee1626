"""In Chromium on a 360 x 640 phone (issue 8, finding 5): the header is one slim bar with the
menu folded into it, and a scanner page shows the task and its confirm button without
scrolling, however many fields the form has."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from erp.models import Role
from tests.e2e.keys import sign_in
from tests.e2e.screen import assert_fits
from tests.factories import AlertFactory, MembershipFactory, SiteFactory, TenantFactory, member
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
    assert_fits(page)

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


@pytest.mark.parametrize("organisations", [1, 2])
def test_the_fullest_top_bar_fits_a_phone(page: Page, live_server, organisations):
    """Everything the bar can carry at once, each at its longest: a long organisation name (or
    the organisation switch), the site switch still saying "Choose a site", a three-digit alert
    count and a long first name. Nothing pushes the page sideways at 360 or 320 px."""
    tenant = TenantFactory(slug="full-bar", name="Northern Counties Wholesale Distribution Ltd")
    user = member(tenant, Role.SUPERVISOR, user__full_name="Maximiliana Featherstonehaugh")
    if organisations == 2:
        MembershipFactory(user=user, tenant=TenantFactory(name="Second Organisation Trading"))
    SiteFactory(tenant=tenant, code="CHICAGO1")
    SiteFactory(tenant=tenant, code="ATLANTA2")
    AlertFactory.create_batch(123, tenant=tenant)
    sign_in(page, live_server.url, user.email)
    for width in (360, 320):
        page.set_viewport_size({"width": width, "height": 640})
        page.goto(live_server.url + reverse("inventory:stock_list"))
        expect(page.locator("#alert-count .badge")).to_have_text("99+")
        assert_fits(page)
        assert _box(page, "header.topbar")["height"] <= SLIM
        expect(page.locator("details.user-menu > summary")).to_be_in_viewport(ratio=1)
