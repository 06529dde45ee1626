"""Customer pages: list with filters, create, edit with history, ship-to addresses, and who
may see or change them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from orders.models import Customer, ShipTo
from tests.factories import CustomerFactory, member

pytestmark = pytest.mark.django_db

NEW = {
    "code": "CAFE-1",
    "name": "Blue Door Café",
    "priority": 1,
    "min_shelf_life_days": 30,
    "carrier": "UPS",
    "route": "CHI-N",
    "email": "orders@bluedoor.example",
    "is_active": "on",
}
ADDRESS = {
    "name": "Blue Door Café",
    "address_line1": "12 W Lake St",
    "city": "Chicago",
    "region": "IL",
    "postal_code": "60601",
    "country": "us",
}


@pytest.fixture
def planner(client, tenant_a):
    client.force_login(member(tenant_a, Role.PLANNER))
    return client


def test_planner_creates_a_customer_then_its_first_address_becomes_the_default(planner, tenant_a):
    response = planner.post(reverse("orders:customer_create"), NEW)
    assert response.status_code == 302
    with tenant_context(tenant_a):
        customer = Customer.objects.get(code="CAFE-1")
    assert response.url == reverse("orders:ship_to_create", args=[customer.pk])
    added = planner.post(response.url, ADDRESS)
    assert added.status_code == 302 and added.url == customer.get_absolute_url()
    with tenant_context(tenant_a):
        address = ShipTo.objects.get(customer=customer)
    assert address.is_default and address.country == "US"
    page = planner.get(customer.get_absolute_url())
    assert b"12 W Lake St" in page.content and b"Default" in page.content


def test_junk_customer_is_refused_with_422_and_messages(planner, tenant_a):
    CustomerFactory(tenant=tenant_a, code="TAKEN")
    spaced = planner.post(reverse("orders:customer_create"), {**NEW, "code": "A B"})
    assert spaced.status_code == 422 and b"cannot be empty or contain spaces" in spaced.content
    taken = planner.post(reverse("orders:customer_create"), {**NEW, "code": "TAKEN"})
    assert taken.status_code == 422 and b"Customer TAKEN already exists." in taken.content
    junk = planner.post(
        reverse("orders:customer_create"),
        {**NEW, "priority": 7, "min_shelf_life_days": -1, "email": "nope"},
    )
    assert junk.status_code == 422
    assert b"Select a valid choice. 7 is not one of the available choices." in junk.content
    assert b"Ensure this value is greater than or equal to 0." in junk.content
    assert b"Enter a valid email address." in junk.content


def test_editing_a_customer_shows_the_change_in_its_history(planner, tenant_a):
    customer = CustomerFactory(tenant=tenant_a, code="HOLD", name="Late Payer")
    url = reverse("orders:customer_detail", args=[customer.pk])
    saved = planner.post(
        url, {**NEW, "code": "HOLD", "name": "Late Payer", "priority": 3, "credit_hold": "on"}
    )
    assert saved.status_code == 302
    page = planner.get(url)
    assert b"is on credit hold" in page.content
    assert b"Credit hold" in page.content and b"Priority" in page.content  # history diff
    bad = planner.post(url, {**NEW, "code": "HOLD", "name": ""})
    assert bad.status_code == 422 and b"This field is required." in bad.content


def test_a_second_default_address_unmarks_the_first(planner, tenant_a):
    customer = CustomerFactory(tenant=tenant_a)
    for name in ("Main", "Branch"):
        planner.post(
            reverse("orders:ship_to_create", args=[customer.pk]),
            {**ADDRESS, "name": name, "is_default": "on"},
        )
    with tenant_context(tenant_a):
        defaults = list(
            ShipTo.objects.filter(customer=customer, is_default=True).values_list("name", flat=True)
        )
        branch = ShipTo.objects.get(name="Branch")
    assert defaults == ["Branch"]
    url = reverse("orders:ship_to_edit", args=[branch.pk])
    unmark = planner.post(url, {**ADDRESS, "name": "Branch"})
    assert unmark.status_code == 422 and b"needs one default ship-to" in unmark.content
    bad_country = planner.post(url, {**ADDRESS, "name": "Branch", "country": "USA"})
    assert (
        bad_country.status_code == 422 and b"not a two-letter country code" in bad_country.content
    )
    assert b"History" in planner.get(url).content


def test_customer_list_filters_by_search_priority_and_credit_hold(planner, tenant_a):
    CustomerFactory(tenant=tenant_a, code="KEY-1", name="Key account", priority=1)
    CustomerFactory(tenant=tenant_a, code="LOW-1", name="Low one", priority=3, credit_hold=True)
    url = reverse("orders:customer_list")
    assert b"KEY-1" in planner.get(url).content
    key = planner.get(url, {"priority": 1}).content
    assert b"KEY-1" in key and b"LOW-1" not in key
    held = planner.get(url, {"credit_hold": "true"}).content
    assert b"LOW-1" in held and b"KEY-1" not in held
    found = planner.get(
        url, {"q": "low"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="customers-results"
    )
    assert b"LOW-1" in found.content and b"<html" not in found.content


def test_finance_reads_customers_but_cannot_change_them(client, tenant_a):
    customer = CustomerFactory(tenant=tenant_a, name="Read Only Ltd")
    client.force_login(member(tenant_a, Role.FINANCE))
    assert client.get(reverse("orders:customer_list")).status_code == 200
    page = client.get(customer.get_absolute_url())
    assert page.status_code == 200 and b"Read Only Ltd" in page.content
    assert b'<form method="post" class="stacked panel">' not in page.content
    assert client.post(customer.get_absolute_url(), NEW).status_code == 403
    assert client.get(reverse("orders:customer_create")).status_code == 403


def test_operators_see_no_customers(client, tenant_a):
    client.force_login(member(tenant_a, Role.OPERATOR))
    assert client.get(reverse("orders:customer_list")).status_code == 403


def test_another_tenants_customer_answers_404(planner, tenant_b):
    other = CustomerFactory(tenant=tenant_b)
    assert planner.get(reverse("orders:customer_detail", args=[other.pk])).status_code == 404
    assert (
        planner.post(reverse("orders:ship_to_create", args=[other.pk]), ADDRESS).status_code == 404
    )
