"""Cursor pages: every row once, in a fixed order, rows added meanwhile at the end; and
updated-since sync that sees changes made by any UPDATE, not only by save() (issue 14)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Item
from tests.api.conftest import Api
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


def _walk(api: Api, **params) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        answer = api.get("/items", **params, **({"cursor": cursor} if cursor else {})).json()
        pages.append([item["sku"] for item in answer["items"]])
        cursor = answer["next_cursor"]
        if cursor is None:
            return pages


def test_pages_give_every_row_once_and_rows_added_meanwhile_come_last(tenant_a):
    for n in range(5):
        ItemFactory(tenant=tenant_a, sku=f"P-{n}")
    api = Api(tenant_a, Role.PLANNER)
    first = api.get("/items", limit=2).json()
    assert [i["sku"] for i in first["items"]] == ["P-0", "P-1"]
    ItemFactory(tenant=tenant_a, sku="A-NEW")  # sorts first by SKU, but is the newest change
    second = api.get("/items", limit=2, cursor=first["next_cursor"]).json()
    assert [i["sku"] for i in second["items"]] == ["P-2", "P-3"]
    third = api.get("/items", limit=2, cursor=second["next_cursor"]).json()
    assert [i["sku"] for i in third["items"]] == ["P-4", "A-NEW"]
    assert third["next_cursor"] is None
    assert _walk(api, limit=4) == [["P-0", "P-1", "P-2", "P-3"], ["P-4", "A-NEW"]]


def test_updated_since_sees_a_change_made_by_a_queryset_update(tenant_a):
    old = ItemFactory(tenant=tenant_a, sku="OLD")
    ItemFactory(tenant=tenant_a, sku="UNTOUCHED")
    api = Api(tenant_a, Role.PLANNER)
    assert len(api.get("/items").json()["items"]) == 2
    since = timezone.now()
    with tenant_context(tenant_a):
        Item.objects.filter(pk=old.pk).update(description="Renamed in bulk")
    changed = api.get("/items", updated_since=since.isoformat()).json()["items"]
    assert [(i["sku"], i["description"]) for i in changed] == [("OLD", "Renamed in bulk")]


@pytest.mark.parametrize(
    "params,code",
    [
        ({"cursor": "junk"}, "invalid_cursor"),
        ({"cursor": "WzFd"}, "invalid_cursor"),  # [1]: a cursor of another kind of list
        ({"cursor": "WyJub3QgYSBkYXRlIiwgMV0"}, "invalid_cursor"),  # ["not a date", 1]
        ({"updated_since": "2026-01-01T00:00:00"}, "invalid_updated_since"),
        ({"updated_since": "yesterday"}, "invalid_request"),
        ({"limit": "0"}, "invalid_request"),
        ({"limit": "501"}, "invalid_request"),
        ({"limit": "²"}, "invalid_request"),
    ],
)
def test_junk_paging_parameters_are_refused_with_a_code(tenant_a, params, code):
    response = Api(tenant_a, Role.PLANNER).get("/items", **params)
    assert response.status_code in (400, 422)
    assert response.json()["code"] == code


def test_statements_per_page_do_not_grow_with_the_page(tenant_a):
    for n in range(30):
        ItemFactory(tenant=tenant_a, sku=f"Q-{n:02}")
    api = Api(tenant_a, Role.PLANNER)
    api.get("/items", limit=1)  # the token's last-used time is written once a minute
    counts = []
    for limit in (1, 30):
        with CaptureQueriesContext(connection) as queries:
            assert len(api.get("/items", limit=limit).json()["items"]) == limit
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_misspelt_filter_is_refused_not_ignored(tenant_a):
    ItemFactory(tenant=tenant_a, sku="CUP-01")
    response = Api(tenant_a, Role.PLANNER).get("/items", skuu="CUP-01")
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["parameters"]) == ("unknown_parameter", ["skuu"])
    assert "sku" in body["allowed"]


@pytest.mark.parametrize("where", ["query", "body"])
def test_a_nul_character_is_refused_before_it_reaches_the_database(tenant_a, where):
    api = Api(tenant_a, Role.ADMIN)
    if where == "query":
        response = api.get("/items", sku="CUP\x0001")
    else:
        response = api.post("/atp/query", {"skus": ["CUP\u000001"]})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
