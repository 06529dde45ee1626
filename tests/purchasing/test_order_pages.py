"""Supplier and purchase order pages: create, add lines, act, PDF."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from erp.roles import Role
from erp.tenancy import tenant_context
from purchasing.models import PurchaseOrder, Supplier, SupplierItem
from tests.factories import ItemFactory, ItemUnitFactory, SiteFactory, SupplierFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(client, tenant_a):
    client.force_login(member(tenant_a, Role.PLANNER))
    return client


def test_planner_creates_a_supplier_and_refuses_a_bad_currency(planner, tenant_a):
    ok = planner.post(
        reverse("purchasing:supplier_create"),
        {
            "code": "ACME",
            "name": "Acme",
            "default_lead_time_days": 4,
            "over_receipt_tolerance_pct": "2.5",
            "currency": "eur",
            "is_active": "on",
        },
    )
    assert ok.status_code == 302
    with tenant_context(tenant_a):
        assert Supplier.objects.get(code="ACME").currency == "EUR"
    bad = planner.post(
        reverse("purchasing:supplier_create"),
        {
            "code": "B",
            "name": "B",
            "default_lead_time_days": 4,
            "over_receipt_tolerance_pct": "150",
            "currency": "EURO",
        },
    )
    assert bad.status_code == 422
    assert b"three-letter ISO 4217" in bad.content and b"less than or equal to 100" in bad.content


def test_order_from_draft_to_sent_with_supplier_price_and_pdf(planner, tenant_a):
    supplier = SupplierFactory(tenant=tenant_a, name="Acme Foods")
    site = SiteFactory(tenant=tenant_a)
    item = ItemFactory(tenant=tenant_a, sku="BEANS")
    ItemUnitFactory(item=item, code="case", factor=12)
    with tenant_context(tenant_a):
        SupplierItem.objects.create(
            tenant=tenant_a, supplier=supplier, item=item, price=Decimal("2.00")
        )
    response = planner.post(
        reverse("purchasing:order_create"),
        {"supplier": supplier.pk, "site": site.pk, "expected_date": "2030-05-01"},
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        order = PurchaseOrder.objects.get()
    add = planner.post(
        reverse("purchasing:order_add_line", args=[order.pk]),
        {"item": "beans", "quantity": "3", "unit": "case"},
    )
    assert add.status_code == 302
    bad = planner.post(
        reverse("purchasing:order_add_line", args=[order.pk]), {"item": "NOPE", "quantity": "3"}
    )
    assert bad.status_code == 422 and b"No item with SKU or GTIN" in bad.content
    page = planner.get(reverse("purchasing:order_detail", args=[order.pk]))
    assert b"72.00" in page.content  # 36 each at 2.00, priced per case: 24.00 x 3
    for action in ("approve", "send"):
        assert (
            planner.post(
                reverse("purchasing:order_action", args=[order.pk]), {"action": action}
            ).status_code
            == 302
        )
    illegal = planner.post(
        reverse("purchasing:order_action", args=[order.pk]), {"action": "cancel"}
    )
    assert illegal.status_code == 422 and b"cannot go from sent to cancelled" in illegal.content
    pdf = planner.get(reverse("purchasing:order_pdf", args=[order.pk]))
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert order.number in text and "BEANS" in text and "72.00" in text and "Acme Foods" in text


def test_supervisor_sees_orders_but_cannot_create_them(client, tenant_a):
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    assert client.get(reverse("purchasing:order_list")).status_code == 200
    assert client.get(reverse("purchasing:order_create")).status_code == 403
