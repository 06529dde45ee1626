"""The inbound orders (the receiving list) export what their filters show (erp.exports, through
`build_table`): the orders the dock takes, soonest expected first, with the base quantities
ordered and received and the open discrepancies of each, counted once however many lines and
discrepancies an order has; another tenant's orders never; junk in the filters gives the page
with its message, not a file."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from erp.roles import Role
from tests.exports import csv_rows
from tests.factories import (
    DiscrepancyFactory,
    PurchaseOrderFactory,
    PurchaseOrderLineFactory,
    SiteFactory,
    SupplierFactory,
    member,
)

pytestmark = pytest.mark.django_db

LIST = reverse("warehouse:receiving_list")
HEADER = [
    "Order", "Supplier", "Site", "Expected", "Status", "Ordered", "Received", "Open discrepancies",
]  # fmt: skip


def day(offset: int) -> datetime.date:
    """Today in tenant A's zone (UTC) moved by `offset` days."""
    return timezone.localdate(timezone.now(), datetime.UTC) + datetime.timedelta(days=offset)


class Inbound:
    """Tenant A (UTC): PO-301 from Acme to WEST, sent, expected 3 days ago (late): lines of 10
    and 20, 5 received, one open and one accepted discrepancy; PO-302 from Birch to EAST, partly
    received (4 of 12), ASN-77, due in 2 days; PO-303 from Acme to EAST, received (8 of 8) 10
    days ago, so not late; PO-304 still a draft, which the dock does not take. Tenant B: PO-901,
    sent."""

    def __init__(self, tenant, tenant_b):
        self.supervisor = member(tenant, Role.SUPERVISOR)
        self.acme = SupplierFactory(tenant=tenant, code="ACME", name="Acme Tools")
        self.birch = SupplierFactory(tenant=tenant, code="BIRCH", name="Birch & Co")
        self.west = SiteFactory(tenant=tenant, code="WEST")
        self.east = SiteFactory(tenant=tenant, code="EAST")
        buyer = member(tenant, Role.PLANNER)

        def order(number, supplier, site, status, expected, *lines, **fields):
            if status != "draft":  # only an approved order reaches the supplier
                fields.update(approved_by=buyer, approved_at=timezone.now())
            po = PurchaseOrderFactory(
                tenant=tenant, supplier=supplier, site=site, number=number, status=status,
                expected_date=expected, **fields,
            )  # fmt: skip
            made = [
                PurchaseOrderLineFactory(
                    order=po, line_no=n, quantity=Decimal(q), received_base=Decimal(r)
                )
                for n, (q, r) in enumerate(lines, start=1)
            ]
            return po, made

        self.late, (first, _second) = order(
            "PO-301", self.acme, self.west, "sent", day(-3), (10, 0), (20, 5)
        )
        DiscrepancyFactory(order_line=first, state="open")
        DiscrepancyFactory(order_line=first, state="accepted")
        self.partial, _ = order(
            "PO-302", self.birch, self.east, "partially_received", day(2), (12, 4),
            supplier_reference="ASN-77",
        )  # fmt: skip
        self.done, _ = order("PO-303", self.acme, self.east, "received", day(-10), (8, 8))
        order("PO-304", self.acme, self.west, "draft", day(-1), (5, 0))
        self.bravo_supplier = SupplierFactory(tenant=tenant_b, code="BRAVO")
        PurchaseOrderFactory(
            tenant=tenant_b, supplier=self.bravo_supplier, number="PO-901", status="sent",
            expected_date=day(1), approved_by=member(tenant_b, Role.PLANNER),
            approved_at=timezone.now(),
        )  # fmt: skip

    ROWS = {
        "PO-301": ["PO-301", "Acme Tools", "WEST", -3, "Sent", "30.0000", "5.0000", "1"],
        "PO-302": [
            "PO-302", "Birch & Co", "EAST", 2, "Partially received", "12.0000", "4.0000", "0",
        ],
        "PO-303": ["PO-303", "Acme Tools", "EAST", -10, "Received", "8.0000", "8.0000", "0"],
    }  # fmt: skip

    def rows(self, *numbers: str) -> list[list[str]]:
        """The CSV, written out by hand: the header, then these orders' rows."""
        out = [HEADER]
        for number in numbers:
            row = list(self.ROWS[number])
            row[3] = day(row[3]).isoformat()
            out.append(row)
        return out


@pytest.fixture
def inbound(tenant_a, tenant_b):
    return Inbound(tenant_a, tenant_b)


def test_the_list_shows_its_filters_export_links_and_receivable_orders(client, inbound):
    client.force_login(inbound.supervisor)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("number", "supplier", "site", "status", "late"):
        assert f'name="{name}"' in html
    assert 'href="?&amp;sort=expected_date&amp;export=csv"' in html and "Export XLSX" in html
    shown = set(map(int, re.findall(r'data-order="(\d+)"', html)))
    assert shown == {inbound.late.pk, inbound.partial.pk, inbound.done.pk}
    assert reverse("warehouse:receiving_detail", args=[inbound.late.pk]) in html
    assert html.count("badge bad") == 1  # PO-301 only: PO-303 is received
    late_row = html[html.index(f'data-order="{inbound.late.pk}"') :]
    assert "late</span>" in late_row[: late_row.index("</tr>")]


def test_the_csv_is_the_filtered_list_soonest_expected_first(client, inbound):
    client.force_login(inbound.supervisor)

    everything = csv_rows(client.get(LIST, {"export": "csv"}))
    assert everything == inbound.rows("PO-303", "PO-301", "PO-302")

    assert csv_rows(client.get(LIST, {"late": "true", "export": "csv"})) == inbound.rows("PO-301")
    assert csv_rows(client.get(LIST, {"late": "false", "export": "csv"})) == inbound.rows(
        "PO-303", "PO-302"
    )
    assert csv_rows(client.get(LIST, {"number": "asn-77", "export": "csv"})) == inbound.rows(
        "PO-302"
    )
    acme_east = {"supplier": inbound.acme.pk, "site": inbound.east.pk, "export": "csv"}
    assert csv_rows(client.get(LIST, acme_east)) == inbound.rows("PO-303")
    assert csv_rows(client.get(LIST, {"status": "sent", "export": "csv"})) == inbound.rows("PO-301")
    most_ordered = csv_rows(client.get(LIST, {"sort": "-ordered", "export": "csv"}))
    assert most_ordered == inbound.rows("PO-301", "PO-302", "PO-303")


def test_no_other_tenants_orders_reach_the_list_or_an_export(client, inbound, tenant_b):
    client.force_login(inbound.supervisor)
    mine = csv_rows(client.get(LIST, {"export": "csv"}))
    assert "PO-901" not in str(mine)
    theirs = client.get(LIST, {"supplier": inbound.bravo_supplier.pk, "export": "csv"})
    assert not theirs.streaming and "Select a valid choice" in theirs.content.decode()

    client.force_login(member(tenant_b, Role.SUPERVISOR))
    rows = csv_rows(client.get(LIST, {"export": "csv"}))
    assert [row[0] for row in rows] == ["Order", "PO-901"]
    assert rows[1][5:] == ["0", "0", "0"]  # no lines, no discrepancies


def test_junk_filters_show_the_page_with_its_message_not_a_file(client, inbound):
    client.force_login(inbound.supervisor)
    for junk in ({"status": "draft"}, {"site": "WEST"}, {"supplier": "99999999"}):
        response = client.get(LIST, {**junk, "export": "csv"})
        assert response.status_code == 200 and not response.streaming
        html = response.content.decode()
        assert "Select a valid choice" in html and "No orders to receive match" in html
        assert "data-order=" not in html
