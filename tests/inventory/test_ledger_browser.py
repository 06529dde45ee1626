"""Ledger browser: posted transactions filtered and paged on the server, each with its entries
and its reversal links, for supervisors, finance and admins only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import LocationKind
from tests.factories import ItemFactory, LotFactory, bin_in, member
from tests.inventory.pages import htmx_get, post_move, receive_at, rows, utc

pytestmark = pytest.mark.django_db

URL = reverse("inventory:transaction_list")


@pytest.fixture
def finance(tenant_a):
    return member(tenant_a, Role.FINANCE)


@pytest.fixture
def finance_client(client, finance):
    client.force_login(finance)
    return client


@pytest.fixture
def postings(tenant_a, finance):
    """A receipt of apples (by `finance`), a move of them, and a receipt of pears."""
    first, second = bin_in(tenant_a), bin_in(tenant_a)
    apple = ItemFactory(tenant=tenant_a, sku="APPLE", description="Red apple")
    pear = ItemFactory(tenant=tenant_a, sku="PEAR", description="Green pear")
    receipt = receive_at(
        tenant_a, apple, first, 10, "2.00", utc("2025-03-01 09:00"),
        user=finance, reference="PO-1001/1",
    )  # fmt: skip
    move = post_move(tenant_a, apple, first, second, 4, at=utc("2025-03-02 09:00"))
    pears = receive_at(
        tenant_a, pear, first, 5, "1.00", utc("2025-03-03 09:00"), reference="PO-1002/1"
    )
    return {"receipt": receipt, "move": move, "pears": pears, "bins": (first, second)}


def _ids(response) -> list[int]:
    return [row.pk for row in rows(response)]


def test_ledger_lists_transactions_newest_first_with_their_line_counts(finance_client, postings):
    response = finance_client.get(URL)
    assert response.status_code == 200
    listed = rows(response)
    assert [t.pk for t in listed] == [postings[k].pk for k in ("pears", "move", "receipt")]
    assert {t.line_count for t in listed} == {2}
    text = response.content.decode()
    assert "PO-1001/1" in text and "2025-03-01 09:00" in text and "system" in text


@pytest.mark.parametrize(
    "query,expected",
    [
        ({"kind": "receipt"}, ["pears", "receipt"]),
        ({"kind": "move"}, ["move"]),
        ({"date_from": "2025-03-02"}, ["pears", "move"]),
        ({"date_to": "2025-03-02"}, ["move", "receipt"]),
        ({"date_from": "2025-03-02", "date_to": "2025-03-02"}, ["move"]),
        ({"item": "apple"}, ["move", "receipt"]),
        ({"item": "green"}, ["pears"]),
        ({"reference": "po-1002"}, ["pears"]),
        ({"reference": "PO-"}, ["pears", "receipt"]),
        ({"user": "finance"}, ["receipt"]),
    ],
)
def test_filters_narrow_the_transactions_on_the_server(
    finance_client, finance, postings, query, expected
):
    if query.get("user") == "finance":
        query = {"user": finance.pk}
    response = finance_client.get(URL, query)
    assert _ids(response) == [postings[name].pk for name in expected]


def test_transaction_detail_shows_its_entries_with_cost_and_value(finance_client, tenant_a):
    milk = ItemFactory(tenant=tenant_a, sku="MILK", tracking="lot")
    lot = LotFactory(item=milk, code="L-42")
    bin = bin_in(tenant_a, code="C-07")
    receipt = receive_at(tenant_a, milk, bin, 6, "1.25", utc("2025-04-01 08:00"), lot=lot)
    response = finance_client.get(reverse("inventory:transaction_detail", args=[receipt.pk]))
    assert response.status_code == 200
    entries = rows(response)
    assert [(e.location.code, e.quantity, e.value) for e in entries] == [
        ("(supplier)", Decimal(-6), Decimal("-7.5")),
        ("C-07", Decimal(6), Decimal("7.5")),
    ]
    text = response.content.decode()
    assert "L-42" in text and "1.25" in text and "7.50" in text and "not reversed" in text


def test_a_reversal_and_its_original_link_to_each_other(finance_client, tenant_a, postings):
    with tenant_context(tenant_a):
        reversal = ledger.reverse(
            tenant=tenant_a, user=None, original=postings["pears"], reason="wrong PO"
        )
    original_url = reverse("inventory:transaction_detail", args=[postings["pears"].pk])
    reversal_url = reverse("inventory:transaction_detail", args=[reversal.pk])
    original = finance_client.get(original_url).content.decode()
    assert f'href="{reversal_url}"' in original and "Reversed by" in original
    assert f'href="{original_url}"' in finance_client.get(reversal_url).content.decode()
    listed = {t.pk: t for t in rows(finance_client.get(URL))}
    assert listed[postings["pears"].pk].reversed_by_id == reversal.pk
    assert listed[reversal.pk].reverses_id == postings["pears"].pk


def test_entries_of_a_transaction_filter_by_item(finance_client, tenant_a):
    bin = bin_in(tenant_a)
    apple = ItemFactory(tenant=tenant_a, sku="APPLE")
    pear = ItemFactory(tenant=tenant_a, sku="PEAR")
    with tenant_context(tenant_a):
        supplier = ledger.virtual_location(tenant=tenant_a, kind=LocationKind.SUPPLIER)
        destination = ledger.bin_location(tenant=tenant_a, bin=bin)
        txn = ledger.post(
            tenant=tenant_a,
            user=None,
            kind="receipt",
            moves=[
                ledger.Move(item=i, quantity=Decimal(2), source=supplier, destination=destination)
                for i in (apple, pear)
            ],
        )
    url = reverse("inventory:transaction_detail", args=[txn.pk])
    assert len(rows(finance_client.get(url))) == 4
    assert {e.item.sku for e in rows(finance_client.get(url, {"item": "pear"}))} == {"PEAR"}


def test_another_tenants_transaction_answers_404(finance_client, tenant_b):
    foreign = receive_at(
        tenant_b, ItemFactory(tenant=tenant_b), bin_in(tenant_b), 1, "1", utc("2025-01-01 00:00")
    )
    response = finance_client.get(reverse("inventory:transaction_detail", args=[foreign.pk]))
    assert response.status_code == 404
    assert _ids(finance_client.get(URL)) == []


def test_transactions_are_paged_by_cursor_not_page_number(finance_client, tenant_a):
    item, bin = ItemFactory(tenant=tenant_a), bin_in(tenant_a)
    for day in range(1, 31):
        receive_at(tenant_a, item, bin, 1, "1", utc(f"2025-01-{day:02} 12:00"))
    first = finance_client.get(URL)
    assert len(_ids(first)) == 30 and "30 rows shown" in first.content.decode()
    assert 'rel="next"' not in first.content.decode()
    # An old ?page=N bookmark is not a cursor: the first page, not an error.
    assert _ids(finance_client.get(URL, {"page": 2})) == _ids(first)
    last = first.context["table"].last_cursor
    oldest = finance_client.get(URL, {"cursor": last})
    assert _ids(oldest) == _ids(first)


def test_htmx_request_for_the_results_gets_only_the_rows(finance_client, postings):
    response = htmx_get(finance_client, URL, "transactions-results", {"kind": "move"})
    text = response.content.decode()
    assert "<html" not in text and 'class="filters"' not in text
    assert text.lstrip().startswith('<div id="transactions-results"')
    assert "PO-1001/1" not in text


def test_query_count_does_not_grow_with_the_rows(finance_client, postings):
    with CaptureQueriesContext(connection) as few:
        finance_client.get(URL, {"kind": "move"})
    with CaptureQueriesContext(connection) as many:
        finance_client.get(URL)
    assert len(many) == len(few)


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.PLANNER])
def test_roles_outside_the_ledger_are_refused(client, tenant_a, postings, role):
    client.force_login(member(tenant_a, role))
    assert client.get(URL).status_code == 403
    detail = reverse("inventory:transaction_detail", args=[postings["receipt"].pk])
    assert client.get(detail).status_code == 403


def test_supervisors_and_admins_open_the_ledger(client, tenant_a, postings):
    for role in (Role.SUPERVISOR, Role.ADMIN):
        client.force_login(member(tenant_a, role))
        assert client.get(URL).status_code == 200


def test_date_filters_take_whole_utc_days(finance_client, tenant_a):
    item, bin = ItemFactory(tenant=tenant_a), bin_in(tenant_a)
    late = receive_at(tenant_a, item, bin, 1, "1", utc("2025-03-02 23:59:59"))
    early = receive_at(tenant_a, item, bin, 1, "1", utc("2025-03-03 00:00"))
    assert _ids(finance_client.get(URL, {"date_to": "2025-03-02"})) == [late.pk]
    assert _ids(finance_client.get(URL, {"date_from": "2025-03-03"})) == [early.pk]


def test_supervisor_reverses_a_transaction_from_its_page(client, tenant_a):
    from tests.inventory.stock import assert_ledger_clean, on_hand, receive

    item = ItemFactory(tenant=tenant_a)
    bin = bin_in(tenant_a)
    txn = receive(tenant_a, item, bin, 5)
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    url = reverse("inventory:transaction_reverse", args=[txn.pk])
    assert b"Give a reason" in client.post(url, {"reason": ""}, follow=True).content
    page = client.post(url, {"reason": "received on the wrong PO"}, follow=True)
    assert f"Transaction #{txn.pk} reversed by".encode() in page.content
    assert on_hand(tenant_a, item, bin) == 0
    again = client.post(url, {"reason": "again"}, follow=True)
    assert on_hand(tenant_a, item, bin) == 0 and again.status_code == 200
    assert_ledger_clean(tenant_a)
    client.force_login(member(tenant_a, Role.FINANCE))
    assert client.post(url, {"reason": "x"}).status_code == 403
