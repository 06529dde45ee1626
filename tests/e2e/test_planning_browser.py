"""In Chromium: a planner filters the reorder suggestions, changes one quantity in its row,
accepts three from two suppliers and finds the two draft purchase orders; the page fits a phone
(360 px) as well as a desk (1280 px). And "Run planning now" runs on a real worker, its
progress page following the run until it says how many suggestions it made."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from erp.roles import Role
from erp.tenancy import tenant_context
from purchasing.models import PurchaseOrder
from tests.e2e.keys import sign_in
from tests.e2e.screen import assert_fits
from tests.factories import SiteFactory, SuggestionFactory, SupplierFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def suggested(tenant_a):
    main, west = (
        SiteFactory(tenant=tenant_a, code="MAIN"),
        SiteFactory(tenant=tenant_a, code="WEST"),
    )
    acme, bolt = (
        SupplierFactory(tenant=tenant_a, code="ACME"),
        SupplierFactory(tenant=tenant_a, code="BOLT"),
    )
    today = datetime.date.today()
    made = {
        "a1": SuggestionFactory(tenant=tenant_a, site=main, supplier=acme, item__sku="CUP-01",
                                stockout_date=today),
        "a2": SuggestionFactory(tenant=tenant_a, site=main, supplier=acme, item__sku="CUP-02",
                                stockout_date=today + datetime.timedelta(days=2)),
        "b1": SuggestionFactory(tenant=tenant_a, site=main, supplier=bolt, item__sku="LID-01",
                                stockout_date=today + datetime.timedelta(days=3)),
        "w1": SuggestionFactory(tenant=tenant_a, site=west, supplier=bolt, item__sku="LID-09",
                                stockout_date=today + datetime.timedelta(days=1)),
    }  # fmt: skip
    return {"main": main, "west": west, **made}


def test_filter_edit_accept_three_and_find_two_draft_orders(
    page: Page, live_server, tenant_a, suggested
):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, member(tenant_a, Role.PLANNER).email)
    page.goto(f"{base}/purchasing/planning/suggestions/")
    results = page.locator("#suggestions-results")
    expect(results).to_contain_text("LID-09")
    expect(results).to_contain_text("ROP 187")
    assert_fits(page)

    page.locator("#suggestions form.filters").get_by_label("Site").select_option(
        str(suggested["main"].pk)
    )
    expect(results).not_to_contain_text("LID-09")
    expect(results).to_contain_text("CUP-01")

    row = page.locator(f"#suggestion-{suggested['a2'].pk}")
    row.get_by_label("Quantity of CUP-02").fill("360")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(f"#suggestion-{suggested['a2'].pk}")).to_contain_text("suggested 240")

    for sku in ("CUP-01", "CUP-02", "LID-01"):
        page.get_by_label(f"Select {sku} at MAIN").check()
    page.get_by_role("button", name="Accept selected").click()
    expect(page.locator(".messages")).to_contain_text("Accepted 3 suggestions")

    page.goto(f"{base}/purchasing/orders/")
    orders = page.locator("#orders-results tbody tr")
    expect(orders).to_have_count(2)
    expect(page.locator("#orders-results")).to_contain_text("ACME")
    expect(page.locator("#orders-results")).to_contain_text("BOLT")
    with tenant_context(tenant_a):
        drafts = {
            o.supplier.code: sorted(line.quantity_base for line in o.lines.all())
            for o in PurchaseOrder.objects.filter(tenant=tenant_a, status="draft")
        }
    assert drafts == {"ACME": [Decimal(240), Decimal(360)], "BOLT": [Decimal(240)]}

    page.goto(f"{base}/purchasing/planning/suggestions/?status=accepted")
    expect(page.locator("#suggestions-results")).to_contain_text("Accepted")
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"{base}/purchasing/planning/suggestions/")
    expect(page.locator("#suggestions-results")).to_contain_text("LID-09")
    assert_fits(page)


def test_run_planning_now_shows_progress_until_done(
    page: Page, live_server, tenant_a, celery_worker_thread
):
    base = live_server.url
    sign_in(page, base, member(tenant_a, Role.PLANNER).email)
    page.goto(f"{base}/purchasing/planning/suggestions/")
    page.get_by_role("button", name="Run planning now").click()
    expect(page.locator("h1")).to_have_text("Planning run")
    expect(page.locator(".run-state")).to_have_attribute("data-status", "done", timeout=30_000)
    expect(page.locator("#run-status")).to_contain_text("0 suggestions")
    page.get_by_role("link", name="Review the suggestions").click()
    expect(page.locator("#suggestions-results")).to_contain_text("No suggestions match")
