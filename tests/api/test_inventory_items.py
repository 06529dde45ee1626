"""Items by GTIN (any of its printed lengths) and by category, through the API."""

from __future__ import annotations

import pytest

from erp.roles import Role
from tests.factories import ItemFactory, ItemUnitFactory

pytestmark = pytest.mark.django_db


def _skus(response) -> list[str]:
    return [row["sku"] for row in response.json()["items"]]


def test_a_gtin_finds_its_item_whatever_length_it_is_typed_in(tenant_a, api_as):
    cup = ItemFactory(tenant=tenant_a, sku="CUP-01")
    ItemUnitFactory(item=cup, code="each", factor=1, gtin="00036000291452")  # UPC-A 036000291452
    tag = ItemFactory(tenant=tenant_a, sku="TAG-01")
    ItemUnitFactory(item=tag, code="each", factor=1, gtin="00000096385074")  # EAN-8 96385074
    ItemFactory(tenant=tenant_a, sku="OTHER")
    api = api_as(tenant_a, Role.OPERATOR)
    for typed in ("036000291452", "0036000291452", "00036000291452"):
        response = api.get("/items", gtin=typed)
        assert response.status_code == 200, response.content
        assert _skus(response) == ["CUP-01"]
        assert response.json()["items"][0]["units"][0]["gtin"] == "00036000291452"
    assert _skus(api.get("/items", gtin="96385074")) == ["TAG-01"]
    assert _skus(api.get("/items", gtin="00000000000000")) == []


def test_a_wrong_check_digit_is_400_and_a_wrong_length_422(tenant_a, api_as):
    api = api_as(tenant_a, Role.PLANNER)
    wrong = api.get("/items", gtin="036000291453")
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "invalid_gtin" and wrong.json()["gtin"] == "036000291453"
    for junk in ("12345", "0360002914521234", "03600029145X", "abc\x00def"):
        response = api.get("/items", gtin=junk)
        assert response.status_code == 422 and response.json()["code"] == "invalid_request"


def test_category_filter_and_other_tenants_items_never_listed(tenant_a, tenant_b, api_as):
    ItemFactory(tenant=tenant_a, sku="CUP-01", category="cups")
    ItemFactory(tenant=tenant_a, sku="LID-01", category="lids")
    theirs = ItemFactory(tenant=tenant_b, sku="CUP-99", category="cups")
    ItemUnitFactory(item=theirs, code="each", factor=1, gtin="00036000291452")
    api = api_as(tenant_a, Role.SUPERVISOR)
    assert _skus(api.get("/items", category="cups")) == ["CUP-01"]
    assert _skus(api.get("/items", gtin="036000291452")) == []
    assert api.get(f"/items/{theirs.pk}").status_code == 404


def test_items_page_with_a_cursor(tenant_a, api_as):
    for n in range(5):
        ItemFactory(tenant=tenant_a, sku=f"P-{n}", category="paged")
    api = api_as(tenant_a, Role.FINANCE)
    first = api.get("/items", category="paged", limit=3).json()
    second = api.get("/items", category="paged", limit=3, cursor=first["next_cursor"]).json()
    assert len(first["items"]) == 3 and second["next_cursor"] is None
    assert sorted(_skus_of(first) + _skus_of(second)) == [f"P-{n}" for n in range(5)]


def _skus_of(page: dict) -> list[str]:
    return [row["sku"] for row in page["items"]]
