"""Keyset tables: pages follow a signed cursor (the sort key of the boundary row) forward,
backward and from the end, ties on the sort column page in id order, junk cursors give the
first page, filters and tenants still bound the rows, and no query uses OFFSET or counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from erp.roles import Role
from erp.tables import Column, build_table
from erp.tenancy import tenant_context
from inventory import selectors
from inventory.filters import TransactionFilter
from tests.factories import ItemFactory, bin_in, member
from tests.inventory.pages import receive_at, rows, ship_at, utc

pytestmark = pytest.mark.django_db

URL = reverse("inventory:transaction_list")


@pytest.fixture
def history(tenant_a):
    """Five postings; the 2nd, 3rd and 4th share one instant, so a 2-row page splits a tie."""
    item, bin = ItemFactory(tenant=tenant_a), bin_in(tenant_a)
    at = ["2025-01-01 08:00", "2025-01-03 08:00", "2025-01-03 08:00", "2025-01-03 08:00"]
    made = [receive_at(tenant_a, item, bin, 5, "1", utc(moment)) for moment in at]
    made.append(ship_at(tenant_a, item, bin, 1, utc("2025-01-04 08:00")))
    return made  # made[0] oldest ... made[4] newest


def _table(tenant, params=None, per_page=2):
    request = RequestFactory().get("/ledger/", params or {})
    request.tenant = tenant
    with tenant_context(tenant):
        return build_table(
            request,
            name="transactions",
            queryset=selectors.transactions(tenant=tenant),
            filterset_class=TransactionFilter,
            columns=[Column("#", "id"), Column("Posted at", "posted_at")],
            row_template="inventory/ledger/_row.html",
            default_sort="-posted_at",
            per_page=per_page,
            keyset=True,
        )


def _ids(table) -> list[int]:
    return [row.pk for row in table.page]


def _follow(tenant, table, cursor, **params):
    return _table(tenant, {**params, table.sort_param: table.sort, table.cursor_param: cursor})


def test_next_and_previous_walk_the_pages_newest_first(tenant_a, history):
    t = history
    first = _table(tenant_a)
    assert _ids(first) == [t[4].pk, t[3].pk]
    assert first.page.previous_cursor is None and not first.page.has_first
    second = _follow(tenant_a, first, first.page.next_cursor)
    # t[3], t[2] and t[1] share posted_at: the id breaks the tie, none is skipped or repeated.
    assert _ids(second) == [t[2].pk, t[1].pk]
    third = _follow(tenant_a, second, second.page.next_cursor)
    assert _ids(third) == [t[0].pk]
    assert third.page.next_cursor is None and not third.page.has_last
    back = _follow(tenant_a, third, third.page.previous_cursor)
    assert _ids(back) == [t[2].pk, t[1].pk]
    start = _follow(tenant_a, back, back.page.previous_cursor)
    assert _ids(start) == [t[4].pk, t[3].pk]


def test_last_is_the_oldest_rows_in_display_order_and_previous_goes_back_to_the_first(
    tenant_a, history
):
    t = history
    last = _follow(tenant_a, _table(tenant_a), _table(tenant_a).last_cursor)
    assert _ids(last) == [t[1].pk, t[0].pk]
    assert last.page.next_cursor is None and last.page.has_first
    before = _follow(tenant_a, last, last.page.previous_cursor)
    assert _ids(before) == [t[3].pk, t[2].pk]
    # One row is left before t[3]: Previous lands on the real first page, not a 1-row page.
    assert _ids(_follow(tenant_a, before, before.page.previous_cursor)) == [t[4].pk, t[3].pk]


def test_ascending_sort_pages_oldest_first_with_id_breaking_ties(tenant_a, history):
    t = history
    first = _table(tenant_a, {"sort": "posted_at"})
    assert first.sort == "posted_at"
    assert _ids(first) == [t[0].pk, t[1].pk]
    second = _follow(tenant_a, first, first.page.next_cursor)
    assert _ids(second) == [t[2].pk, t[3].pk]


@pytest.mark.parametrize(
    "cursor",
    ["junk", "", "x" * 2000, "WyJuIiwgWzFdXQ:1tQ:forged", "WyJsIiwgW11d"],
)
def test_junk_or_forged_cursors_give_the_first_page(tenant_a, history, cursor):
    table = _table(tenant_a, {"cursor": cursor})
    assert _ids(table) == [history[4].pk, history[3].pk]


def test_a_cursor_altered_or_made_for_another_order_gives_the_first_page(tenant_a, history):
    first = _table(tenant_a)
    token = first.page.next_cursor
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert _ids(_follow(tenant_a, first, altered)) == [history[4].pk, history[3].pk]
    ascending = _table(tenant_a, {"sort": "posted_at", "cursor": token})
    assert _ids(ascending) == [history[0].pk, history[1].pk]


def test_filters_apply_on_every_page(tenant_a, history):
    t = history
    first = _table(tenant_a, {"kind": "receipt"})
    assert _ids(first) == [t[3].pk, t[2].pk]
    second = _follow(tenant_a, first, first.page.next_cursor, kind="receipt")
    assert _ids(second) == [t[1].pk, t[0].pk]
    assert second.page.next_cursor is None
    assert "kind=receipt" in second.query


def test_pages_never_show_another_tenants_rows(tenant_a, tenant_b, history):
    foreign = receive_at(
        tenant_b, ItemFactory(tenant=tenant_b), bin_in(tenant_b), 1, "1", utc("2025-01-03 08:00")
    )
    first = _table(tenant_a, per_page=3)
    second = _follow(tenant_a, first, first.page.next_cursor)
    last = _follow(tenant_a, first, first.last_cursor)
    seen = _ids(first) + _ids(second) + _ids(last)
    assert foreign.pk not in seen
    assert sorted(set(seen)) == sorted(t.pk for t in history)


def test_the_ledger_page_links_pages_by_cursor_without_offset_or_count(client, tenant_a):
    client.force_login(member(tenant_a, Role.FINANCE))
    item, bin = ItemFactory(tenant=tenant_a), bin_in(tenant_a)
    for day in range(1, 53):  # 52 postings: a full page of 50 and 2 more
        receive_at(tenant_a, item, bin, 1, "1", utc(f"2025-03-01 08:{day:02}"))
    with CaptureQueriesContext(connection) as captured:
        first = client.get(URL)
    sql = " ".join(q["sql"] for q in captured.captured_queries).upper()
    assert "OFFSET" not in sql and "COUNT(*)" not in sql
    text = first.content.decode()
    assert "50 rows shown" in text and "Last »" in text and "« First" not in text
    next_href = re.search(r'<a href="([^"]+)"[^>]*rel="next"', text).group(1)
    second = client.get(URL + next_href.replace("&amp;", "&"))
    assert [r.posted_at.minute for r in rows(second)] == [2, 1]
    assert "2 rows shown" in second.content.decode()
