"""Ledger entries through the API: read-only, paged by id, filtered by SKU, site and id."""

from __future__ import annotations

import pytest

from erp.roles import Role
from tests.factories import ItemFactory, LotFactory, bin_in
from tests.inventory.stock import receive

pytestmark = pytest.mark.django_db


def test_entries_carry_their_transaction_item_bin_lot_and_cost(tenant_a, api_as):
    jam = ItemFactory(tenant=tenant_a, sku="JAM-01", tracking="lot")
    bin = bin_in(tenant_a, code="A-01")
    txn = receive(tenant_a, jam, bin, 6, unit_cost="2.50", lot=LotFactory(item=jam, code="L1"))
    response = api_as(tenant_a, Role.FINANCE).get("/ledger-entries", sku="JAM-01")
    assert response.status_code == 200, response.content
    rows = {row["location_kind"]: row for row in response.json()["items"]}
    assert set(rows) == {"bin", "supplier"}
    into = rows["bin"]
    assert into["transaction_id"] == txn.pk and into["transaction_type"] == "receipt"
    assert (into["sku"], into["site"], into["bin"], into["lot"]) == (
        "JAM-01",
        bin.site.code,
        "A-01",
        "L1",
    )
    assert (into["quantity"], into["status"], into["unit_cost"], into["value"]) == (
        "6.0000", "available", "2.500000", "15.0000",
    )  # fmt: skip
    assert rows["supplier"]["quantity"] == "-6.0000" and rows["supplier"]["bin"] is None
    assert into["posted_at"]


def test_since_id_site_filter_and_paging(tenant_a, api_as):
    cup = ItemFactory(tenant=tenant_a, sku="CUP-01")
    a, b = bin_in(tenant_a), bin_in(tenant_a)
    for _ in range(3):
        receive(tenant_a, cup, a, 1)
    api = api_as(tenant_a, Role.SUPERVISOR)
    everything = api.get("/ledger-entries").json()["items"]
    assert len(everything) == 6
    last = everything[-1]["id"]
    receive(tenant_a, cup, b, 2)
    new = api.get("/ledger-entries", since_id=last).json()["items"]
    assert sorted(r["quantity"] for r in new) == ["-2.0000", "2.0000"]
    assert [r["site"] for r in api.get("/ledger-entries", site=b.site.code).json()["items"]] == [
        b.site.code
    ]
    ids, cursor = [], None
    for _ in range(4):
        page = api.get("/ledger-entries", limit=3, **({"cursor": cursor} if cursor else {})).json()
        ids += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(ids) == 8 and ids == sorted(set(ids))


def test_ledger_is_for_its_readers_only(tenant_a, api_as):
    for role in (Role.PLANNER, Role.OPERATOR):
        refused = api_as(tenant_a, role).get("/ledger-entries")
        assert refused.status_code == 403 and refused.json()["code"] == "role_required"


def test_other_tenants_entries_are_never_listed(tenant_a, tenant_b, api_as):
    theirs = ItemFactory(tenant=tenant_b, sku="CUP-01")
    receive(tenant_b, theirs, bin_in(tenant_b), 5)
    api = api_as(tenant_a, Role.ADMIN)
    assert api.get("/ledger-entries").json()["items"] == []
    assert api.get("/ledger-entries", sku="CUP-01").json()["items"] == []
    bad = api.get("/ledger-entries", since_id=0)
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_request"
