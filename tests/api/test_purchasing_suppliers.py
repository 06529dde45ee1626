"""Suppliers through the API: list with cursor and updated_since, one, create through the
suppliers service; who may, other tenants, bad input and Idempotency-Key."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from erp.roles import Role
from erp.tenancy import tenant_context
from purchasing.models import Supplier
from tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db

NEW = {"code": "ACME", "name": "Acme Packaging", "currency": "EUR", "email": "buy@acme.test"}


def test_create_then_read(tenant_a, api_as):
    api = api_as(tenant_a, Role.PLANNER)
    made = api.post("/suppliers", NEW | {"over_receipt_tolerance_pct": "2.5"}, key="s-1")
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["code"], body["name"], body["currency"]) == ("ACME", "Acme Packaging", "EUR")
    assert Decimal(body["over_receipt_tolerance_pct"]) == Decimal("2.5")
    assert body["default_lead_time_days"] == 7 and body["is_active"] is True
    assert api.get(f"/suppliers/{body['id']}").json() == body
    assert [s["code"] for s in api.get("/suppliers", code="ACME").json()["items"]] == ["ACME"]
    with tenant_context(tenant_a):
        supplier = Supplier.objects.get()
        assert supplier.history.get().history_user.is_api_client


def test_bad_input_is_refused_with_a_code(tenant_a, api_as):
    SupplierFactory(tenant=tenant_a, code="ACME")
    api = api_as(tenant_a, Role.ADMIN)
    taken = api.post("/suppliers", NEW)
    assert taken.status_code == 400 and taken.json()["code"] == "duplicate_supplier"
    for wrong in (
        {"code": "TWO WORDS"},
        {"code": "X" * 21},
        {"currency": "euro"},
        {"email": "not-an-address"},
        {"over_receipt_tolerance_pct": "101"},
        {"default_lead_time_days": -1},
        {"name": ""},
        {"name": "a\x00b"},
    ):
        refused = api.post("/suppliers", NEW | {"code": "NEW"} | wrong)
        assert refused.status_code == 422, wrong
        assert refused.json()["code"] == "invalid_request"
    with tenant_context(tenant_a):
        assert list(Supplier.objects.values_list("code", flat=True)) == ["ACME"]


def test_roles_outside_the_sets_get_403(tenant_a, api_as):
    supplier = SupplierFactory(tenant=tenant_a)
    finance = api_as(tenant_a, Role.FINANCE)
    assert finance.get(f"/suppliers/{supplier.pk}").status_code == 200
    refused = finance.post("/suppliers", NEW)
    assert refused.status_code == 403 and refused.json()["code"] == "role_required"
    assert api_as(tenant_a, Role.SUPERVISOR).post("/suppliers", NEW).status_code == 403
    assert api_as(tenant_a, Role.OPERATOR).get("/suppliers").status_code == 403
    with tenant_context(tenant_a):
        assert Supplier.objects.count() == 1


def test_another_tenants_suppliers_are_404_and_never_listed(tenant_a, tenant_b, api_as):
    theirs = SupplierFactory(tenant=tenant_b, code="ACME")
    api = api_as(tenant_a, Role.PLANNER)
    assert api.get(f"/suppliers/{theirs.pk}").status_code == 404
    assert api.get("/suppliers").json()["items"] == []
    # The same code is free here.
    assert api.post("/suppliers", NEW).status_code == 201


def test_pages_by_cursor_and_updated_since(tenant_a, api_as):
    suppliers = [SupplierFactory(tenant=tenant_a) for _ in range(5)]
    api = api_as(tenant_a, Role.PLANNER)
    first = api.get("/suppliers", limit=3).json()
    second = api.get("/suppliers", limit=3, cursor=first["next_cursor"]).json()
    assert second["next_cursor"] is None
    codes = [s["code"] for s in first["items"] + second["items"]]
    assert sorted(codes) == sorted(s.code for s in suppliers)
    mark = timezone.now()
    with tenant_context(tenant_a):
        Supplier.objects.filter(pk=suppliers[2].pk).update(name="Renamed")
    changed = api.get("/suppliers", updated_since=mark.isoformat()).json()["items"]
    assert [(s["code"], s["name"]) for s in changed] == [(suppliers[2].code, "Renamed")]


def test_idempotency_key_repeat_returns_the_first_answer(tenant_a, api_as):
    api = api_as(tenant_a, Role.PLANNER)
    first = api.post("/suppliers", NEW, key="new-acme")
    again = api.post("/suppliers", NEW, key="new-acme")
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    with tenant_context(tenant_a):
        assert Supplier.objects.count() == 1
