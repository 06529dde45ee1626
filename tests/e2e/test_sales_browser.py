"""In Chromium at phone width: a supervisor enters an order (the ship-to choices follow the
customer), sees the ATP check while typing a line in cases, adds it with its promised date,
confirms, allocates and releases it; the pool and the backorder totals follow their filters
without a page load; no page is wider than the phone."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.ledger import projections
from inventory.models import ProjectionKind
from orders.models import ShipTo
from tests.e2e.keys import sign_in
from tests.e2e.screen import assert_fits
from tests.factories import (
    CustomerFactory,
    ItemFactory,
    ItemUnitFactory,
    TenantFactory,
    bin_in,
    member,
)
from tests.inventory.stock import receive

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 360


def test_order_entry_with_atp_check_to_release_at_phone_width(page: Page, live_server):
    tenant = TenantFactory(slug="sales-e2e", name="Sales E2E")
    pick = bin_in(tenant, bin_type="pick_face", code="P-1")
    item = ItemFactory(tenant=tenant, sku="BEANS", description="Coffee beans")
    ItemUnitFactory(item=item, code="case", factor=12)
    receive(tenant, item, pick, 30)
    other = ItemFactory(tenant=tenant, sku="RARE")
    receive(tenant, other, pick, 1)
    in_five_days = datetime.date.today() + datetime.timedelta(days=5)
    customer = CustomerFactory(tenant=tenant, code="BLUE", name="Blue Door", carrier="UPS")
    with tenant_context(tenant):
        projections.publish(
            tenant=tenant, source_type="e2e_supply", source_id=1, item=item, site=pick.site,
            date=in_five_days, quantity=Decimal(24), kind=ProjectionKind.SCHEDULED_RECEIPT,
        )  # fmt: skip
        for name, city, default in (("Main", "Chicago", True), ("Back door", "Gary", False)):
            ShipTo.objects.create(
                tenant=tenant, customer=customer, name=name, address_line1="1 Main St",
                city=city, is_default=default,
            )  # fmt: skip
    supervisor = member(tenant, Role.SUPERVISOR)

    page.set_viewport_size({"width": WIDTH, "height": 800})
    sign_in(page, live_server.url, supervisor.email)
    page.goto(f"{live_server.url}/sales/orders/new/")
    # The customer is found by part of its name and chosen with the keyboard alone.
    customer_input = page.get_by_role("combobox", name="Customer")
    customer_input.press_sequentially("door", delay=40)
    expect(page.get_by_role("option", name="BLUE Blue Door")).to_be_visible()
    customer_input.press("ArrowDown")
    customer_input.press("Enter")
    expect(customer_input).to_have_value("BLUE")
    expect(page.get_by_role("listbox")).to_be_hidden()
    ship_to = page.get_by_label("Ship to")
    expect(ship_to.locator("option", has_text="Back door, Gary")).to_have_count(1)
    ship_to.select_option(label="Back door, Gary")
    page.get_by_label("Ships from").select_option(index=1)
    page.get_by_role("button", name="Create order").click()
    expect(page.locator(".messages")).to_contain_text("created for Blue Door; add its lines")
    assert_fits(page)

    page.get_by_label("Item").fill("BEANS")
    page.get_by_label("Quantity").fill("4")
    with page.expect_request(lambda r: "/lines/check/" in r.url and "unit=case" in r.url) as sent:
        page.get_by_label("Unit", exact=True).fill("case")
    assert "csrfmiddlewaretoken" not in sent.value.url
    check = page.locator("#atp-check")
    expect(check).to_contain_text("4 case = 48 each")
    expect(check).to_contain_text("30 each can be promised")
    expect(check).to_contain_text(f"{in_five_days:%Y-%m-%d}")
    page.get_by_label("Quantity").fill("2")
    expect(check).to_contain_text("covers the line")
    page.get_by_label("Price per unit").fill("30")
    page.get_by_role("button", name="Add line").click()
    expect(page.locator(".messages")).to_contain_text("Line 1: 2 case of BEANS promised for")
    page.get_by_label("Item").fill("RARE")
    page.get_by_label("Quantity").fill("3")
    page.get_by_label("Price per unit").fill("5")
    page.get_by_role("button", name="Add line").click()
    expect(page.locator(".messages")).to_contain_text("it will be backordered")
    assert_fits(page)

    page.get_by_role("button", name="Confirm order").click()
    expect(page.locator(".messages")).to_contain_text("confirmed, promised for")
    page.get_by_role("button", name="Allocate now").click()
    expect(page.locator(".messages")).to_contain_text("1 line(s) backordered")
    expect(page.locator(".order-lines")).to_contain_text("24")

    page.goto(f"{live_server.url}/sales/backorders/")
    expect(page.locator("#backorders-results")).to_contain_text("RARE")
    expect(page.locator("#backorder-totals")).to_contain_text("1 line ·")
    page.get_by_label("Customer priority").select_option("1")
    expect(page.locator("#backorders-results")).to_contain_text("No backorders match")
    expect(page.locator("#backorder-totals")).not_to_contain_text("1 line ·")
    assert_fits(page)

    page.goto(f"{live_server.url}/sales/pool/")
    rows = page.locator("#pool-results tbody tr")
    expect(rows).to_have_count(1)
    page.get_by_role("checkbox", name="Tick all on this page").check()
    page.get_by_role("button", name="Release ticked orders").click()
    expect(page.locator(".messages")).to_contain_text("Released to warehouse: SO-")
    assert_fits(page)
    with tenant_context(tenant):
        assert ledger.verify(tenant.pk) == []
