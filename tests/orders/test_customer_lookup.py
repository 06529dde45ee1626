"""Customers are picked by search-as-you-type (issue 8, finding 8): the lookup offers the
tenant's active customers by code or name, bounds what it is sent, and the order form takes
the typed code, so the field works without JavaScript too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from orders.models import SalesOrder, ShipTo
from tests.factories import CustomerFactory, SiteFactory, member
from tests.lookups import BAD_QUERIES, offered

pytestmark = pytest.mark.django_db

URL = reverse("orders:customer_lookup")


@pytest.fixture
def planner(tenant_a, client):
    client.force_login(member(tenant_a, Role.PLANNER))
    return client


@pytest.fixture
def customers(tenant_a, tenant_b):
    made = {
        "BLUE": CustomerFactory(tenant=tenant_a, code="BLUE", name="Blue Door Cafés"),
        "BLUEBIRD": CustomerFactory(tenant=tenant_a, code="BLUEBIRD", name="Bluebird Inn"),
        "LAKE": CustomerFactory(tenant=tenant_a, code="LAKE", name="Lakeside Blue Grocers"),
        "OLD": CustomerFactory(tenant=tenant_a, code="OLDBLUE", name="Gone", is_active=False),
    }
    CustomerFactory(tenant=tenant_b, code="BLUEB", name="Bravo's Blue customer")
    return made


def test_the_lookup_offers_codes_then_names_exact_code_first(planner, customers):
    assert offered(planner, URL, "blue") == ["BLUE", "BLUEBIRD", "LAKE"]
    assert offered(planner, URL, "bird") == ["BLUEBIRD"]
    assert offered(planner, URL, "cafés") == ["BLUE"]


def test_another_tenants_and_inactive_customers_never_appear(planner, customers):
    codes = offered(planner, URL, "B")
    assert "BLUEB" not in codes and "OLDBLUE" not in codes
    assert offered(planner, URL, "Bravo") == []


def test_the_lookup_bounds_its_input(planner, customers):
    for query in BAD_QUERIES:
        assert offered(planner, URL, query) == []
    assert offered(planner, URL, "") == []


def test_the_lookup_is_a_get_for_sales_roles_only(client, tenant_a, customers):
    client.force_login(member(tenant_a, Role.OPERATOR))
    assert client.get(URL, {"q": "blue"}).status_code == 403
    client.force_login(member(tenant_a, Role.PLANNER))
    assert client.post(URL, {"q": "blue"}).status_code == 405


def test_the_order_form_renders_the_customer_as_a_lookup(planner, customers):
    page = planner.get(reverse("orders:order_create")).content.decode()
    assert 'role="combobox"' in page and f'hx-get="{URL}"' in page
    assert 'hx-trigger="input changed delay:250ms"' in page
    assert '<select name="customer"' not in page


def test_the_order_form_takes_a_typed_code_and_refuses_anothers(planner, tenant_a, customers):
    site = SiteFactory(tenant=tenant_a)
    url = reverse("orders:order_create")
    data = {"site": site.pk, "requested_date": "2030-01-02"}
    made = planner.post(url, {**data, "customer": "bluebird"})  # case as typed
    assert made.status_code == 302
    with tenant_context(tenant_a):
        assert SalesOrder.objects.get().customer == customers["BLUEBIRD"]
    for code in ("BLUEB", "OLDBLUE", "NOPE", "B" * 10_000, "BL\x00UE"):
        refused = planner.post(url, {**data, "customer": code})
        assert refused.status_code == 422
        assert b"No active customer has the code" in refused.content


def test_a_link_with_the_customers_id_shows_its_code_and_addresses(planner, tenant_a, customers):
    blue = customers["BLUE"]
    with tenant_context(tenant_a):
        ShipTo.objects.create(
            tenant=tenant_a, customer=blue, name="Back door", address_line1="x", city="Gary"
        )
    page = planner.get(reverse("orders:order_create"), {"customer": blue.pk}).content.decode()
    assert 'value="BLUE"' in page and "Back door, Gary" in page
    options = planner.get(reverse("orders:order_ship_tos"), {"customer": "BLUE"})
    assert b"Back door, Gary" in options.content
