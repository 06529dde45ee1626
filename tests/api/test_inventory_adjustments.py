"""Adjustments through the API: the desk service's thresholds, ledger and refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Adjustment, InventorySettings, StockEntry, StockTransaction
from tests.factories import ItemFactory, bin_in
from tests.inventory.stock import assert_ledger_clean, on_hand, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tenant_a):
    item = ItemFactory(tenant=tenant_a, sku="CUP-01", standard_cost=Decimal("10.00"))
    bin = bin_in(tenant_a, code="A-01")
    with tenant_context(tenant_a):
        InventorySettings.objects.create(
            tenant=tenant_a, adjustment_approval_threshold=Decimal("100")
        )
    return item, bin


def _body(where, quantity, **extra) -> dict:
    return {"site": where.site.code, "bin": where.code, "sku": "CUP-01", "quantity": quantity,
            "reason": "found", **extra}  # fmt: skip


def test_a_small_adjustment_posts_to_the_ledger_at_once(tenant_a, api_as, setup):
    item, bin = setup
    response = api_as(tenant_a, Role.SUPERVISOR).post("/adjustments", _body(bin, "5"), key="k1")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["sku"], body["bin"], body["site"]) == (
        "posted", "CUP-01", "A-01", bin.site.code,
    )  # fmt: skip
    assert (body["quantity"], body["estimated_value"], body["reason"]) == (
        "5.0000",
        "50.0000",
        "found",
    )
    assert on_hand(tenant_a, item, bin) == 5
    with tenant_context(tenant_a):
        txn = StockTransaction.objects.get(pk=body["transaction_id"])
        assert txn.kind == "adjustment" and txn.reference == f"ADJ-{body['id']}"
        entries = StockEntry.objects.filter(transaction=txn)
        assert {(e.location.kind, e.quantity) for e in entries} == {
            ("bin", Decimal(5)), ("adjustment", Decimal(-5)),
        }  # fmt: skip
    assert_ledger_clean(tenant_a)


def test_an_adjustment_above_the_threshold_waits_for_approval(tenant_a, api_as, setup):
    item, bin = setup
    response = api_as(tenant_a, Role.ADMIN).post("/adjustments", _body(bin, "20"))  # 200 > 100
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "pending" and response.json()["transaction_id"] is None
    assert on_hand(tenant_a, item, bin) == 0


def test_taking_more_than_is_there_is_400_insufficient_stock_with_facts(tenant_a, api_as, setup):
    item, bin = setup
    receive(tenant_a, item, bin, 3)
    response = api_as(tenant_a, Role.SUPERVISOR).post(
        "/adjustments", _body(bin, "-4", reason="lost")
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "insufficient_stock"
    assert (body["sku"], body["available"], body["requested"]) == ("CUP-01", "3", "4")
    assert on_hand(tenant_a, item, bin) == 3
    with tenant_context(tenant_a):
        assert not Adjustment.objects.exists()  # the failed request rolled back whole
    assert_ledger_clean(tenant_a)


def test_refusals_name_what_was_wrong(tenant_a, tenant_b, api_as, setup):
    _, bin = setup
    ItemFactory(tenant=tenant_b, sku="THEIRS")
    theirs = bin_in(tenant_b, code="T-01")
    api = api_as(tenant_a, Role.SUPERVISOR)
    cases = [
        (_body(bin, "1", bin="NOPE"), 400, "invalid_posting"),
        (_body(bin, "1", site="NOWHERE"), 400, "unknown_site"),
        (_body(bin, "1", site=theirs.site.code, bin="T-01"), 400, "unknown_site"),
        (_body(bin, "1", sku="THEIRS"), 400, "unknown_sku"),
        (_body(bin, "0"), 400, "invalid_posting"),
        (_body(bin, "1", reason="other"), 400, "invalid_posting"),
        (_body(bin, "1", unit="pallet"), 400, "unit_conversion_error"),
        (_body(bin, "1", reason="stolen"), 422, "invalid_request"),
        (_body(bin, "NaN"), 422, "invalid_request"),
        (_body(bin, "1e30"), 422, "invalid_request"),
        (_body(bin, "1.00001"), 422, "invalid_request"),
        (_body(bin, "1", note="a\x00b"), 422, "invalid_request"),
    ]
    for body, status, code in cases:
        response = api.post("/adjustments", body)
        assert (response.status_code, response.json()["code"]) == (status, code), body
    with tenant_context(tenant_a):
        assert not Adjustment.objects.exists()


def test_only_adjusters_may_adjust(tenant_a, api_as, setup):
    _, bin = setup
    for role in (Role.PLANNER, Role.OPERATOR, Role.FINANCE):
        refused = api_as(tenant_a, role).post("/adjustments", _body(bin, "1"))
        assert refused.status_code == 403 and refused.json()["code"] == "role_required"


def test_a_repeated_key_returns_the_first_answer_and_posts_once(tenant_a, api_as, setup):
    item, bin = setup
    api = api_as(tenant_a, Role.SUPERVISOR)
    first = api.post("/adjustments", _body(bin, "2"), key="retry-me")
    again = api.post("/adjustments", _body(bin, "2"), key="retry-me")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    other = api.post("/adjustments", _body(bin, "3"), key="retry-me")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert on_hand(tenant_a, item, bin) == 2
    with tenant_context(tenant_a):
        assert Adjustment.objects.count() == 1
    assert_ledger_clean(tenant_a)
