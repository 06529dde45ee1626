"""In Chromium at phone width, driven by the keyboard as a handheld is: an operator opens
"My work", Enter on the focused Start takes the waiting putaway, a bin scan finishes it, and
the queue then has nothing left; the supervisor's live queue at desk width agrees, and the
ledger verifies clean."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from tests.e2e.keys import scan, sign_in
from tests.e2e.screen import assert_fits
from tests.factories import BinFactory, TenantFactory, ZoneFactory, member
from tests.warehouse.conftest import Dock
from warehouse.models import PutawayRule, WorkKind, WorkStatus, WorkTask
from warehouse.receiving import services as receiving

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}


def test_an_operator_takes_and_finishes_queued_work_with_the_keyboard(
    page: Page, live_server, browser
):
    tenant = TenantFactory(slug="queue-e2e", name="Queue E2E")
    dock = Dock(tenant)
    zone = ZoneFactory(site=dock.order.site, code="BULK")
    BinFactory(zone=zone, code="BULK-01", walk_sequence=1)
    with tenant_context(tenant):
        PutawayRule.objects.create(tenant=tenant, name="bulk storage", target_zone=zone)
        receiving.receive(
            tenant=tenant, user=dock.operator, order=dock.order, item=dock.item,
            quantity=Decimal(10), dock=dock.dock, scan_key="queue-e2e-1",
        )  # fmt: skip
        work = WorkTask.objects.get(kind=WorkKind.PUTAWAY)
    assert work.status == WorkStatus.OPEN

    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, dock.operator.email)
    page.goto(f"{live_server.url}/scan/work/")
    expect(page.locator(".next-task")).to_contain_text(f"{dock.item.sku} from DOCK-1")
    start = page.get_by_role("button", name="Start")
    expect(start).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator(".suggested-bin")).to_contain_text("BULK-01")
    expect(page.get_by_label("Scan the bin")).to_be_focused()
    scan(page, "]C0BULK-01")
    expect(page.locator(".messages")).to_contain_text("Put 10 each of")
    assert_fits(page)

    page.goto(f"{live_server.url}/scan/work/")
    expect(page.locator("main")).to_contain_text("Nothing is waiting for you")
    assert_fits(page)

    supervisor = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(supervisor, live_server.url, member(tenant, Role.SUPERVISOR).email)
    supervisor.goto(f"{live_server.url}/warehouse/work/")
    expect(supervisor.locator("#work-results")).to_contain_text("No open work matches")
    with tenant_context(tenant):
        work.refresh_from_db()
        assert (work.status, work.assignee_id) == (WorkStatus.DONE, dock.operator.pk)
        assert ledger.verify(tenant.pk) == []
