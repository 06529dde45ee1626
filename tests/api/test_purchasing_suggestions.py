"""Reorder suggestions through the API, read-only: filters, the figures behind each, who may,
other tenants and paging by id."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.roles import Role
from tests.factories import (
    ItemFactory,
    PlanningRunFactory,
    SiteFactory,
    SuggestionFactory,
    SupplierFactory,
    member,
)

pytestmark = pytest.mark.django_db


def test_one_suggestion_gives_its_figures(tenant_a, api_as):
    row = SuggestionFactory(
        tenant=tenant_a,
        item=ItemFactory(tenant=tenant_a, sku="CUPS"),
        site=SiteFactory(tenant=tenant_a, code="MAIN"),
        supplier=SupplierFactory(tenant=tenant_a, code="ACME"),
    )
    body = api_as(tenant_a, Role.PLANNER).get(f"/reorder-suggestions/{row.pk}").json()
    assert (body["sku"], body["site"], body["supplier"], body["kind"]) == (
        "CUPS", "MAIN", "ACME", "purchase",
    )  # fmt: skip
    assert body["from_site"] is None and body["purchase_order"] is None
    figures = {
        "quantity": 240, "demand_per_day": 14, "demand_sd": 8, "lead_time_days": 9,
        "lead_time_sd": 2, "z": Decimal("1.645"), "safety_stock": 61, "reorder_point": 187,
        "order_up_to": 383, "on_hand": 120, "position": 120, "pack_size": 120,
    }  # fmt: skip
    assert {k: Decimal(body[k]) for k in figures} == figures
    assert body["service_level"] == "95" and body["explanation"].startswith("d̄ 14/day")


def test_filters_and_pages(tenant_a, api_as):
    main, north = SiteFactory(tenant=tenant_a, code="MAIN"), SiteFactory(tenant=tenant_a, code="N")
    acme = SupplierFactory(tenant=tenant_a, code="ACME")
    run = PlanningRunFactory(tenant=tenant_a)
    for _ in range(3):
        SuggestionFactory(tenant=tenant_a, run=run, site=main, supplier=acme)
    SuggestionFactory(tenant=tenant_a, run=run, site=north, supplier=acme)
    SuggestionFactory(
        tenant=tenant_a, run=run, site=north, status="rejected",
        decided_by=member(tenant_a, Role.PLANNER), reason="seasonal",
    )  # fmt: skip
    api = api_as(tenant_a, Role.PLANNER)
    first = api.get("/reorder-suggestions", limit=3).json()
    second = api.get("/reorder-suggestions", limit=3, cursor=first["next_cursor"]).json()
    ids = [s["id"] for s in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 5 and second["next_cursor"] is None
    assert len(api.get("/reorder-suggestions", site="MAIN").json()["items"]) == 3
    assert len(api.get("/reorder-suggestions", supplier="ACME").json()["items"]) == 4
    rejected = api.get("/reorder-suggestions", status="rejected").json()["items"]
    assert [s["reason"] for s in rejected] == ["seasonal"]
    refused = api.get("/reorder-suggestions", updated_since="2026-01-01T00:00:00Z")
    assert refused.status_code == 400 and refused.json()["code"] == "updated_since_unsupported"
    assert api.get("/reorder-suggestions", status="maybe").status_code == 422


def test_only_buyers_read_them(tenant_a, api_as):
    row = SuggestionFactory(tenant=tenant_a)
    for role in (Role.FINANCE, Role.SUPERVISOR, Role.OPERATOR):
        refused = api_as(tenant_a, role).get(f"/reorder-suggestions/{row.pk}")
        assert refused.status_code == 403 and refused.json()["code"] == "role_required"
    assert api_as(tenant_a, Role.ADMIN).get(f"/reorder-suggestions/{row.pk}").status_code == 200


def test_another_tenants_suggestions_are_404_and_never_listed(tenant_a, tenant_b, api_as):
    theirs = SuggestionFactory(tenant=tenant_b)
    api = api_as(tenant_a, Role.PLANNER)
    assert api.get(f"/reorder-suggestions/{theirs.pk}").status_code == 404
    assert api.get("/reorder-suggestions").json()["items"] == []
