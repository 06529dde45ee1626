"""Suppliers and items are picked by search-as-you-type on the purchase order forms (issue 8,
finding 8); the order form takes the typed supplier code."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from purchasing.models import PurchaseOrder
from tests.factories import PurchaseOrderFactory, SiteFactory, SupplierFactory, member
from tests.lookups import BAD_QUERIES, offered

pytestmark = pytest.mark.django_db

URL = reverse("purchasing:supplier_lookup")


@pytest.fixture
def planner(tenant_a, client):
    client.force_login(member(tenant_a, Role.PLANNER))
    return client


@pytest.fixture
def suppliers(tenant_a, tenant_b):
    SupplierFactory(tenant=tenant_a, code="ROAST", name="Roastery Partners")
    SupplierFactory(tenant=tenant_a, code="PACK", name="Packaging and Roast Supplies")
    SupplierFactory(tenant=tenant_a, code="ROASTOLD", name="Gone", is_active=False)
    SupplierFactory(tenant=tenant_b, code="ROASTB", name="Bravo's roaster")


def test_suppliers_match_by_code_then_name_of_this_tenant_only(planner, suppliers):
    assert offered(planner, URL, "roast") == ["ROAST", "PACK"]
    assert offered(planner, URL, "bravo") == []


def test_the_lookup_bounds_its_input_and_is_get_only(planner, suppliers):
    for query in BAD_QUERIES:
        assert offered(planner, URL, query) == []
    assert planner.post(URL, {"q": "roast"}).status_code == 405


def test_the_order_form_takes_a_typed_supplier_code(planner, tenant_a, suppliers):
    site = SiteFactory(tenant=tenant_a)
    url = reverse("purchasing:order_create")
    page = planner.get(url).content.decode()
    assert f'hx-get="{URL}"' in page and 'role="combobox"' in page
    data = {"site": site.pk, "expected_date": "2030-05-01"}
    assert planner.post(url, {**data, "supplier": "ROAST"}).status_code == 302
    with tenant_context(tenant_a):
        assert PurchaseOrder.objects.get().supplier.code == "ROAST"
    refused = planner.post(url, {**data, "supplier": "ROASTB"})
    assert refused.status_code == 422 and b"No active supplier has the code" in refused.content


def test_the_order_line_form_offers_the_item_lookup(planner, tenant_a):
    order = PurchaseOrderFactory(supplier=SupplierFactory(tenant=tenant_a))
    page = planner.get(reverse("purchasing:order_detail", args=[order.pk])).content.decode()
    assert f'hx-get="{reverse("inventory:item_lookup")}"' in page
