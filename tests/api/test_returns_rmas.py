"""/returns: RMAs with what came back, how it was graded and disposed of and the credit; an
RMA raised and authorised through the API goes through the RMA services as the desk's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from erp.roles import Role
from erp.tenancy import tenant_context
from returns.models import Credit, ReturnAuthorisation, RmaLine
from tests.returns.returns_floor import Returns

pytestmark = pytest.mark.django_db


@pytest.fixture
def returns(tenant_a):
    return Returns(tenant_a)


def _body(returns, **changes):
    body = {
        "order": returns.order.number,
        "reason": "not_needed",
        "note": "web store return",
        "lines": [{"order_line": returns.coffee_line.line_no, "quantity": "2", "lot": "L-2030-06"}],
    }
    return body | changes


def _rmas(tenant) -> int:
    with tenant_context(tenant):
        return ReturnAuthorisation.objects.count()


def test_a_credited_rma_shows_receipt_inspections_and_credit(returns, api_as):
    rma = returns.credited()  # 6 coffee back: 4 as new, 2 damaged
    with tenant_context(returns.tenant):
        credit = Credit.objects.get(rma=rma)

    response = api_as(returns.tenant, Role.FINANCE).get(f"/returns/{rma.pk}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["number"], body["status"]) == (rma.number, "credited")
    assert (body["customer"], body["order"]) == (returns.customer.code, returns.order.number)
    assert body["site"] == returns.floor.site.code and body["reason"] == "not_needed"
    (line,) = body["lines"]
    assert (line["sku"], line["lot"], line["quantity"], line["received"]) == (
        returns.coffee.sku, "L-2030-06", "6.0000", "6.0000",
    )  # fmt: skip
    assert line["order_line"] == returns.coffee_line.line_no
    graded = [(i["grade"], i["quantity"]) for i in line["inspections"]]
    assert graded == [("new", "4.0000"), ("damaged", "2.0000")]
    assert all(i["disposition"] == i["proposed"] for i in line["inspections"])
    assert all(i["dispositioned_at"] for i in line["inspections"])
    (given,) = body["credits"]
    assert (given["number"], given["status"]) == (credit.number, "approved")
    assert given["amount"] == f"{credit.amount:.2f}"


def test_raising_an_rma_goes_through_the_service_once_per_key(returns, api_as):
    api = api_as(returns.tenant, Role.PLANNER)
    first = api.post("/returns", _body(returns), key="rma-1")
    again = api.post("/returns", _body(returns), key="rma-1")

    assert first.status_code == 201, first.content
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert _rmas(returns.tenant) == 1
    body = first.json()
    assert (body["status"], body["note"], body["authorised_at"]) == (
        "draft", "web store return", None,
    )  # fmt: skip
    (line,) = body["lines"]
    assert (line["sku"], line["quantity"], line["received"]) == (
        returns.coffee.sku, "2.0000", "0.0000",
    )  # fmt: skip
    with tenant_context(returns.tenant):
        # Priced as sold (10.00 each), costed as it left (1.00 each).
        saved = RmaLine.objects.get(rma_id=body["id"])
        assert (saved.unit_price, saved.unit_cost) == (10, 1)


def test_authorising_moves_the_rma_through_its_transition(returns, api_as):
    api = api_as(returns.tenant, Role.PLANNER)
    rma = api.post("/returns", _body(returns), key="rma-1").json()

    response = api.post(f"/returns/{rma['id']}/authorise", key="auth-1")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "authorised" and body["authorised_at"] is not None
    assert body["exception"] == ""
    replay = api.post(f"/returns/{rma['id']}/authorise", key="auth-1")
    assert replay["Idempotent-Replayed"] == "true" and replay.json() == body
    again = api.post(f"/returns/{rma['id']}/authorise", key="auth-2")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_a_refused_rma_keeps_nothing(returns, api_as):
    api = api_as(returns.tenant, Role.SUPERVISOR)
    line = returns.coffee_line.line_no
    cases = [
        # Six left on the order: seven cannot come back.
        (_body(returns, lines=[{"order_line": line, "quantity": "7", "lot": "L-2030-06"}]),
         400, "not_shipped"),
        (_body(returns, lines=[{"order_line": line, "quantity": "1", "lot": "L-OTHER"}]),
         400, "not_shipped"),
        (_body(returns, lines=[{"order_line": 99, "quantity": "1"}]), 400, "unknown_order_line"),
        (_body(returns, order="SO-NOPE"), 400, "unknown_order"),
        (_body(returns, reason="changed_mind"), 422, "invalid_request"),
        (_body(returns, lines=[]), 422, "invalid_request"),
        (_body(returns, order="SO\x00"), 422, "invalid_request"),
        (_body(returns, lines=[{"order_line": line, "quantity": "1", "lot": "L\x00"}]),
         422, "invalid_request"),
        (_body(returns, lines=[{"order_line": line, "quantity": "0"}]), 422, "invalid_request"),
    ]  # fmt: skip
    for number, (body, status, code) in enumerate(cases):
        response = api.post("/returns", body, key=f"bad-{number}")
        assert (response.status_code, response.json()["code"]) == (status, code), body
    assert _rmas(returns.tenant) == 0


def test_roles_outside_each_set_are_refused(returns, api_as):
    rma = returns.draft()
    operator = api_as(returns.tenant, Role.OPERATOR)
    finance = api_as(returns.tenant, Role.FINANCE)
    for response in (
        operator.get("/returns"),
        operator.get(f"/returns/{rma.pk}"),
        # Finance reads RMAs to decide credits; the desk raises and authorises them.
        finance.post("/returns", _body(returns), key="f"),
        finance.post(f"/returns/{rma.pk}/authorise", key="f2"),
    ):
        assert response.status_code == 403 and response.json()["code"] == "role_required"
    assert finance.get(f"/returns/{rma.pk}").status_code == 200
    assert _rmas(returns.tenant) == 1


def test_another_tenants_rmas_are_not_found_nor_listed(returns, tenant_b, api_as):
    theirs = Returns(tenant_b).draft()
    api = api_as(returns.tenant, Role.ADMIN)
    assert api.get(f"/returns/{theirs.pk}").json()["code"] == "not_found"
    assert api.post(f"/returns/{theirs.pk}/authorise", key="x").json()["code"] == "not_found"
    assert api.get("/returns").json()["items"] == []
    with tenant_context(tenant_b):
        assert ReturnAuthorisation.objects.get(pk=theirs.pk).status == "draft"


def test_rmas_page_filter_and_cost_constant_statements(returns, api_as):
    made = [returns.draft(1).pk for _ in range(3)]
    api = api_as(returns.tenant, Role.SUPERVISOR)
    first = api.get("/returns", limit=2).json()
    second = api.get("/returns", limit=2, cursor=first["next_cursor"]).json()
    assert [r["id"] for r in first["items"] + second["items"]] == made
    assert second["next_cursor"] is None
    assert len(api.get("/returns", customer=returns.customer.code).json()["items"]) == 3
    assert api.get("/returns", status="authorised").json()["items"] == []
    assert api.get("/returns", order="SO-NOPE").json()["items"] == []
    assert api.get("/returns", status="lost").json()["code"] == "invalid_request"

    def statements(limit):
        with CaptureQueriesContext(connection) as queries:
            api.get("/returns", limit=limit)
        return len(queries)

    assert statements(1) == statements(3)
