"""Two identical adjustments sent at once with one Idempotency-Key post once (real parallel
transactions, one connection per thread); the same key with another body is refused."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Adjustment, StockTransaction
from tests.concurrency import sent_together
from tests.factories import ItemFactory, bin_in
from tests.inventory.stock import assert_ledger_clean, on_hand

pytestmark = pytest.mark.django_db(transaction=True)


def _send(api, body: dict, key: str):
    def send():
        client = Client(HTTP_AUTHORIZATION=f"Bearer {api.raw}")  # a client per thread
        return client.post(
            "/api/v1/adjustments",
            json.dumps(body),
            content_type="application/json",
            headers={"Idempotency-Key": key},
        )

    return send


@pytest.fixture
def setup(tenant_a, api_as):
    item = ItemFactory(tenant=tenant_a, sku="CUP-01", standard_cost=Decimal("1.00"))
    bin = bin_in(tenant_a, code="A-01")
    body = {
        "site": bin.site.code,
        "bin": "A-01",
        "sku": "CUP-01",
        "quantity": "5",
        "reason": "found",
    }
    return item, bin, body, api_as(tenant_a, Role.SUPERVISOR)


def test_two_identical_requests_at_once_post_one_transaction(tenant_a, setup):
    item, bin, body, api = setup
    responses = sent_together([_send(api, body, "same"), _send(api, body, "same")])
    assert [r.status_code for r in responses] == [201, 201], [r.content for r in responses]
    assert responses[0].json() == responses[1].json()
    assert sorted(r.get("Idempotent-Replayed", "") for r in responses) == ["", "true"]
    with tenant_context(tenant_a):
        assert Adjustment.objects.count() == 1
        assert StockTransaction.objects.filter(kind="adjustment").count() == 1
    assert on_hand(tenant_a, item, bin) == 5
    assert_ledger_clean(tenant_a)


def test_the_same_key_with_another_body_at_once_is_refused(tenant_a, setup):
    item, bin, body, api = setup
    responses = sent_together([_send(api, body, "k"), _send(api, {**body, "quantity": "7"}, "k")])
    assert sorted(r.status_code for r in responses) == [201, 422], [r.content for r in responses]
    refused = next(r for r in responses if r.status_code == 422)
    assert refused.json()["code"] == "idempotency_key_reused"
    posted = next(r for r in responses if r.status_code == 201).json()
    with tenant_context(tenant_a):
        assert Adjustment.objects.count() == 1
        assert StockTransaction.objects.filter(kind="adjustment").count() == 1
    assert on_hand(tenant_a, item, bin) == Decimal(posted["quantity"])
    assert_ledger_clean(tenant_a)
