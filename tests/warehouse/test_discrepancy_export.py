"""The receiving discrepancy list exports what its filters show (erp.exports, through
`build_table`): the discrepancies in the chosen state (open unless another is chosen) and kind,
newest first, as on the page; another tenant's never; a reason starting with a formula
character is written inert; junk in the filters gives the page with its message, not a file; a
decision posted from a filtered list comes back to that list."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from tests.exports import csv_rows
from tests.factories import (
    DiscrepancyFactory,
    ItemFactory,
    LotFactory,
    PurchaseOrderFactory,
    PurchaseOrderLineFactory,
    member,
)
from tests.inventory.pages import utc
from warehouse.models import Discrepancy
from warehouse.receiving import services as receiving

pytestmark = pytest.mark.django_db

LIST = reverse("warehouse:discrepancy_list")
HEADER = ["#", "When", "By", "Order", "Kind", "Item", "Quantity", "Stock", "Reason", "State"]
FORMULA = '=HYPERLINK("http://evil","PO-2")'
INERT = "'" + FORMULA  # what the CSV holds: a spreadsheet shows it as text


class Floor:
    """Tenant A (UTC): an over-receipt of the dock's order (100 ordered, 110 received at DOCK-1
    with a 5% tolerance: 5 accepted within it, 5 held open in quarantine), and on PO-200 a
    short receipt (open), a damaged lot (open) and a wrong item with a formula for a reason
    that Ann rejected; tenant B: one open short receipt."""

    def __init__(self, dock, tenant_b):
        tenant = dock.tenant
        self.supervisor = member(tenant, Role.SUPERVISOR)
        ann = member(tenant, Role.SUPERVISOR, user__full_name="Ann Smith")
        olga = dock.operator
        olga.full_name = "Olga Berg"
        olga.save()
        with tenant_context(tenant):
            receiving.receive(
                tenant=tenant, user=olga, order=dock.order, item=dock.item,
                quantity=Decimal(110), dock=dock.dock, scan_key="over",
            )  # fmt: skip
            self.held = Discrepancy.objects.get(state="open")
            self.within = Discrepancy.objects.get(state="accepted")
        order = PurchaseOrderFactory(tenant=tenant, supplier__tenant=tenant, number="PO-200")
        cup = ItemFactory(tenant=tenant, sku="CUP-1")
        mug = ItemFactory(tenant=tenant, sku="MUG-1", tracking="lot")
        line_1 = PurchaseOrderLineFactory(order=order, line_no=1, item=cup)
        line_2 = PurchaseOrderLineFactory(order=order, line_no=2, item=mug)
        self.short = DiscrepancyFactory(order_line=line_1, created_by=olga)
        self.damaged = DiscrepancyFactory(
            order_line=line_2, kind="damaged", quantity=Decimal(1), status="damaged",
            lot=LotFactory(item=mug, code="L-7"), reason="crushed box", note="photo taken",
            created_by=olga,
        )  # fmt: skip
        self.wrong = DiscrepancyFactory(
            order_line=None, order=order, item=cup, tenant=tenant, kind="wrong_item",
            quantity=Decimal(3), reason=FORMULA, state="rejected", resolved_by=ann,
            resolved_at=utc("2025-02-21 07:00"), resolution="not ours", created_by=olga,
        )  # fmt: skip
        with tenant_context(tenant):
            for row, when in [
                (self.held, "2025-03-05 11:00"),
                (self.within, "2025-03-05 10:59"),
                (self.damaged, "2025-03-03 10:30"),
                (self.short, "2025-03-01 08:00"),
                (self.wrong, "2025-02-20 07:00"),
            ]:
                Discrepancy.objects.filter(pk=row.pk).update(created_at=utc(when))
        bravo_line = PurchaseOrderLineFactory(order__supplier__tenant=tenant_b, item__sku="BRAVO-1")
        self.bravo = DiscrepancyFactory(order_line=bravo_line, reason="Bravo's short")
        self.po = dock.order.number
        self.sku = dock.item.sku

    def row(self, name: str) -> list[str]:
        """The CSV row of one of the discrepancies, written out by hand."""
        rows = {
            "held": [
                str(self.held.pk), "2025-03-05 11:00:00", "Olga", f"{self.po}/1", "Over-receipt",
                self.sku, "5.0000", "Quarantine in DOCK-1",
                "5 above the 5% tolerance; held for approval", "Open",
            ],
            "within": [
                str(self.within.pk), "2025-03-05 10:59:00", "Olga", f"{self.po}/1",
                "Over-receipt", self.sku, "5.0000", "Available in DOCK-1",
                "within tolerance; accepted", "Accepted",
            ],
            "damaged": [
                str(self.damaged.pk), "2025-03-03 10:30:00", "Olga", "PO-200/2", "Damaged",
                "MUG-1 · L-7", "1.0000", "Damaged", "crushed box — photo taken", "Open",
            ],
            "short": [
                str(self.short.pk), "2025-03-01 08:00:00", "Olga", "PO-200/1", "Short receipt",
                "CUP-1", "2.0000", "", "2 fewer than the delivery note", "Open",
            ],
            "wrong": [
                str(self.wrong.pk), "2025-02-20 07:00:00", "Olga", "PO-200",
                "Wrong item / not on PO", "CUP-1", "3.0000", "", INERT,
                "Rejected by Ann: not ours",
            ],
        }  # fmt: skip
        return rows[name]


@pytest.fixture
def floor(dock, tenant_b):
    return Floor(dock, tenant_b)


def test_the_list_shows_its_filters_export_links_and_open_ones_by_default(client, floor):
    client.force_login(floor.supervisor)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="state"' in html and 'name="kind"' in html
    assert 'href="?&amp;sort=-created_at&amp;export=csv"' in html and "Export XLSX" in html
    shown = set(map(int, re.findall(r'data-discrepancy="(\d+)"', html)))
    assert shown == {floor.held.pk, floor.damaged.pk, floor.short.pk}
    assert "3 rows" in html


def test_the_csv_is_the_filtered_list_newest_first(client, floor):
    client.force_login(floor.supervisor)

    assert csv_rows(client.get(LIST, {"export": "csv"})) == [
        HEADER, floor.row("held"), floor.row("damaged"), floor.row("short"),
    ]  # fmt: skip
    assert csv_rows(client.get(LIST, {"state": "all", "kind": "over_receipt", "export": "csv"})) == [
        HEADER, floor.row("held"), floor.row("within"),
    ]  # fmt: skip
    assert csv_rows(client.get(LIST, {"state": "rejected", "export": "csv"})) == [
        HEADER, floor.row("wrong"),
    ]  # fmt: skip
    smallest_first = csv_rows(client.get(LIST, {"sort": "quantity", "export": "csv"}))
    assert smallest_first == [HEADER, floor.row("damaged"), floor.row("short"), floor.row("held")]


def test_the_landing_pages_links_still_filter_the_list(client, floor):
    """The supervisor's landing page links to `?state=open&kind=...` (reporting.dashboards)."""
    client.force_login(floor.supervisor)
    rows = csv_rows(client.get(LIST, {"state": "open", "kind": "damaged", "export": "csv"}))
    assert rows == [HEADER, floor.row("damaged")]


