"""Stock on hand through the API: rows per bin, lot and status with reservations."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from tests.factories import ItemFactory, LotFactory, bin_in
from tests.inventory.stock import loc, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(tenant_a):
    cup = ItemFactory(tenant=tenant_a, sku="CUP-01")
    jam = ItemFactory(tenant=tenant_a, sku="JAM-01", tracking="lot")
    lot = LotFactory(item=jam, code="L1")
    a = bin_in(tenant_a, code="A-01")
    b = bin_in(tenant_a, code="B-01", site=a.site)
    elsewhere = bin_in(tenant_a, code="A-01")  # the same code at another site
    receive(tenant_a, cup, a, 10)
    receive(tenant_a, cup, b, 4, status="qc_hold")
    receive(tenant_a, jam, a, 6, lot=lot)
    receive(tenant_a, cup, elsewhere, 1)
    with tenant_context(tenant_a):
        ledger.reserve(
            tenant=tenant_a, user=None, item=cup, location=loc(a), quantity=3,
            source_type="order_line", source_id=1,
        )  # fmt: skip
    return a, elsewhere


def _rows(response) -> list[tuple]:
    assert response.status_code == 200, response.content
    return sorted(
        (r["sku"], r["site"], r["bin"], r["lot"], r["status"], r["on_hand"], r["reserved"], r["available"])
        for r in response.json()["items"]
    )  # fmt: skip


def test_stock_rows_per_bin_lot_and_status(tenant_a, api_as, stocked):
    a, elsewhere = stocked
    site = a.site.code
    api = api_as(tenant_a, Role.PLANNER)
    assert _rows(api.get("/stock", site=site)) == [
        ("CUP-01", site, "A-01", None, "available", "10.0000", "3.0000", "7.0000"),
        ("CUP-01", site, "B-01", None, "qc_hold", "4.0000", "0.0000", "4.0000"),
        ("JAM-01", site, "A-01", "L1", "available", "6.0000", "0.0000", "6.0000"),
    ]
    # Both sites' A-01 (rows come in id order; which balance row is older is not the point).
    assert sorted(_rows(api.get("/stock", sku="CUP-01", bin="A-01"))) == sorted([
        ("CUP-01", site, "A-01", None, "available", "10.0000", "3.0000", "7.0000"),
        ("CUP-01", elsewhere.site.code, "A-01", None, "available", "1.0000", "0.0000", "1.0000"),
    ])  # fmt: skip
    assert _rows(api.get("/stock", lot="L1"))[0][:4] == ("JAM-01", site, "A-01", "L1")
    assert len(_rows(api.get("/stock", status="qc_hold"))) == 1


def test_stock_pages_by_id(tenant_a, api_as, stocked):
    api = api_as(tenant_a, Role.FINANCE)
    first = api.get("/stock", limit=2).json()
    second = api.get("/stock", limit=2, cursor=first["next_cursor"]).json()
    ids = [r["id"] for r in first["items"] + second["items"]]
    assert len(ids) == 4 and ids == sorted(ids) and second["next_cursor"] is None
    since = api.get("/stock", updated_since="2026-01-01T00:00:00Z")
    assert since.status_code == 400 and since.json()["code"] == "updated_since_unsupported"


def test_stock_is_for_desk_roles_only(tenant_a, api_as, stocked):
    refused = api_as(tenant_a, Role.OPERATOR).get("/stock")
    assert refused.status_code == 403 and refused.json()["code"] == "role_required"


def test_other_tenants_stock_is_never_listed(tenant_a, tenant_b, api_as, stocked):
    theirs = ItemFactory(tenant=tenant_b, sku="CUP-01")
    receive(tenant_b, theirs, bin_in(tenant_b, code="A-01"), 99)
    rows = _rows(api_as(tenant_a, Role.ADMIN).get("/stock", sku="CUP-01"))
    assert Decimal(99) not in {Decimal(r[5]) for r in rows} and len(rows) == 3


def test_junk_filters_are_422_not_500(tenant_a, api_as):
    api = api_as(tenant_a, Role.ADMIN)
    for params in ({"sku": "a b"}, {"site": "x\x00"}, {"status": "lost"}, {"limit": 0}):
        response = api.get("/stock", **params)
        assert response.status_code == 422 and response.json()["code"] == "invalid_request"
