"""Editing what a supplier sells and its price breaks, and the price a purchase order line
gets from them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.errors import RoleRequired
from erp.roles import Role
from erp.tenancy import tenant_context
from purchasing.errors import DuplicatePriceBreak, InvalidSupplierItem
from purchasing.models import PriceBreak, PurchaseOrderLine, SupplierItem
from purchasing.services import suppliers as service
from tests.factories import (
    ItemFactory,
    ItemUnitFactory,
    PurchaseOrderFactory,
    SupplierFactory,
    member,
)

pytestmark = pytest.mark.django_db

TERMS = {
    "supplier_sku": "AC-77",
    "pack_size": "12",
    "minimum_order_quantity": "24",
    "price": "1.955",
    "lead_time_days": "3",
    "preferred": "on",
}


@pytest.fixture
def planner(tenant_a):
    return member(tenant_a, Role.PLANNER)


@pytest.fixture
def supplier_item(tenant_a):
    """BEANS (each, case of 12) from ACME at 2.00 per each, not preferred."""
    item = ItemFactory(tenant=tenant_a, sku="BEANS")
    ItemUnitFactory(item=item, code="case", factor=12)
    supplier = SupplierFactory(tenant=tenant_a, code="ACME")
    with tenant_context(tenant_a):
        return SupplierItem.objects.create(
            tenant=tenant_a, supplier=supplier, item=item, price=Decimal("2.00")
        )


def _breaks(tenant, supplier_item) -> list[tuple[Decimal, Decimal]]:
    with tenant_context(tenant):
        return list(
            PriceBreak.objects.filter(supplier_item=supplier_item).values_list(
                "min_quantity", "price"
            )
        )


def _add_break(tenant, user, supplier_item, quantity, price) -> PriceBreak:
    with tenant_context(tenant):
        return service.add_price_break(
            tenant=tenant, user=user, supplier_item=supplier_item,
            min_quantity=Decimal(quantity), price=Decimal(price),
        )  # fmt: skip


def test_planner_edits_the_terms_and_history_names_them(client, tenant_a, planner, supplier_item):
    client.force_login(planner)
    url = reverse("purchasing:supplier_item_edit", args=[supplier_item.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"BEANS from ACME" in page.content
    response = client.post(url, TERMS)
    assert response.status_code == 302
    assert response.url == reverse("purchasing:supplier_detail", args=[supplier_item.supplier_id])
    with tenant_context(tenant_a):
        supplier_item.refresh_from_db()
        assert (supplier_item.supplier_sku, supplier_item.pack_size) == ("AC-77", 12)
        assert supplier_item.minimum_order_quantity == 24
        assert supplier_item.price == Decimal("1.955") and supplier_item.lead_time_days == 3
        assert supplier_item.preferred and not supplier_item.inspection_required
        change = supplier_item.history.first()
        assert (change.history_type, change.history_user) == ("~", planner)


def test_bad_terms_re_render_the_form_with_422(client, tenant_a, planner, supplier_item):
    client.force_login(planner)
    response = client.post(
        reverse("purchasing:supplier_item_edit", args=[supplier_item.pk]),
        {**TERMS, "pack_size": "0", "price": "-1"},
    )
    assert response.status_code == 422
    assert b"greater than or equal to 0.0001" in response.content
    with tenant_context(tenant_a):
        supplier_item.refresh_from_db()
        assert supplier_item.price == Decimal("2.00")


def test_service_refuses_a_negative_price_naming_item_and_supplier(
    tenant_a, planner, supplier_item
):
    supplier_item.price = Decimal("-0.01")
    with tenant_context(tenant_a):
        with pytest.raises(InvalidSupplierItem, match="BEANS from ACME: the price cannot be"):
            service.save_supplier_item(tenant=tenant_a, user=planner, supplier_item=supplier_item)


def test_marking_preferred_unmarks_the_items_other_supplier(tenant_a, planner, supplier_item):
    with tenant_context(tenant_a):
        other = SupplierItem.objects.create(
            tenant=tenant_a, supplier=SupplierFactory(tenant=tenant_a), item=supplier_item.item,
            price=Decimal(3), preferred=True,
        )  # fmt: skip
        supplier_item.preferred = True
        service.save_supplier_item(tenant=tenant_a, user=planner, supplier_item=supplier_item)
        other.refresh_from_db()
        assert not other.preferred
        assert other.history.first().history_user == planner


def test_price_breaks_are_added_and_removed_in_place_with_htmx(
    client, tenant_a, planner, supplier_item
):
    client.force_login(planner)
    add = reverse("purchasing:price_break_add", args=[supplier_item.pk])
    response = client.post(add, {"min_quantity": "100", "price": "1.90"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.templates[0].name == "purchasing/supplier/_price_breaks.html"
    assert b"1.90 USD</td>" in response.content  # the supplier's currency
    client.post(add, {"min_quantity": "500", "price": "1.75"}, HTTP_HX_REQUEST="true")
    assert _breaks(tenant_a, supplier_item) == [
        (Decimal(100), Decimal("1.90")),
        (Decimal(500), Decimal("1.75")),
    ]
    again = client.post(add, {"min_quantity": "100.0", "price": "1.80"}, HTTP_HX_REQUEST="true")
    assert again.status_code == 422
    assert b"BEANS from ACME already has a price break at 100" in again.content
    with tenant_context(tenant_a):
        first = PriceBreak.objects.get(min_quantity=100)
    remove = reverse("purchasing:price_break_remove", args=[first.pk])
    response = client.post(remove, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"1.75" in response.content
    assert _breaks(tenant_a, supplier_item) == [(Decimal(500), Decimal("1.75"))]
    with tenant_context(tenant_a):
        removed = PriceBreak.history.filter(id=first.pk).order_by("history_id")
        assert [(r.history_type, r.history_user) for r in removed] == [
            ("+", planner),
            ("-", planner),
        ]


def test_price_breaks_work_without_htmx(client, tenant_a, planner, supplier_item):
    client.force_login(planner)
    add = reverse("purchasing:price_break_add", args=[supplier_item.pk])
    edit = reverse("purchasing:supplier_item_edit", args=[supplier_item.pk])
    response = client.post(add, {"min_quantity": "50", "price": "1.95"})
    assert (response.status_code, response.url) == (302, edit)
    bad = client.post(add, {"min_quantity": "0", "price": "-1"})
    assert bad.status_code == 422
    assert bad.templates[0].name == "purchasing/supplier/item_edit.html"
    assert b"greater than or equal to 0.0001" in bad.content
    with tenant_context(tenant_a):
        price_break = PriceBreak.objects.get()
    response = client.post(reverse("purchasing:price_break_remove", args=[price_break.pk]))
    assert (response.status_code, response.url) == (302, edit)
    assert _breaks(tenant_a, supplier_item) == []


def test_service_refuses_a_repeated_or_empty_break(tenant_a, planner, supplier_item):
    _add_break(tenant_a, planner, supplier_item, 100, "1.90")
    with pytest.raises(DuplicatePriceBreak, match="remove it first"):
        _add_break(tenant_a, planner, supplier_item, "100.0000", "1.50")
    with pytest.raises(InvalidSupplierItem, match="minimum quantity above 0"):
        _add_break(tenant_a, planner, supplier_item, 0, "1.50")
    with pytest.raises(InvalidSupplierItem, match="cannot be negative"):
        _add_break(tenant_a, planner, supplier_item, 200, "-1")
    assert _breaks(tenant_a, supplier_item) == [(Decimal(100), Decimal("1.90"))]


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.FINANCE, Role.OPERATOR])
def test_only_planners_and_admins_change_terms_and_breaks(tenant_a, planner, supplier_item, role):
    user = member(tenant_a, role)
    price_break = _add_break(tenant_a, planner, supplier_item, 100, "1.90")
    with tenant_context(tenant_a):
        with pytest.raises(RoleRequired):
            service.save_supplier_item(tenant=tenant_a, user=user, supplier_item=supplier_item)
        with pytest.raises(RoleRequired):
            service.add_price_break(
                tenant=tenant_a, user=user, supplier_item=supplier_item,
                min_quantity=Decimal(500), price=Decimal(1),
            )  # fmt: skip
        with pytest.raises(RoleRequired):
            service.remove_price_break(tenant=tenant_a, user=user, price_break=price_break)
    assert _breaks(tenant_a, supplier_item) == [(Decimal(100), Decimal("1.90"))]


def test_supervisors_see_the_terms_but_no_edit_link(client, tenant_a, supplier_item):
    detail = reverse("purchasing:supplier_detail", args=[supplier_item.supplier_id])
    edit = reverse("purchasing:supplier_item_edit", args=[supplier_item.pk])
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    page = client.get(detail).content.decode()
    assert "BEANS" in page and edit not in page
    assert client.get(edit).status_code == 403
    client.force_login(member(tenant_a, Role.ADMIN))
    assert edit in client.get(detail).content.decode()


def test_another_tenants_break_answers_404_and_stays(client, tenant_a, tenant_b):
    item = ItemFactory(tenant=tenant_b)
    with tenant_context(tenant_b):
        theirs = SupplierItem.objects.create(
            tenant=tenant_b, supplier=SupplierFactory(tenant=tenant_b), item=item, price=1
        )
        price_break = PriceBreak.objects.create(
            tenant=tenant_b, supplier_item=theirs, min_quantity=10, price=1
        )
    client.force_login(member(tenant_a, Role.ADMIN))
    response = client.post(reverse("purchasing:price_break_remove", args=[price_break.pk]))
    assert response.status_code == 404
    add = client.post(
        reverse("purchasing:price_break_add", args=[theirs.pk]),
        {"min_quantity": "5", "price": "0"},
    )
    assert add.status_code == 404
    assert _breaks(tenant_b, theirs) == [(Decimal(10), Decimal(1))]


@pytest.mark.parametrize(
    "quantity,unit,cost",
    [
        ("99", "", "2.00"),  # below every break: the item's price
        ("100", "", "1.90"),  # exactly on a break
        ("499", "", "1.90"),
        ("600", "", "1.75"),  # the best break reached
        ("10", "case", "22.80"),  # 120 base units reach the 100 break: 12 * 1.90 per case
        ("50", "case", "21.00"),  # 600 base units: 12 * 1.75
    ],
)
def test_order_line_default_cost_is_the_best_break_reached(
    client, tenant_a, planner, supplier_item, quantity, unit, cost
):
    _add_break(tenant_a, planner, supplier_item, 100, "1.90")
    _add_break(tenant_a, planner, supplier_item, 500, "1.75")
    _add_break(tenant_a, planner, supplier_item, 1000, "1.80")  # higher: never the best
    order = PurchaseOrderFactory(supplier=supplier_item.supplier, tenant=tenant_a)
    client.force_login(planner)
    response = client.post(
        reverse("purchasing:order_add_line", args=[order.pk]),
        {"item": "BEANS", "quantity": quantity, "unit": unit},
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        line = PurchaseOrderLine.objects.get(order=order)
    assert line.unit_cost == Decimal(cost)