def test_no_other_tenants_discrepancies_reach_the_list_or_an_export(client, floor, tenant_b):
    client.force_login(floor.supervisor)
    mine = csv_rows(client.get(LIST, {"state": "all", "export": "csv"}))
    assert len(mine) == 6 and "Bravo" not in str(mine) and "BRAVO-1" not in str(mine)
    assert "Bravo's short" not in client.get(LIST, {"state": "all"}).content.decode()

    client.force_login(member(tenant_b, Role.SUPERVISOR))
    theirs = csv_rows(client.get(LIST, {"state": "all", "export": "csv"}))
    assert [row[0] for row in theirs[1:]] == [str(floor.bravo.pk)]
    assert theirs[1][5:] == ["BRAVO-1", "2.0000", "", "Bravo's short", "Open"]
    page = client.get(LIST, {"state": "all"}).content.decode()
    assert f'data-discrepancy="{floor.held.pk}"' not in page


def test_junk_filters_show_the_page_with_its_message_not_a_file(client, floor):
    client.force_login(floor.supervisor)
    for junk in ({"kind": "no.such"}, {"state": "everything"}):
        response = client.get(LIST, {**junk, "export": "csv"})
        assert response.status_code == 200 and not response.streaming
        html = response.content.decode()
        assert "Select a valid choice" in html and "No discrepancies match" in html
        assert "data-discrepancy=" not in html


def test_a_decision_posted_from_a_filtered_list_comes_back_to_it(client, floor):
    client.force_login(floor.supervisor)
    filtered = f"{LIST}?state=open&kind=damaged"
    html = client.get(filtered).content.decode()
    action = reverse("warehouse:discrepancy_resolve", args=[floor.damaged.pk])
    form = html[html.index(f'action="{action}"') :]
    form = form[: form.index("</form>")]
    assert 'name="next" value="/warehouse/discrepancies/?state=open&amp;kind=damaged"' in form
    assert re.search(r'name="csrfmiddlewaretoken" value="\w{20,}"', form)

    back = client.post(action, {"decision": "reject", "resolution": "no", "next": filtered})
    assert (back.status_code, back["Location"]) == (302, filtered)
    with tenant_context(floor.damaged.tenant):
        assert Discrepancy.objects.get(pk=floor.damaged.pk).state == "rejected"

    elsewhere = client.post(
        reverse("warehouse:discrepancy_resolve", args=[floor.short.pk]),
        {"decision": "accept", "next": "https://evil.example/"},
    )
    assert (elsewhere.status_code, elsewhere["Location"]) == (302, LIST)
