"""Stock on hand page: bin balances with available stock, filtered, totalled and paged on the
server, for supervisors, planners, finance and admins only."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from erp.navigation import menu_for
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import LocationKind
from tests.factories import ItemFactory, LotFactory, SiteFactory, ZoneFactory, bin_in, member
from tests.inventory.pages import htmx_get, post_move, rows
from tests.inventory.stock import loc, receive

pytestmark = pytest.mark.django_db

URL = reverse("inventory:stock_list")


@pytest.fixture
def stock(tenant_a):
    """Two sites; apples in CHI (some reserved), pears in ATL, a lot-tracked milk in CHI."""
    chi = SiteFactory(tenant=tenant_a, code="CHI")
    atl = SiteFactory(tenant=tenant_a, code="ATL")
    pick = ZoneFactory(site=chi, code="PCK")
    bulk = ZoneFactory(site=chi, code="BLK")
    a1 = bin_in(tenant_a, site=chi, zone=pick, code="A-01")
    b1 = bin_in(tenant_a, site=chi, zone=bulk, code="B-01")
    atl1 = bin_in(tenant_a, site=atl, code="ATL-01")
    apple = ItemFactory(tenant=tenant_a, sku="APPLE", description="Red apple")
    pear = ItemFactory(tenant=tenant_a, sku="PEAR", description="Green pear")
    milk = ItemFactory(tenant=tenant_a, sku="MILK", description="Whole milk", tracking="lot")
    today = timezone.localdate()
    fresh = LotFactory(item=milk, code="L-FRESH", expiry_date=today + datetime.timedelta(days=60))
    soon = LotFactory(item=milk, code="L-SOON", expiry_date=today + datetime.timedelta(days=5))
    old = LotFactory(item=milk, code="L-OLD", expiry_date=today - datetime.timedelta(days=3))
    receive(tenant_a, apple, a1, 10)
    receive(tenant_a, pear, atl1, 7)
    receive(tenant_a, milk, b1, 4, lot=fresh)
    receive(tenant_a, milk, b1, 3, lot=soon)
    receive(tenant_a, milk, b1, 2, lot=old, status="expired")
    with tenant_context(tenant_a):
        ledger.reserve(
            tenant=tenant_a,
            user=None,
            item=apple,
            location=loc(a1),
            quantity=Decimal(4),
            source_type="test",
            source_id=1,
        )
    return {"chi": chi, "atl": atl, "pick": pick, "a1": a1, "b1": b1, "apple": apple}


@pytest.fixture
def planner_client(client, tenant_a):
    client.force_login(member(tenant_a, Role.PLANNER))
    return client


def _keys(response) -> set[tuple[str, str]]:
    return {(row.item.sku, row.lot.code if row.lot else "") for row in rows(response)}


def test_stock_page_shows_bin_stock_with_available_and_totals(planner_client, stock):
    response = planner_client.get(URL)
    assert response.status_code == 200
    assert _keys(response) == {
        ("APPLE", ""),
        ("PEAR", ""),
        ("MILK", "L-FRESH"),
        ("MILK", "L-SOON"),
        ("MILK", "L-OLD"),
    }
    apple = next(row for row in rows(response) if row.item.sku == "APPLE")
    assert (apple.on_hand, apple.reserved, apple.available) == (10, 4, 6)
    assert apple.location.bin.zone.code == "PCK"
    totals = response.context["figures"]
    assert totals["rows"] == 5 and response.context["table"].page.paginator.count == 5
    assert (totals["total_on_hand"], totals["total_reserved"], totals["total_available"]) == (
        26,
        4,
        22,
    )
    text = response.content.decode()
    assert "Red apple" in text and "A-01" in text and "Expired" in text


def test_virtual_locations_and_emptied_bins_are_not_listed(planner_client, tenant_a, stock):
    post_move(tenant_a, stock["apple"], stock["a1"], LocationKind.CUSTOMER, 6, kind="shipment")
    with tenant_context(tenant_a):
        ledger.release_source(tenant=tenant_a, user=None, source_type="test", source_id=1)
    post_move(tenant_a, stock["apple"], stock["a1"], LocationKind.CUSTOMER, 4, kind="shipment")
    response = planner_client.get(URL)
    assert "APPLE" not in {row.item.sku for row in rows(response)}
    assert all(row.location.kind == LocationKind.BIN for row in rows(response))


@pytest.mark.parametrize(
    "query,expected",
    [
        ({"site": "atl"}, {("PEAR", "")}),
        ({"zone": "pick"}, {("APPLE", "")}),
        ({"bin": "b-0"}, {("MILK", "L-FRESH"), ("MILK", "L-SOON"), ("MILK", "L-OLD")}),
        ({"item": "green"}, {("PEAR", "")}),
        ({"item": "APP"}, {("APPLE", "")}),
        ({"lot": "soon"}, {("MILK", "L-SOON")}),
        ({"status": "expired"}, {("MILK", "L-OLD")}),
        ({"expiry": "expired"}, {("MILK", "L-OLD")}),
        ({"expiry": "not_expired"}, {("MILK", "L-FRESH"), ("MILK", "L-SOON")}),
        ({"expiry": "none"}, {("APPLE", ""), ("PEAR", "")}),
        ({"expires_within": "10"}, {("MILK", "L-SOON")}),
        ({"expiry_from": 0, "expiry_to": 90}, {("MILK", "L-FRESH"), ("MILK", "L-SOON")}),
        ({"expiry_to": 0}, {("MILK", "L-OLD")}),
        (
            {"site": "chi", "item": "milk", "expires_within": "100"},
            {("MILK", "L-FRESH"), ("MILK", "L-SOON")},
        ),
    ],
)
def test_filters_narrow_the_rows_on_the_server(planner_client, stock, query, expected):
    today = timezone.localdate()
    data = {}
    for key, value in query.items():
        if key in ("site", "zone"):
            value = stock[value].pk
        elif key.startswith("expiry_"):
            value = (today + datetime.timedelta(days=value)).isoformat()
        data[key] = value
    response = planner_client.get(URL, data)
    assert _keys(response) == expected


def test_totals_follow_the_filters(planner_client, stock):
    response = planner_client.get(URL, {"site": stock["chi"].pk, "item": "milk"})
    totals = response.context["figures"]
    assert totals["rows"] == 3 and totals["total_on_hand"] == 9 and totals["total_reserved"] == 0


def test_an_invalid_filter_shows_nothing_rather_than_everything(planner_client, stock):
    response = planner_client.get(URL, {"expires_within": "soon"})
    assert rows(response) == [] and response.context["figures"]["rows"] == 0
    assert "Enter a whole number" in response.content.decode()


def test_htmx_request_for_the_results_gets_only_the_rows_and_the_totals(planner_client, stock):
    response = htmx_get(planner_client, URL, "stock-results", {"site": stock["atl"].pk})
    text = response.content.decode()
    assert "<html" not in text and 'class="filters"' not in text
    assert 'id="stock-results"' in text
    assert 'id="stock-totals" class="panel" hx-swap-oob="true"' in text
    assert "Green pear" in text and "Red apple" not in text


def test_another_tenants_stock_is_not_shown(planner_client, tenant_b, stock):
    receive(tenant_b, ItemFactory(tenant=tenant_b, sku="FOREIGN"), bin_in(tenant_b), 5)
    response = planner_client.get(URL, {"item": "FOREIGN"})
    assert rows(response) == []


def test_another_tenants_site_is_not_a_valid_filter(planner_client, tenant_b, stock):
    foreign = SiteFactory(tenant=tenant_b)
    response = planner_client.get(URL, {"site": foreign.pk})
    assert rows(response) == []
    assert "Select a valid choice" in response.content.decode()


def test_rows_are_paged_on_the_server(planner_client, tenant_a, stock):
    item = ItemFactory(tenant=tenant_a, sku="BOLT")
    for _ in range(55):
        receive(tenant_a, item, bin_in(tenant_a, site=stock["chi"], zone=stock["pick"]), 1)
    first = planner_client.get(URL, {"item": "BOLT"})
    second = planner_client.get(URL, {"item": "BOLT", "page": 2})
    assert len(rows(first)) == 50 and len(rows(second)) == 5
    assert first.context["figures"]["total_on_hand"] == 55


def test_query_count_does_not_grow_with_the_rows(planner_client, tenant_a, stock):
    with CaptureQueriesContext(connection) as few:
        planner_client.get(URL, {"item": "APPLE"})
    with CaptureQueriesContext(connection) as many:
        planner_client.get(URL)
    assert len(many) == len(few)


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.FINANCE, Role.ADMIN])
def test_the_other_stock_roles_open_the_page(client, tenant_a, role):
    client.force_login(member(tenant_a, role))
    response = client.get(URL)
    assert response.status_code == 200
    assert "No stock is on hand" in response.content.decode()


def test_operators_are_refused(client, tenant_a):
    client.force_login(member(tenant_a, Role.OPERATOR))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(
    "role,expected",
    [
        (Role.OPERATOR, []),
        (Role.PLANNER, ["Items", "Item import", "Stock on hand", "ABC/XYZ segments"]),
        (
            Role.SUPERVISOR,
            ["Items", "Stock on hand", "Ledger", "Adjustments", "ABC/XYZ segments"],
        ),
        (Role.FINANCE, ["Items", "Stock on hand", "Ledger", "Valuation"]),
        (
            Role.ADMIN,
            [
                "Items",
                "Item import",
                "Stock on hand",
                "Ledger",
                "Valuation",
                "Adjustments",
                "ABC/XYZ segments",
            ],
        ),
    ],
)
def test_menu_offers_each_role_the_inventory_pages_it_may_open(role, expected):
    sections = {s["title"]: s["links"] for s in menu_for(role, "/")}
    assert [str(link["label"]) for link in sections.get("Inventory", [])] == expected
