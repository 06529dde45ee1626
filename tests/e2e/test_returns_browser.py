"""In Chromium: a supervisor raises an RMA at desk width for 6 of a shipped lot-tracked line
and authorises it; an operator at phone width (360 px) scans the RMA and the item's GS1 label
(lot in the scan) and receives the 6 into the returns area, then grades 4 as new and 2 as
damaged and takes the proposed dispositions (4 restocked with a putaway task, 2 scrapped);
the supervisor proposes the credit, is refused approving it himself, and finance approves
it. Stock, value and the ledger's verification come out as worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum
from playwright.sync_api import Page, expect

from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import LocationKind, StockBalance, StockEntry
from returns.models import Inspection, ReturnAuthorisation
from tests.e2e.keys import scan, sign_in
from tests.e2e.screen import assert_fits
from tests.factories import TenantFactory
from tests.returns.returns_floor import Returns

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}


def test_an_rma_received_inspected_restocked_and_scrapped_then_credited(
    page: Page, live_server, browser
):
    tenant = TenantFactory(slug="returns-e2e", name="Returns E2E")
    r = Returns(tenant, fee="10")
    base = live_server.url

    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(desk, base, r.supervisor.email)
    desk.goto(f"{base}/returns/rmas/new/")
    desk.locator("main").get_by_label("Shipped order").fill(r.order.number)  # typed, as scanned
    desk.locator("main").get_by_label("Reason").select_option("not_needed")
    desk.get_by_role("button", name="Draft RMA").click()
    expect(desk.locator("h1")).to_have_text("RMA RMA-00001")
    form = desk.locator("#rma-line-form")
    form.get_by_label("Order line").select_option(str(r.coffee_line.pk))
    form.get_by_label("Quantity").fill("6")
    form.get_by_label("Lot").fill("L-2030-06")
    desk.get_by_role("button", name="Add line").click()
    desk.get_by_role("button", name="Authorise", exact=True).click()
    expect(desk.locator(".rma-status")).to_have_text("Authorised")
    with tenant_context(tenant):
        rma = ReturnAuthorisation.objects.get()

    page.set_viewport_size(PHONE)
    sign_in(page, base, r.operator.email)
    page.goto(f"{base}/scan/returns/")
    expect(page.get_by_label("Scan the RMA")).to_be_focused()
    scan(page, "RMA-00001")
    expect(page.locator("h1")).to_have_text("Receive RMA-00001")
    expect(page.get_by_label("Scan the item")).to_be_focused()
    # GS1-128 as the scanner sends it: the GTIN, then the lot (last, so no separator).
    scan(page, f"]C101{r.floor.coffee_gtin}10L-2030-06")
    expect(page.get_by_label("Quantity")).to_be_focused()
    scan(page, "6")
    expect(page.locator(".messages")).to_contain_text(
        f"Received 6 each {r.coffee.sku} into RET-01 (QC hold)"
    )
    expect(page.locator("main")).to_contain_text("nothing to receive")
    assert_fits(page)

    page.goto(f"{base}/returns/rmas/{rma.pk}/inspect/")
    grading = page.locator("#inspect-form")
    grading.get_by_label("Grade").select_option("new")
    grading.get_by_label("Quantity").fill("4")
    grading.get_by_role("button", name="Grade").click()
    expect(page.locator(".messages")).to_contain_text("Graded 4 as new: proposed restock")
    grading = page.locator("#inspect-form")
    grading.get_by_label("Grade").select_option("damaged")
    expect(grading.get_by_label("Quantity")).to_have_value("2")
    grading.get_by_role("button", name="Grade").click()
    expect(page.locator(".messages")).to_contain_text("Graded 2 damaged: proposed scrap")
    assert_fits(page)
    with tenant_context(tenant):
        new, damaged = Inspection.objects.order_by("pk")
    page.locator(f"#inspection-{new.pk}").get_by_role("button", name="Confirm disposition").click()
    expect(page.locator(".messages")).to_contain_text("4 sent to restock; putaway")
    page.locator(f"#inspection-{damaged.pk}").get_by_role(
        "button", name="Confirm disposition"
    ).click()
    expect(page.locator(".messages")).to_contain_text("2 sent to scrap; 2.00 written off")
    assert_fits(page)

    desk.goto(f"{base}/returns/rmas/{rma.pk}/")
    expect(desk.locator(".rma-status")).to_have_text("Dispositioned")
    desk.get_by_role("button", name="Propose credit").click()
    expect(desk.locator(".messages")).to_contain_text("awaits approval")
    desk.goto(f"{base}/returns/credits/")
    desk.get_by_role("button", name="Approve").click()
    expect(desk.locator(".messages")).to_contain_text("You requested credit CR-00001")

    finance = browser.new_page(viewport=PHONE)
    sign_in(finance, base, r.finance.email)
    finance.goto(f"{base}/returns/credits/")
    expect(finance.locator(".credit-amount").first).to_contain_text("36.00")
    assert_fits(finance)
    finance.get_by_role("button", name="Approve").click()
    expect(finance.locator(".messages")).to_contain_text("Credit CR-00001 approved")

    desk.goto(f"{base}/returns/rmas/{rma.pk}/")
    expect(desk.locator(".rma-status")).to_have_text("Credited")
    expect(desk.locator(".credit-amount")).to_contain_text("36.00")
    assert_fits(desk)
    # The whole RMA, with its receipts, grades and credit, also fits a phone.
    finance.goto(f"{base}/returns/rmas/{rma.pk}/")
    expect(finance.locator(".rma-status")).to_have_text("Credited")
    assert_fits(finance)

    # 4 available in the returns bin awaiting putaway, none in QC hold, 2 in scrap; the site
    # holds 44 + 4 at 1.00 (6 came back at the 1.00 they left with, 2 went to scrap).
    assert r.on_hand(r.coffee, r.area, lot=r.lot, status="available") == Decimal(4)
    assert r.on_hand(r.coffee, r.area, lot=r.lot, status="qc_hold") == Decimal(0)
    with tenant_context(tenant):
        scrap = ledger.virtual_location(tenant=tenant, kind=LocationKind.SCRAP)
        assert StockBalance.objects.get(item=r.coffee, location=scrap).on_hand == Decimal(2)
        value = StockEntry.objects.filter(item=r.coffee, site=r.floor.site).aggregate(
            v=Sum("value")
        )["v"]
        assert value == Decimal("48.0000")
        new.refresh_from_db()
        assert new.putaway_task.quantity == Decimal(4)
        assert ledger.verify(tenant.pk) == []
