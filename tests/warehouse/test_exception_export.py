"""The floor exceptions page exports what each of its tables shows (erp.exports, through
`build_table`): the exceptions not acknowledged (unless another choice is made) of the chosen
kind, newest first, with who saw them and when; the bins flagged for a count, oldest first;
another tenant's rows never; junk in the filters gives the page with its message, not a file;
an acknowledgement comes back to the page as filtered."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from tests.exports import csv_rows
from tests.factories import ItemFactory, SalesOrderFactory, SiteFactory, bin_in, member
from tests.inventory.pages import utc
from warehouse.models import CountRequest, FloorException

pytestmark = pytest.mark.django_db

LIST = reverse("warehouse:exception_list")
HEADER = [
    "When", "Kind", "Order", "Item", "Bin", "Expected", "Found", "Outcome", "By", "Seen by",
    "Seen at",
]  # fmt: skip
COUNTS = ["Since", "Site", "Bin", "Reason"]


def _exception(tenant, when: str, **fields) -> FloorException:
    with tenant_context(tenant):
        row = FloorException.objects.create(tenant=tenant, **fields)
        FloorException.objects.filter(pk=row.pk).update(created_at=utc(when))
    return row


def _count_request(tenant, when: str, **fields) -> CountRequest:
    with tenant_context(tenant):
        row = CountRequest.objects.create(tenant=tenant, **fields)
        CountRequest.objects.filter(pk=row.pk).update(created_at=utc(when))
    return row


class Exceptions:
    """Tenant A (UTC), site WEST: a short pick of CUP-1 in P-01 on SO-100 (6 expected, 4
    found) on 1 March, a packing difference of MUG-1 on SO-101 on 2 March that Ann saw an hour
    later, a short pick of MUG-1 in P-01 on SO-102 on 3 March, all recorded by Olga; P-01
    flagged for a count since 1 March (and an older flag already counted). Tenant B: one
    short pick and one flagged bin of its own."""

    def __init__(self, tenant, tenant_b):
        self.supervisor = member(tenant, Role.SUPERVISOR)
        ann = member(tenant, Role.SUPERVISOR, user__full_name="Ann Smith")
        olga = member(tenant, Role.OPERATOR, user__full_name="Olga Berg")
        site = SiteFactory(tenant=tenant, code="WEST")
        with tenant_context(tenant):
            p01 = ledger.bin_location(tenant=tenant, bin=bin_in(tenant, site=site, code="P-01"))
        cup = ItemFactory(tenant=tenant, sku="CUP-1")
        mug = ItemFactory(tenant=tenant, sku="MUG-1")

        def order(number):
            return SalesOrderFactory(tenant=tenant, number=number, site=site)

        common = {"created_by": olga}
        self.first = _exception(
            tenant, "2025-03-01 08:00", kind="short_pick", order=order("SO-100"), item=cup,
            location=p01, expected=Decimal(6), found=Decimal(4), outcome="2 backordered",
            **common,
        )  # fmt: skip
        self.seen = _exception(
            tenant, "2025-03-02 09:00", kind="pack_mismatch", order=order("SO-101"), item=mug,
            expected=Decimal(3), found=Decimal(2), outcome="1 missing from carton",
            acknowledged_by=ann, acknowledged_at=utc("2025-03-02 10:00"), **common,
        )  # fmt: skip
        self.latest = _exception(
            tenant, "2025-03-03 10:30", kind="short_pick", order=order("SO-102"), item=mug,
            location=p01, expected=Decimal(1), found=Decimal(0), outcome="1 backordered",
            **common,
        )  # fmt: skip
        _count_request(tenant, "2025-02-01 08:00", location=p01, reason="counted", done=True)
        self.flag = _count_request(tenant, "2025-03-01 08:00", location=p01, reason="short pick")

        bravo_site = SiteFactory(tenant=tenant_b, code="BRAVO")
        with tenant_context(tenant_b):
            theirs = ledger.bin_location(
                tenant=tenant_b, bin=bin_in(tenant_b, site=bravo_site, code="B-99")
            )
        _exception(
            tenant_b, "2025-03-02 12:00", kind="short_pick",
            order=SalesOrderFactory(tenant=tenant_b, number="SO-900", site=bravo_site),
            item=ItemFactory(tenant=tenant_b, sku="BRAVO-1"), location=theirs,
            expected=Decimal(5), found=Decimal(0), outcome="5 backordered",
            created_by=member(tenant_b, Role.OPERATOR),
        )  # fmt: skip
        _count_request(tenant_b, "2025-03-02 12:00", location=theirs, reason="bravo flag")

    ROWS = {
        "latest": [
            "2025-03-03 10:30:00", "Short pick", "SO-102", "MUG-1", "P-01", "1.0000", "0.0000",
            "1 backordered", "Olga", "", "",
        ],
        "seen": [
            "2025-03-02 09:00:00", "Packed differs from picked", "SO-101", "MUG-1", "", "3.0000",
            "2.0000", "1 missing from carton", "Olga", "Ann", "2025-03-02 10:00:00",
        ],
        "first": [
            "2025-03-01 08:00:00", "Short pick", "SO-100", "CUP-1", "P-01", "6.0000", "4.0000",
            "2 backordered", "Olga", "", "",
        ],
    }  # fmt: skip

    def rows(self, *names: str) -> list[list[str]]:
        """The CSV, written out by hand: the header, then these exceptions' rows."""
        return [HEADER, *(self.ROWS[name] for name in names)]


