"""Customers through the API: list with their addresses, one, create through the customers
service; who may, other tenants, bad input, paging and Idempotency-Key."""

from __future__ import annotations

import pytest
from django.utils import timezone

from erp.roles import Role
from erp.tenancy import tenant_context
from orders.models import Customer, ShipTo
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

NEW = {"code": "BLUE", "name": "Blue Door Cafe", "priority": 1, "carrier": "UPS"}


def test_create_then_read_with_addresses(tenant_a, api_as):
    api = api_as(tenant_a, Role.SUPERVISOR)
    made = api.post("/customers", NEW, key="c-1")
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["code"], body["priority"], body["carrier"]) == ("BLUE", 1, "UPS")
    assert body["ship_tos"] == [] and body["credit_hold"] is False
    with tenant_context(tenant_a):
        customer = Customer.objects.get()
        assert customer.history.get().history_user.is_api_client
        ShipTo.objects.create(
            tenant=tenant_a, customer=customer, name="Main", address_line1="1 Main St",
            city="Chicago", is_default=True,
        )  # fmt: skip
    read = api.get(f"/customers/{body['id']}").json()
    assert [(a["name"], a["city"], a["is_default"]) for a in read["ship_tos"]] == [
        ("Main", "Chicago", True)
    ]
    assert [c["code"] for c in api.get("/customers", code="BLUE").json()["items"]] == ["BLUE"]


def test_bad_input_is_refused_with_a_code(tenant_a, api_as):
    CustomerFactory(tenant=tenant_a, code="BLUE")
    api = api_as(tenant_a, Role.PLANNER)
    taken = api.post("/customers", NEW)
    assert taken.status_code == 400 and taken.json()["code"] == "duplicate_customer"
    for wrong in (
        {"priority": 4},
        {"code": "A B"},
        {"email": "nope"},
        {"min_shelf_life_days": -3},
        {"route": "R" * 41},
    ):
        refused = api.post("/customers", NEW | {"code": "NEW"} | wrong)
        assert refused.status_code == 422 and refused.json()["code"] == "invalid_request", wrong
    with tenant_context(tenant_a):
        assert Customer.objects.count() == 1


def test_roles_outside_the_sets_get_403(tenant_a, api_as):
    customer = CustomerFactory(tenant=tenant_a)
    finance = api_as(tenant_a, Role.FINANCE)
    assert finance.get(f"/customers/{customer.pk}").status_code == 200
    refused = finance.post("/customers", NEW)
    assert refused.status_code == 403 and refused.json()["code"] == "role_required"
    assert api_as(tenant_a, Role.OPERATOR).get("/customers").status_code == 403
    with tenant_context(tenant_a):
        assert Customer.objects.count() == 1


def test_another_tenants_customers_are_404_and_never_listed(tenant_a, tenant_b, api_as):
    theirs = CustomerFactory(tenant=tenant_b, code="BLUE")
    api = api_as(tenant_a, Role.PLANNER)
    assert api.get(f"/customers/{theirs.pk}").status_code == 404
    assert api.get("/customers").json()["items"] == []
    assert api.post("/customers", NEW).status_code == 201


def test_pages_by_cursor_and_updated_since(tenant_a, api_as):
    customers = [CustomerFactory(tenant=tenant_a) for _ in range(5)]
    api = api_as(tenant_a, Role.PLANNER)
    first = api.get("/customers", limit=2).json()
    second = api.get("/customers", limit=2, cursor=first["next_cursor"]).json()
    third = api.get("/customers", limit=2, cursor=second["next_cursor"]).json()
    assert third["next_cursor"] is None
    codes = [c["code"] for page in (first, second, third) for c in page["items"]]
    assert sorted(codes) == sorted(c.code for c in customers)
    mark = timezone.now()
    with tenant_context(tenant_a):
        Customer.objects.filter(pk=customers[0].pk).update(credit_hold=True)
    changed = api.get("/customers", updated_since=mark.isoformat()).json()["items"]
    assert [(c["code"], c["credit_hold"]) for c in changed] == [(customers[0].code, True)]


def test_idempotency_key_repeat_returns_the_first_answer(tenant_a, api_as):
    api = api_as(tenant_a, Role.PLANNER)
    first = api.post("/customers", NEW, key="new-blue")
    again = api.post("/customers", NEW, key="new-blue")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    with tenant_context(tenant_a):
        assert Customer.objects.count() == 1
