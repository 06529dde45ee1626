"""In Chromium: a short pick on the floor reaches the supervisor's top bar through the outbox
and a real worker (the count polled by htmx, no reload), shows in the inbox, and is resolved
with a note; the inbox fits a phone."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from erp.alerts.models import Alert
from erp.tenancy import tenant_context
from tests.e2e.keys import sign_in
from tests.e2e.screen import assert_fits
from tests.factories import TenantFactory
from tests.warehouse.outbound import Floor
from warehouse.picking import services as picking

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}
POLL = 31_000  # ms: the top bar asks every 30 s


def _wait_for_alert(tenant, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with tenant_context(tenant):
            if Alert.objects.filter(tenant=tenant).exists():
                return
        time.sleep(0.1)
    raise AssertionError("the worker raised no alert")


def test_a_short_pick_alert_appears_and_is_resolved(page: Page, live_server, celery_worker_thread):
    tenant = TenantFactory(slug="alerts-e2e", name="Alerts E2E")
    floor = Floor(tenant, stock=5)
    (coffee, _cups) = floor.tasks(floor.released_wave())
    base = live_server.url

    page.set_viewport_size({"width": 1280, "height": 900})
    # The browser's timers on a clock the test moves: the top bar's next poll comes when the
    # test says, not 30 s later.
    page.clock.install()
    sign_in(page, base, floor.supervisor.email)
    count = page.locator("#alert-count")
    expect(count).to_have_text("Alerts")  # loaded after the page: nothing yet

    with tenant_context(tenant):  # the operator finds 2 of 5 in P-01
        picking.confirm_pick(tenant=tenant, user=floor.operator, task=coffee, quantity=Decimal(2))
    # The pick queued the short-pick rule through the outbox; the worker raises the alert, and
    # the next poll of the top bar shows it without the page being reloaded.
    _wait_for_alert(tenant)
    page.clock.fast_forward(POLL)
    expect(count.locator(".badge")).to_have_text("1")

    count.click()
    expect(page.get_by_role("heading", name="Alerts")).to_be_visible()
    row = page.locator("#alerts tbody tr").first
    expect(row).to_contain_text("Short picks")
    expect(row).to_contain_text(f"2 of 5 {floor.coffee.sku} in P-01")
    row.get_by_role("link", name="Short pick").click()

    expect(page.locator("#alert-status")).to_have_text("Open")
    page.get_by_label("How was it dealt with?").fill("Bin recounted; 3 found behind the shelf")
    page.get_by_role("button", name="Resolve", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Resolved: Short pick")
    expect(page.locator("#alert-status")).to_have_text("Resolved")
    expect(page.locator("#alert-note")).to_have_text("Bin recounted; 3 found behind the shelf")
    expect(page.locator(".history")).to_contain_text("resolve: Bin recounted")
    expect(page.locator("#alert-count")).to_have_text("Alerts")

    page.set_viewport_size(PHONE)
    page.goto(f"{base}/alerts/?state=resolved")
    expect(page.locator("#alerts")).to_contain_text("Resolved")
    assert_fits(page)
