"""/counts: a cycle count's rounds, what the supervisor's reconciliation shows (what the bin
held, what each round found, the variance) and the decided figures. Counting is blind: a
token acting as an operator is refused, as the operator's pages never show expected stock."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from erp.roles import Role
from erp.tenancy import tenant_context
from tests.warehouse.counting import Shelf
from warehouse.counting import services

pytestmark = pytest.mark.django_db


def test_a_recounted_variance_shows_both_rounds_and_the_reconciliation(tenant_a, api_as):
    shelf = Shelf(tenant_a)  # 10 WIDGET in S-01; tolerance 0 units: 8 found means a recount
    count = shelf.count(shelf.open(), {shelf.item: 8})
    count = shelf.count(count, {shelf.item: 8}, number=2)
    api = api_as(tenant_a, Role.SUPERVISOR)

    body = api.get(f"/counts/{count.pk}").json()

    assert (body["status"], body["bin"], body["site"]) == (
        "recounted", shelf.location.code, shelf.site.code,
    )  # fmt: skip
    assert [(r["number"], r["empty"]) for r in body["rounds"]] == [(1, False), (2, False)]
    assert [r["lines"] for r in body["rounds"]] == [
        [{"sku": shelf.item.sku, "lot": None, "serial": None, "quantity": "8.0000"}]
    ] * 2
    (line,) = body["reconciliation"]
    assert (line["expected"], line["counted"], line["variance"]) == ("10.0000", "8.0000", "-2.0000")
    assert line["beyond_tolerance"] is True
    assert body["results"] == []  # nothing decided yet

    since = timezone.now()
    with tenant_context(tenant_a):
        services.approve(tenant=tenant_a, user=shelf.supervisor, count=count)
    assert shelf.balances() == {"available": Decimal(8)}
    assert shelf.clean() == []
    rows = api.get("/counts", updated_since=since.isoformat()).json()["items"]
    assert [(r["id"], r["status"]) for r in rows] == [(count.pk, "approved")]
    (result,) = rows[0]["results"]
    assert (result["expected"], result["counted"], result["variance"]) == (
        "10.0000", "8.0000", "-2.0000",
    )  # fmt: skip
    assert result["within_tolerance"] is False


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.PLANNER, Role.FINANCE])
def test_counting_is_blind_to_tokens_outside_the_supervisors(tenant_a, api_as, role):
    shelf = Shelf(tenant_a)
    count = shelf.open()
    api = api_as(tenant_a, role)
    for path in ("/counts", f"/counts/{count.pk}"):
        response = api.get(path)
        assert response.status_code == 403 and response.json()["code"] == "role_required"
        assert "10" not in response.json()["message"]


def test_counts_page_in_constant_statements_and_filter(tenant_a, api_as):
    shelf = Shelf(tenant_a)
    first = shelf.count(shelf.open(), {shelf.item: 10})
    with tenant_context(tenant_a):
        second = services.open_count(
            tenant=tenant_a, user=shelf.supervisor, location=shelf.other, reason="spot check"
        )
    api = api_as(tenant_a, Role.ADMIN)
    page = api.get("/counts", limit=1).json()
    rest = api.get("/counts", limit=1, cursor=page["next_cursor"]).json()
    assert [r["id"] for r in page["items"] + rest["items"]] == [first.pk, second.pk]
    assert rest["next_cursor"] is None
    assert [r["id"] for r in api.get("/counts", status="open").json()["items"]] == [second.pk]
    assert api.get("/counts", site="ELSEWHERE").json()["items"] == []

    def statements(limit):
        with CaptureQueriesContext(connection) as queries:
            api.get("/counts", limit=limit)
        return len(queries)

    assert statements(1) == statements(2)


def test_another_tenants_counts_are_not_found_nor_listed(tenant_a, tenant_b, api_as):
    theirs = Shelf(tenant_b).open()
    api = api_as(tenant_a, Role.SUPERVISOR)
    assert api.get(f"/counts/{theirs.pk}").json()["code"] == "not_found"
    assert api.get("/counts").json()["items"] == []
    assert api.get("/counts", status="guessed").json()["code"] == "invalid_request"
    assert api.get("/counts/-4").json()["code"] == "invalid_request"
    assert api.get("/counts", site="S\x00").json()["code"] == "invalid_request"
