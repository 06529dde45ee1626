"""In Chromium, each desk role and the owner sign in and land on their dashboards at phone and
desk width: the panels' charts are drawn (an <svg> with marks) and nothing scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from erp.roles import Role
from tests.e2e.keys import sign_in
from tests.e2e.screen import assert_fits
from tests.factories import TenantFactory
from tests.reporting.landing_world import build

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = [{"width": 360, "height": 780}, {"width": 1280, "height": 900}]
MARKS = "figure.chart svg rect.mark"
# The panel each role's first chart is in, a figure that panel shows, and the chart's marks
# (the owner's aging chart: the one bucket holding the world's backorder, 8-14 days).
ROLES = {
    Role.SUPERVISOR: ("open-work", "Open work", MARKS),
    Role.PLANNER: ("suggestions", "Suggestions to review", MARKS),
    Role.FINANCE: ("valuation", "Stock value", MARKS),
    Role.ADMIN: ("organisation", "Active members", MARKS),
    Role.OWNER: (
        "backorders",
        "Backorder lines",
        "figure.chart svg a[href$='bucket=8-14'] rect.mark",
    ),
}


def test_each_role_lands_on_its_panels_with_charts_at_phone_and_desk_width(page: Page, live_server):
    world = build(TenantFactory(slug="landing-e2e", name="Landing E2E"))
    for role, (key, figure, mark_selector) in ROLES.items():
        page.context.clear_cookies()
        sign_in(page, live_server.url, world.users[role].email)
        for size in WIDTHS:
            page.set_viewport_size(size)
            page.goto(f"{live_server.url}/")
            panel = page.locator(f"#panel-{key}")
            expect(panel).to_contain_text(figure)
            marks = panel.locator(mark_selector)
            expect(marks.first).to_be_visible()
            assert marks.count() >= 1, f"{role}: no chart marks at {size['width']} px"
            assert_fits(page)
