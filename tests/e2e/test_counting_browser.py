"""In Chromium at phone width, driven as a handheld scanner drives it: a short pick has held
the coffee left in P-01 and flagged the bin; the operator starts the count from "My work",
scans the bin and one GS1 label (item and lot), keys what is there (4 fewer than the ledger
says, and never shown what it says) and finishes; the supervisor, at desk width, sees the
variance and approves it, which writes the 4 off and releases the rest from quarantine; the
stock page shows it available and the ledger verifies clean."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import StockBalance
from tests.e2e.keys import menu, scan, sign_in
from tests.e2e.screen import assert_fits
from tests.factories import TenantFactory
from tests.inventory.stock import receive
from tests.warehouse.outbound import Floor
from warehouse.counting import services
from warehouse.models import Count, CountRound, CountSettings, CountStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}


def _shows_expected(page, floor) -> bool:
    """Whether the page gives away the 48 expected (a SKU may hold those digits)."""
    text = page.locator("main").inner_text().replace(floor.coffee.sku, "")
    return re.search(r"\b48\b", text) is not None


def test_a_blind_count_with_a_variance_is_approved_and_releases_the_held_stock(
    page: Page, live_server, browser
):
    tenant = TenantFactory(slug="count-e2e", name="Count E2E")
    floor = Floor(tenant)  # 50 coffee in P-01
    floor.picked_order(short={0: 2})  # 6 asked, 2 found: the other 48 held for a count
    with tenant_context(tenant):
        CountSettings.objects.create(tenant=tenant, quantity_tolerance=Decimal(5))
        count = Count.objects.get(location__bin=floor.p1)
    base = live_server.url

    page.set_viewport_size(PHONE)
    sign_in(page, base, floor.operator.email)
    menu(page, "My work")
    start = page.get_by_role("button", name="Start")
    expect(start).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Count bin P-01")
    assert not _shows_expected(page, floor)
    expect(page.get_by_label("Scan the bin")).to_be_focused()
    scan(page, "P-01")
    expect(page.get_by_label("Scan an item")).to_be_focused()
    scan(page, f"(01){floor.coffee_gtin.zfill(14)}(10){floor.lot.code}")
    # Enter after the item moves on to the quantity, the next empty scan step.
    expect(page.get_by_label("Quantity counted")).to_be_focused()
    scan(page, "44")
    expect(page.locator(".messages")).to_contain_text(f"Counted 44 each of {floor.coffee.sku}")
    assert not _shows_expected(page, floor)
    assert_fits(page)
    page.get_by_role("button", name="Finish count").click()
    expect(page.locator(".messages")).to_contain_text("Bin P-01 counted")

    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(desk, base, floor.supervisor.email)
    desk.goto(f"{base}/warehouse/counts/{count.pk}/")
    row = desk.locator("tbody tr").first
    expect(row).to_contain_text(floor.coffee.sku)
    expect(row).to_contain_text("48")
    expect(row).to_contain_text("44")
    expect(row).to_contain_text("-4")
    desk.get_by_role("button", name="Approve and post").click()
    expect(desk.locator(".messages")).to_contain_text(f"Count #{count.pk} approved and posted")

    desk.goto(f"{base}/inventory/items/{floor.coffee.pk}/")
    expect(desk.locator("main")).to_contain_text("P-01")
    with tenant_context(tenant):
        held = {
            b.status: b.on_hand
            for b in StockBalance.objects.filter(item=floor.coffee, location__bin=floor.p1)
            if b.on_hand
        }
        count.refresh_from_db()
        assert ledger.verify(tenant.pk) == []
    assert held == {"available": Decimal(44)} and count.status == CountStatus.APPROVED


def test_at_phone_width_the_count_says_movements_during_it_are_reconciled(page: Page, live_server):
    """P-02 holds 50 cups when its count opens; 5 more are put in while the operator counts,
    who finds 55: expected 50 + 5 = 55, no variance. Both the scanner page and the
    supervisor's count page say so, at 360 px and without sideways scrolling."""
    tenant = TenantFactory(slug="count-moves-e2e", name="Count Moves E2E")
    floor = Floor(tenant)
    with tenant_context(tenant):
        location = ledger.bin_location(tenant=tenant, bin=floor.p2)
        count = services.open_count(
            tenant=tenant, user=floor.supervisor, location=location, reason="spot check"
        )
        round = CountRound.objects.get(count=count)
        services.scan_bin(tenant=tenant, user=floor.operator, round=round, location=location)
    base = live_server.url
    page.set_viewport_size(PHONE)

    sign_in(page, base, floor.operator.email)
    page.goto(base + reverse("warehouse:count_round", args=[round.pk]))
    expect(page.locator("main")).to_contain_text("Picks and put-aways here while you count")
    assert_fits(page)
    receive(tenant, floor.cups, floor.p2, 5, key="during-count")
    with tenant_context(tenant):
        services.record_line(
            tenant=tenant, user=floor.operator, round=round, item=floor.cups, quantity=Decimal(55)
        )
        services.finish_round(tenant=tenant, user=floor.operator, round=round)

    page.context.clear_cookies()
    sign_in(page, base, floor.supervisor.email)
    page.goto(base + reverse("warehouse:count_detail", args=[count.pk]))
    rule = page.locator("#count-moves-rule")
    expect(rule).to_contain_text("Stock moved while the bin was being counted is reconciled")
    expect(rule).to_contain_text("expected = the snapshot taken when the count was opened")
    expect(rule).to_be_in_viewport()
    cells = page.locator("tbody tr").first.locator("td")
    expect(cells).to_have_text(
        [floor.cups.sku, "", "50", "5", "55", "55", "0", re.compile(r"0\.00")]
    )
    assert_fits(page)
