"""ATP through the API: one item at one site by day, and many SKUs in one constant-cost query."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from erp.models import IdempotentRequest
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.ledger import projections
from inventory.models import ProjectionKind, StockBalance
from tests.factories import ItemFactory, SiteFactory, bin_in
from tests.inventory.stock import loc, receive

pytestmark = pytest.mark.django_db


def _day(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def _project(tenant, item, site, *, day, quantity, kind, source_id):
    with tenant_context(tenant):
        projections.publish(
            tenant=tenant, source_type="test_line", source_id=source_id, item=item, site=site,
            date=_day(day), quantity=Decimal(quantity), kind=kind,
        )  # fmt: skip


@pytest.fixture
def cup(tenant_a):
    """10 on hand at CHI, 2 reserved; 4 demanded tomorrow, 5 arriving in three days."""
    item = ItemFactory(tenant=tenant_a, sku="CUP-01")
    bin = bin_in(tenant_a, site=SiteFactory(tenant=tenant_a, code="CHI"))
    receive(tenant_a, item, bin, 10)
    with tenant_context(tenant_a):
        ledger.reserve(
            tenant=tenant_a, user=None, item=item, location=loc(bin), quantity=2,
            source_type="order_line", source_id=1,
        )  # fmt: skip
    _project(tenant_a, item, bin.site, day=1, quantity=4, kind=ProjectionKind.DEMAND, source_id=1)
    _project(
        tenant_a, item, bin.site, day=3, quantity=5, kind=ProjectionKind.SCHEDULED_RECEIPT,
        source_id=2,
    )  # fmt: skip
    return item


def test_atp_of_one_item_by_day_protects_tomorrows_demand(tenant_a, api_as, cup):
    response = api_as(tenant_a, Role.PLANNER).get("/atp", sku="CUP-01", site="CHI")
    assert response.status_code == 200, response.content
    body = response.json()
    # Free today 8; tomorrow's 4 leaves 4 until the receipt: only 4 can be promised today.
    assert (body["on_hand"], body["reserved"], body["available"], body["atp"]) == (
        "10.0000", "2.0000", "8.0000", "4.0000",
    )  # fmt: skip
    assert [(d["date"], d["net"], d["cumulative"], d["promisable"]) for d in body["days"]] == [
        (_day(0).isoformat(), "8.0000", "8.0000", "4.0000"),
        (_day(1).isoformat(), "-4.0000", "4.0000", "4.0000"),
        (_day(3).isoformat(), "5.0000", "9.0000", "9.0000"),
    ]


def test_atp_of_an_unknown_item_or_site_is_404(tenant_a, tenant_b, api_as, cup):
    SiteFactory(tenant=tenant_b, code="THEIRS")
    api = api_as(tenant_a, Role.SUPERVISOR)
    assert api.get("/atp", sku="NOPE", site="CHI").status_code == 404
    assert api.get("/atp", sku="CUP-01", site="THEIRS").json()["code"] == "not_found"
    assert api.get("/atp", sku="CUP-01").status_code == 422


def test_bulk_query_gives_the_same_figures_and_lists_unknown_skus(tenant_a, api_as, cup):
    ItemFactory(tenant=tenant_a, sku="EMPTY")
    api = api_as(tenant_a, Role.ADMIN)
    response = api.post(
        "/atp/query", {"site": "CHI", "skus": ["CUP-01", "NOPE", "EMPTY", "CUP-01"]}
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "items": [
            {"sku": "CUP-01", "site": "CHI", "on_hand": "10.0000", "reserved": "2.0000",
             "available": "8.0000", "atp": "4.0000"},
            {"sku": "EMPTY", "site": "CHI", "on_hand": "0", "reserved": "0",
             "available": "0", "atp": "0"},
        ],
        "unknown_skus": ["NOPE"],
    }  # fmt: skip
    # Without a site: every site where the item has stock or projections, and none for EMPTY.
    other = bin_in(tenant_a, site=SiteFactory(tenant=tenant_a, code="SEA"))
    receive(tenant_a, cup, other, 3)
    everywhere = api.post("/atp/query", {"skus": ["CUP-01", "EMPTY"]}).json()["items"]
    assert [(r["sku"], r["site"], r["atp"]) for r in everywhere] == [
        ("CUP-01", "CHI", "4.0000"),
        ("CUP-01", "SEA", "3.0000"),
    ]


def test_bulk_query_costs_the_same_queries_for_300_skus_as_for_3(tenant_a, api_as):
    site = SiteFactory(tenant=tenant_a, code="CHI")
    bins = [bin_in(tenant_a, site=site) for _ in range(3)]
    items = [ItemFactory(tenant=tenant_a, sku=f"N-{n:03}") for n in range(300)]
    for n, item in enumerate(items[::10]):
        receive(tenant_a, item, bins[n % 3], n + 1)
        _project(tenant_a, item, site, day=2, quantity=1, kind=ProjectionKind.DEMAND, source_id=n)
    api = api_as(tenant_a, Role.PLANNER)
    api.post("/atp/query", {"skus": ["N-000"]})  # the token's first use is recorded once

    def queries(skus: list[str], site_code: str | None) -> tuple[int, dict]:
        with CaptureQueriesContext(connection) as captured:
            response = api.post("/atp/query", {"site": site_code, "skus": skus})
        assert response.status_code == 200, response.content
        return len(captured.captured_queries), response.json()

    for site_code in ("CHI", None):
        few, small = queries([item.sku for item in items[:3]], site_code)
        many, large = queries([item.sku for item in items], site_code)
        assert few == many, (site_code, few, many)
    assert len(small["items"]) == 1  # N-000 only has stock among the first three
    assert len(large["items"]) == 30
    # N-010 was the second stocked: 2 received, 1 demanded in two days -> 1 promisable today.
    n010 = next(r for r in large["items"] if r["sku"] == "N-010")
    assert (n010["on_hand"], n010["atp"]) == ("2.0000", "1.0000")


def test_bulk_query_refuses_more_than_1000_skus_and_unknown_sites(tenant_a, tenant_b, api_as):
    theirs = ItemFactory(tenant=tenant_b, sku="THEIRS")
    receive(tenant_b, theirs, bin_in(tenant_b, site=SiteFactory(tenant=tenant_b, code="BRV")), 9)
    api = api_as(tenant_a, Role.ADMIN)
    # Another organisation's SKUs and sites are unknown here, not shown.
    assert api.post("/atp/query", {"skus": ["THEIRS"]}).json() == {
        "items": [],
        "unknown_skus": ["THEIRS"],
    }
    assert api.post("/atp/query", {"site": "BRV", "skus": ["THEIRS"]}).status_code == 400
    too_many = api.post("/atp/query", {"skus": [f"S-{n}" for n in range(1001)]})
    assert too_many.status_code == 422
    assert too_many.json()["code"] == "too_many_skus" and too_many.json()["limit"] == 1000
    unknown = api.post("/atp/query", {"site": "NOWHERE", "skus": ["A"]})
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_site"
    junk = api.post("/atp/query", {"skus": "CUP-01"})
    assert junk.status_code == 422 and junk.json()["code"] == "invalid_request"


def test_bulk_query_changes_nothing(tenant_a, api_as, cup):
    api = api_as(tenant_a, Role.PLANNER)
    with tenant_context(tenant_a):
        before = list(StockBalance.objects.values_list("pk", "on_hand", "reserved"))
    api.post("/atp/query", {"skus": ["CUP-01"]})
    with tenant_context(tenant_a):
        assert list(StockBalance.objects.values_list("pk", "on_hand", "reserved")) == before
        assert not IdempotentRequest.objects.exists()  # sent without a key: nothing kept


def test_atp_is_for_desk_roles(tenant_a, api_as, cup):
    api = api_as(tenant_a, Role.OPERATOR)
    for response in (
        api.get("/atp", sku="CUP-01", site="CHI"),
        api.post("/atp/query", {"skus": []}),
    ):
        assert response.status_code == 403 and response.json()["code"] == "role_required"