@pytest.fixture
def floor(tenant_a, tenant_b):
    return Exceptions(tenant_a, tenant_b)


def test_the_page_shows_both_tables_with_filters_export_links_and_open_ones(client, floor):
    client.force_login(floor.supervisor)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="state"' in html and 'name="kind"' in html
    assert 'href="?&amp;sort=-created_at&amp;export=csv"' in html
    assert 'href="?&amp;counts-sort=created_at&amp;counts-export=xlsx"' in html
    shown = [int(pk) for pk in re.findall(r'data-exception="(\d+)"', html)]
    assert shown == [floor.latest.pk, floor.first.pk]
    assert re.findall(r'data-count-request="(\d+)"', html) == [str(floor.flag.pk)]
    assert "BRAVO-1" not in html and "bravo flag" not in html


def test_each_csv_is_its_table_as_filtered(client, floor):
    client.force_login(floor.supervisor)

    assert csv_rows(client.get(LIST, {"export": "csv"})) == floor.rows("latest", "first")
    assert csv_rows(client.get(LIST, {"state": "acknowledged", "export": "csv"})) == floor.rows(
        "seen"
    )
    everything = csv_rows(client.get(LIST, {"state": "all", "export": "csv"}))
    assert everything == floor.rows("latest", "seen", "first")
    short_oldest_first = {"state": "all", "kind": "short_pick", "sort": "created_at"}
    assert csv_rows(client.get(LIST, {**short_oldest_first, "export": "csv"})) == floor.rows(
        "first", "latest"
    )
    assert csv_rows(client.get(LIST, {"counts-export": "csv"})) == [
        COUNTS,
        ["2025-03-01 08:00:00", "WEST", "P-01", "short pick"],
    ]


def test_no_other_tenants_rows_reach_an_export(client, floor, tenant_b):
    client.force_login(floor.supervisor)
    mine = csv_rows(client.get(LIST, {"state": "all", "export": "csv"}))
    assert "BRAVO-1" not in str(mine) and "SO-900" not in str(mine)

    client.force_login(member(tenant_b, Role.SUPERVISOR))
    theirs = csv_rows(client.get(LIST, {"state": "all", "export": "csv"}))
    assert [row[2:4] for row in theirs] == [["Order", "Item"], ["SO-900", "BRAVO-1"]]
    flags = csv_rows(client.get(LIST, {"counts-export": "csv"}))
    assert flags == [COUNTS, ["2025-03-02 12:00:00", "BRAVO", "B-99", "bravo flag"]]


def test_junk_filters_show_the_page_with_its_message_not_a_file(client, floor):
    client.force_login(floor.supervisor)
    for junk in ({"kind": "no.such"}, {"state": "everything"}):
        response = client.get(LIST, {**junk, "export": "csv"})
        assert response.status_code == 200 and not response.streaming
        html = response.content.decode()
        assert "Select a valid choice" in html and "No exceptions match" in html
        assert "data-exception=" not in html
        # The flagged bins have no filters: still shown.
        assert re.findall(r'data-count-request="(\d+)"', html) == [str(floor.flag.pk)]


def test_an_acknowledgement_comes_back_to_the_page_as_filtered(client, floor):
    client.force_login(floor.supervisor)
    filtered = f"{LIST}?state=open&kind=short_pick"
    html = client.get(filtered).content.decode()
    action = reverse("warehouse:exception_acknowledge", args=[floor.first.pk])
    form = html[html.index(f'action="{action}"') :]
    form = form[: form.index("</form>")]
    assert 'name="next" value="/warehouse/exceptions/?state=open&amp;kind=short_pick"' in form
    assert re.search(r'name="csrfmiddlewaretoken" value="\w{20,}"', form)

    back = client.post(action, {"next": filtered})
    assert (back.status_code, back["Location"]) == (302, filtered)
    with tenant_context(floor.first.tenant):
        assert FloorException.objects.get(pk=floor.first.pk).acknowledged_by == floor.supervisor

    elsewhere = client.post(
        reverse("warehouse:exception_acknowledge", args=[floor.latest.pk]),
        {"next": "https://evil.example/"},
    )
    assert (elsewhere.status_code, elsewhere["Location"]) == (302, LIST)
