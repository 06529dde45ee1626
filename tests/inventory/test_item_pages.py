"""Item master pages: the filtered list, create and edit forms, the item page with its units,
stock, ATP, projections, ledger and history, and the unit pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.ledger import projections
from inventory.models import Item, ItemUnit, LocationKind, ProjectionKind
from tests.factories import ItemFactory, ItemUnitFactory, LotFactory, bin_in, member
from tests.inventory.stock import loc, receive

pytestmark = pytest.mark.django_db

ITEM = {
    "sku": "GLV-M",
    "description": "Nitrile gloves M",
    "category": "safety",
    "base_unit": "each",
    "tracking": "none",
    "costing_method": "fifo",
    "standard_cost": "0.12",
    "is_active": "on",
}


@pytest.fixture
def planner_client(client, tenant_a):
    client.force_login(member(tenant_a, Role.PLANNER))
    return client


def test_planner_creates_an_item_and_lands_on_its_page(planner_client, tenant_a):
    response = planner_client.post(reverse("inventory:item_create"), ITEM)
    assert response.status_code == 302
    with tenant_context(tenant_a):
        item = Item.objects.get(sku="GLV-M")
        assert list(item.units.values_list("code", "factor")) == [("each", Decimal(1))]
    assert response.url == reverse("inventory:item_detail", args=[item.pk])
    page = planner_client.get(response.url)
    assert b"Nitrile gloves M" in page.content and b"safety" in page.content


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"sku": "GLV M"}, b"cannot be empty or contain spaces"),
        ({"tracking": "serial", "divisible": "on"}, b"serial-tracked item cannot be divisible"),
        ({"expiry_required": "on"}, b"needs lot or serial tracking"),
        ({"standard_cost": "-1"}, b"greater than or equal to 0"),
        ({"tracking": "batch"}, b"Select a valid choice"),
    ],
)
def test_bad_item_input_is_refused_with_a_message(planner_client, changes, message):
    response = planner_client.post(reverse("inventory:item_create"), ITEM | changes)
    assert response.status_code == 422
    assert message in response.content


def test_duplicate_sku_is_refused_on_the_form(planner_client, tenant_a):
    ItemFactory(tenant=tenant_a, sku="GLV-M")
    response = planner_client.post(reverse("inventory:item_create"), ITEM)
    assert response.status_code == 422 and b"Item GLV-M already exists" in response.content


def test_editing_tracking_of_a_stocked_item_is_refused_with_the_facts(planner_client, tenant_a):
    item = ItemFactory(tenant=tenant_a, sku="GLV-M")
    receive(tenant_a, item, bin_in(tenant_a), 10)
    response = planner_client.post(
        reverse("inventory:item_edit", args=[item.pk]), ITEM | {"tracking": "lot"}
    )
    assert response.status_code == 422
    assert b"The tracking of GLV-M cannot change from None to Lot" in response.content


def test_edit_is_shown_in_the_item_history(planner_client, tenant_a):
    item = ItemFactory(tenant=tenant_a, sku="GLV-M", description="Old text")
    response = planner_client.post(
        reverse("inventory:item_edit", args=[item.pk]), ITEM | {"description": "New text"}
    )
    assert response.status_code == 302
    page = planner_client.get(reverse("inventory:item_detail", args=[item.pk])).content.decode()
    assert "Old text" in page and "New text" in page


def _list(client, **params):
    return client.get(reverse("inventory:item_list"), params).content.decode()


def test_list_filters_on_the_server(planner_client, tenant_a):
    ItemFactory(tenant=tenant_a, sku="A-1", description="Red paint", category="paint")
    ItemFactory(
        tenant=tenant_a, sku="B-2", description="Blue paint", category="paint", abc_class="A"
    )
    ItemFactory(tenant=tenant_a, sku="C-3", description="Bolt", category="hardware", tracking="lot")
    ItemFactory(tenant=tenant_a, sku="D-4", description="Nut", velocity_class="fast")
    ItemFactory(tenant=tenant_a, sku="E-5", description="Old nut", is_active=False)
    ItemFactory(sku="X-9", description="Other tenant's paint")

    def skus(**params):
        return {
            s
            for s in ("A-1", "B-2", "C-3", "D-4", "E-5", "X-9")
            if s in _list(planner_client, **params)
        }

    assert skus() == {"A-1", "B-2", "C-3", "D-4", "E-5"}
    assert skus(q="paint") == {"A-1", "B-2"}
    assert skus(q="c-3") == {"C-3"}
    assert skus(category="paint") == {"A-1", "B-2"}
    assert skus(tracking="lot") == {"C-3"}
    assert skus(abc_class="A") == {"B-2"}
    assert skus(velocity_class="fast") == {"D-4"}
    assert skus(is_active="false") == {"E-5"}


def test_list_pages_and_shows_on_hand_in_real_locations(planner_client, tenant_a):
    for n in range(30):
        ItemFactory(tenant=tenant_a, sku=f"P-{n:02}")
    with tenant_context(tenant_a):
        stocked = Item.objects.get(sku="P-00")
    receive(tenant_a, stocked, bin_in(tenant_a), 7)
    first = _list(planner_client)
    assert "30 rows" in first and "page 1 of 2" in first and "P-24" in first
    assert "P-25" not in first
    assert ">7<" in first.replace(" ", "")
    second = planner_client.get(
        reverse("inventory:item_list"),
        {"page": 2},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="items-results",
    ).content.decode()
    assert "<html" not in second and "P-29" in second


def _stocked_item(tenant, user):
    """An item with two lots in one bin, a move by `user` and a projection at its site."""
    item = ItemFactory(tenant=tenant, sku="LOT-1", tracking="lot")
    ItemUnitFactory(item=item, code="case", factor=12, gtin="04006381333931")
    bin = bin_in(tenant, code="A-01-01")
    other = bin_in(tenant, site=bin.site, code="B-02-02")
    lot_a = LotFactory(item=item, code="L-A", expiry_date=datetime.date(2031, 1, 31))
    lot_b = LotFactory(item=item, code="L-B")
    receive(tenant, item, bin, 10, lot=lot_a)
    receive(tenant, item, bin, 5, lot=lot_b, status="qc_hold")
    with tenant_context(tenant):
        ledger.post(
            tenant=tenant,
            user=user,
            kind="move",
            reference="MV-77",
            moves=[
                ledger.Move(
                    item=item,
                    quantity=Decimal(3),
                    source=loc(bin),
                    destination=loc(other),
                    lot=lot_a,
                )
            ],
        )
        projections.publish(
            tenant=tenant,
            source_type="so_line",
            source_id=1,
            item=item,
            site=bin.site,
            date=timezone.localdate() + datetime.timedelta(days=2),
            quantity=Decimal(4),
            kind=ProjectionKind.DEMAND,
            reference="SO-1001/1",
        )
    return item, bin


def test_item_page_shows_units_stock_atp_projections_and_ledger(client, tenant_a):
    user = member(tenant_a, Role.FINANCE, user__email="finance@alpha.test")
    item, bin = _stocked_item(tenant_a, user)
    client.force_login(user)
    page = client.get(reverse("inventory:item_detail", args=[item.pk])).content.decode()
    # units
    assert "04006381333931" in page and "12 each" in page
    # stock by bin, lot and status (real locations only)
    stock = page.split('id="stock-results"')[1].split("</table>")[0]
    assert "A-01-01" in stock and "B-02-02" in stock and "L-A" in stock and "2031-01-31" in stock
    assert "QC hold" in stock and "supplier" not in stock
    # ATP: 7 available now, 4 demanded in two days
    atp = page.split('class="item-atp"')[1].split("</section>")[0]
    assert bin.site.code in atp and "(10 available now)" in atp
    # projections
    assert "SO-1001/1" in page and "Sales demand" in page
    # ledger, newest first, with who posted it
    ledger_rows = page.split('id="ledger-results"')[1].split("</table>")[0]
    assert ledger_rows.index("MV-77") < ledger_rows.index("Receipt")
    assert "finance@alpha.test" in ledger_rows or user.full_name in ledger_rows
    # finance reads but does not edit
    assert "Edit item" not in page and "Add unit" not in page


def test_item_page_tables_page_on_their_own(planner_client, tenant_a):
    item = ItemFactory(tenant=tenant_a)
    bin = bin_in(tenant_a)
    for n in range(15):
        receive(tenant_a, item, bin, 1, key=f"r-{n}")
    url = reverse("inventory:item_detail", args=[item.pk])
    response = planner_client.get(url)
    page = response.content.decode()
    assert "25 rows shown" in page and "ledger-cursor=" in page
    cursor = response.context["ledger"].page.next_cursor
    partial = planner_client.get(
        url, {"ledger-cursor": cursor}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ledger-results"
    ).content.decode()
    assert "<html" not in partial and "5 rows shown" in partial


def test_item_page_queries_do_not_grow_with_its_rows(planner_client, tenant_a):
    def queries(item):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            planner_client.get(reverse("inventory:item_detail", args=[item.pk]))
        return len(captured)

    small = ItemFactory(tenant=tenant_a)
    receive(tenant_a, small, bin_in(tenant_a), 1)
    large, _ = _stocked_item(tenant_a, member(tenant_a, Role.ADMIN))
    for _ in range(5):
        receive(tenant_a, large, bin_in(tenant_a), 1, lot=LotFactory(item=large))
    # ATP takes two queries per site (the large item is at 6 sites, the small one at 1), and
    # the small item's empty projections table skips its row query; nothing else may grow.
    assert queries(large) - queries(small) <= 2 * 5 + 1


def test_unit_pages_add_edit_and_remove(planner_client, tenant_a):
    item = ItemFactory(tenant=tenant_a, sku="GLV-M")
    add = reverse("inventory:unit_create", args=[item.pk])
    bad = planner_client.post(add, {"code": "case", "factor": "12", "gtin": "4006381333932"})
    assert bad.status_code == 422 and b"Invalid GTIN check digit" in bad.content
    fraction = planner_client.post(add, {"code": "half", "factor": "0.5"})
    assert fraction.status_code == 422 and b"whole number of each" in fraction.content
    good = planner_client.post(
        add, {"code": "case", "factor": "12", "gtin": "4006381333931", "weight_kg": "3.2"}
    )
    assert good.status_code == 302
    with tenant_context(tenant_a):
        unit = ItemUnit.objects.get(item=item, code="case")
    assert unit.gtin == "04006381333931" and unit.weight_kg == Decimal("3.2")
    edited = planner_client.post(
        reverse("inventory:unit_edit", args=[unit.pk]), {"code": "case", "factor": "24"}
    )
    assert edited.status_code == 302
    confirm = planner_client.get(reverse("inventory:unit_remove", args=[unit.pk]))
    assert b"Remove case" in confirm.content
    planner_client.post(reverse("inventory:unit_remove", args=[unit.pk]))
    with tenant_context(tenant_a):
        assert not ItemUnit.objects.filter(pk=unit.pk).exists()


def test_virtual_locations_are_not_stock(planner_client, tenant_a):
    item = ItemFactory(tenant=tenant_a)
    bin = bin_in(tenant_a)
    receive(tenant_a, item, bin, 4)
    with tenant_context(tenant_a):
        ledger.post(
            tenant=tenant_a,
            user=None,
            kind="shipment",
            moves=[
                ledger.Move(
                    item=item,
                    quantity=Decimal(4),
                    source=loc(bin),
                    destination=ledger.virtual_location(
                        tenant=tenant_a, kind=LocationKind.CUSTOMER
                    ),
                )
            ],
        )
    page = planner_client.get(reverse("inventory:item_detail", args=[item.pk])).content.decode()
    assert "No stock in any bin." in page
