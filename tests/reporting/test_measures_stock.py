"""Stock measures against figures worked out by hand (reporting/measures/stock.py).

The books (UTC tenant and site), March 2025 the period (31 days):
- COLA received 100 at 2.00 on 10 Jan; 30 shipped on 10 Mar (COGS 60); 10 shipped on 2 Apr.
- CHIPS received 50 at 1.00 on 10 Jan; 5 adjusted out on 20 Mar (value 5); never shipped.
Closing values: 28 Feb 200 + 50 = 250; 31 Mar 140 + 45 = 185; average (250 + 185) / 2 = 217.5.
Held now: COLA 60 (value 120), CHIPS 45 (value 45).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from erp.ranked_rows import RankedRows
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import InventorySettings, ItemSegment, LocationKind
from inventory.selectors.measures import dead_stock
from purchasing.models import OrderStatus, PlanningLevel
from purchasing.planning.selectors import excess_and_dead_stock, excess_stock
from reporting.measures import stock, supplier
from reporting.scope import Scope
from tests.factories import (
    ItemFactory,
    PlanningRunFactory,
    PurchaseOrderFactory,
    PurchaseOrderLineFactory,
    SiteFactory,
    SupplierFactory,
    bin_in,
    member,
)
from tests.inventory.pages import post_move, receive_at, ship_at, utc
from tests.inventory.stock import loc
from warehouse.models import (
    Count,
    CountResult,
    CountStatus,
    Discrepancy,
    DiscrepancyKind,
    ReceiptLine,
)

pytestmark = pytest.mark.django_db

MARCH = (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))


@pytest.fixture
def books(tenant_a):
    tenant_a.time_zone = "UTC"
    tenant_a.save()
    site = SiteFactory(tenant=tenant_a, code="MAIN", time_zone="UTC")
    other = SiteFactory(tenant=tenant_a, code="SIDE", time_zone="UTC")
    shelf = bin_in(tenant_a, site=site)
    cola = ItemFactory(tenant=tenant_a, sku="COLA", category="drinks")
    chips = ItemFactory(tenant=tenant_a, sku="CHIPS", category="snacks")
    receipt = receive_at(tenant_a, cola, shelf, 100, "2.00", utc("2025-01-10 12:00"))
    receive_at(tenant_a, chips, shelf, 50, "1.00", utc("2025-01-10 12:00"))
    ship_at(tenant_a, cola, shelf, 30, utc("2025-03-10 12:00"))
    post_move(
        tenant_a, chips, shelf, LocationKind.ADJUSTMENT, 5, kind="adjustment",
        at=utc("2025-03-20 12:00"),
    )  # fmt: skip
    ship_at(tenant_a, cola, shelf, 10, utc("2025-04-02 12:00"))
    with tenant_context(tenant_a):
        run = PlanningRunFactory(tenant=tenant_a)
        level = {"run": run, "tenant": tenant_a, "site": site, "as_of": datetime.date(2025, 4, 1)}
        # COLA: order-up-to 40, holds 60 -> 20 above at 2.00 = 40 of excess; not at risk.
        PlanningLevel.objects.create(
            item=cola, demand_per_day=Decimal(3), reorder_point=Decimal(20),
            order_up_to=Decimal(40), on_hand=Decimal(60), on_order=Decimal(0),
            backorders=Decimal(0), **level,
        )  # fmt: skip
        # CHIPS: 45 on hand + 5 on order below its reorder point of 60 -> at risk; no excess.
        PlanningLevel.objects.create(
            item=chips, demand_per_day=Decimal(1), reorder_point=Decimal(60),
            order_up_to=Decimal(100), on_hand=Decimal(45), on_order=Decimal(5),
            backorders=Decimal(0), **level,
        )  # fmt: skip
        # Two items counted in March: COLA right (10 of 10 at 2.00), CHIPS 8 of 10 at 5.00.
        count = Count.objects.create(
            tenant=tenant_a, site=site, location=loc(shelf), status=CountStatus.APPROVED,
            reason="cycle", decided_at=utc("2025-03-15 09:00"),
            decided_by=member(tenant_a),
        )  # fmt: skip
        for item, counted, cost, ok in ((cola, 10, "2", True), (chips, 8, "5", False)):
            CountResult.objects.create(
                tenant=tenant_a, count=count, item=item, expected=Decimal(10),
                counted=Decimal(counted), unit_cost=Decimal(cost), within_tolerance=ok,
            )  # fmt: skip
    return {
        "tenant": tenant_a, "site": site, "other": other, "cola": cola, "chips": chips,
        "shelf": shelf, "receipt": receipt,
    }  # fmt: skip


def _scope(books, **filters) -> Scope:
    return Scope(tenant=books["tenant"], start=MARCH[0], end=MARCH[1], **filters)


def test_turns_days_on_hand_and_carrying_cost(books):
    with tenant_context(books["tenant"]):
        t = stock.turns(_scope(books))
    assert t.cogs == Decimal(60)
    assert [v for _, v in t.points] == [Decimal(250), Decimal(185)]
    assert t.average_value == Decimal("217.5")
    assert t.turns == Decimal(60) / Decimal("217.5")  # 8/29
    assert t.days_on_hand.quantize(Decimal("0.001")) == Decimal("112.375")  # 31 * 29 / 8
    # 25 % a year (the default) of 217.5 for 31 days of 365.
    assert t.carrying_cost.quantize(Decimal("0.0001")) == Decimal("4.6182")


def test_carrying_cost_takes_the_tenants_rate(books):
    with tenant_context(books["tenant"]):
        InventorySettings.objects.create(tenant=books["tenant"], carrying_cost_rate=Decimal(10))
        t = stock.turns(_scope(books))
    assert t.carrying_cost.quantize(Decimal("0.0001")) == Decimal("1.8473")  # 21.75 * 31 / 365


def test_month_ends_inside_the_period_join_the_average(books):
    scope = Scope(
        tenant=books["tenant"], start=datetime.date(2025, 2, 15), end=datetime.date(2025, 3, 31)
    )
    assert stock.value_days(scope) == [
        datetime.date(2025, 2, 14), datetime.date(2025, 2, 28), datetime.date(2025, 3, 31),
    ]  # fmt: skip
    with tenant_context(books["tenant"]):
        average, _ = stock.average_value(scope)
    assert average == (Decimal(250) + Decimal(250) + Decimal(185)) / 3


def test_accuracy_and_adjustment_rate(books):
    with tenant_context(books["tenant"]):
        a = stock.inventory_accuracy(_scope(books))
    assert (a.made, a.within) == (2, 1)
    assert a.rate == Decimal(1) / 2
    assert a.value_gap == Decimal(10) / Decimal(60)  # |8 - 10| * 5 over 20 + 40
    assert (a.adjustment_lines, a.adjustment_value) == (1, Decimal(5))
    assert a.adjustment_rate == Decimal(5) / Decimal("217.5")


def test_excess_dead_and_summary(books):
    with tenant_context(books["tenant"]):
        e = stock.excess_and_dead(_scope(books))
        summary = stock.stock_summary(_scope(books))
    assert [(r["sku"], r["excess_quantity"], r["excess_value"]) for r in e.excess] == [
        ("COLA", Decimal(20), Decimal(40))
    ]
    # CHIPS never went out; COLA shipped in March (and April).
    assert [(r["sku"], r["value"]) for r in e.dead] == [("CHIPS", Decimal(45))]
    assert summary["excess_value"] == Decimal(40)
    assert summary["dead_stock_value"] == Decimal(45)
    assert summary["stockout_risk_items"] == 1
    assert summary["accuracy"] == Decimal(1) / 2
    assert summary["turns"] == Decimal(60) / Decimal("217.5")


def test_dead_stock_pages_by_window_and_totals_every_row_per_site(books):
    """Two more never-shipped items, one at each site: the ranked rows come a window at a
    time (the first with the totals), and the totals count every row, not the window."""
    tenant = books["tenant"]
    nuts, salt = ItemFactory(tenant=tenant, sku="NUTS"), ItemFactory(tenant=tenant, sku="SALT")
    receive_at(
        tenant, nuts, bin_in(tenant, site=books["other"]), 4, "20.00", utc("2025-01-10 12:00")
    )
    receive_at(
        tenant, salt, bin_in(tenant, site=books["other"]), 10, "0.50", utc("2025-01-10 12:00")
    )
    with tenant_context(tenant):
        dead = stock.excess_and_dead(_scope(books)).dead
        two = RankedRows(dead._run, first=2)
        window = [(r["sku"], r["value"]) for r in two[0:2]]
        rest = [(r["sku"], r["value"]) for r in two[2:5]]
        totals = sorted((t["site_code"], t["rows"], t["value"]) for t in two.totals)
    assert window == [("NUTS", Decimal(80)), ("CHIPS", Decimal(45))]
    assert rest == [("SALT", Decimal(5))]
    assert totals == [("MAIN", 1, Decimal(45)), ("SIDE", 2, Decimal(85))]
    assert (two.count(), two.value) == (3, Decimal(130))
    with tenant_context(tenant), CaptureQueriesContext(connection) as queries:
        second = RankedRows(dead._run, first=1, offset=1)  # the page a table shows: the 2nd
        shown = [r["sku"] for r in second[1:2]]
    assert (shown, second.count(), len(queries.captured_queries)) == (["CHIPS"], 3, 1)


@pytest.mark.parametrize(
    "filters", [{}, {"site": "other"}, {"category": "drinks"}, {"abc_class": "A"}],
    ids=["all", "site", "category", "abc"],
)  # fmt: skip
@pytest.mark.parametrize("offset", [0, 1])
def test_one_pass_for_both_lists_reads_what_each_lists_own_statement_reads(books, filters, offset):
    """The page reads the excess and the dead stock in one statement; a list's other windows
    run its own. Both must rank and total alike, under every filter and from any offset."""
    tenant, other = books["tenant"], books["other"]
    side = bin_in(tenant, site=other)
    nuts = ItemFactory(tenant=tenant, sku="NUTS", category="drinks")
    salt = ItemFactory(tenant=tenant, sku="SALT", category="snacks")
    receive_at(tenant, nuts, side, 4, "20.00", utc("2025-01-10 12:00"))
    receive_at(tenant, salt, side, 10, "0.50", utc("2025-01-10 12:00"))
    receive_at(tenant, books["cola"], side, 8, "3.00", utc("2025-01-10 12:00"))
    with tenant_context(tenant):
        run = PlanningRunFactory(tenant=tenant)
        for item, up_to in ((nuts, 1), (salt, 2), (books["cola"], 5)):
            PlanningLevel.objects.create(
                run=run, tenant=tenant, site=other, as_of=datetime.date(2025, 4, 1), item=item,
                demand_per_day=Decimal(1), reorder_point=Decimal(0), order_up_to=Decimal(up_to),
                on_hand=Decimal(0), on_order=Decimal(0), backorders=Decimal(0),
            )  # fmt: skip
        for item in (nuts, books["cola"]):
            ItemSegment.objects.create(
                tenant=tenant, item=item, site=other, abc_class="A", xyz_class="X",
                annual_quantity=Decimal(1), annual_value=Decimal(1), demand_cv=Decimal(0),
                demand_periods=1, computed_on=datetime.date(2025, 4, 1),
            )  # fmt: skip
    if "site" in filters:
        filters = {"site_id": other.pk}
    since = datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC)
    with tenant_context(tenant):
        excess, dead = excess_and_dead_stock(
            tenant=tenant, since=since, excess_offset=offset, dead_offset=offset, **filters
        )
        own_excess = excess_stock(tenant=tenant, offset=offset, **filters)
        own_dead = dead_stock(tenant=tenant, since=since, offset=offset, **filters)
        both = [(list(r[offset : offset + 50]), r.totals) for r in (excess, dead)]
        own = [(list(r[offset : offset + 50]), r.totals) for r in (own_excess, own_dead)]
    assert both == own
    assert excess.count() + dead.count() > 0


def test_filters_narrow_or_empty_the_measures(books):
    with tenant_context(books["tenant"]):
        snacks = stock.turns(_scope(books, category="snacks"))
        elsewhere = stock.stock_summary(_scope(books, site=books["other"]))
        drinks = stock.inventory_accuracy(_scope(books, category="drinks"))
    assert snacks.cogs == 0 and snacks.average_value == Decimal("47.5")  # (50 + 45) / 2
    assert snacks.days_on_hand is None  # nothing shipped: no turns
    assert elsewhere["turns"] is None and elsewhere["accuracy"] is None
    assert elsewhere["excess_value"] == 0 and elsewhere["dead_stock_items"] == 0
    assert (drinks.made, drinks.within, drinks.adjustment_value) == (1, 1, 0)


# --- supplier scorecard ----------------------------------------------------------------------


@pytest.fixture
def deliveries(books):
    """ACME, order sent 1 Mar 00:00 UTC: COLA 10 due 5 Mar, all 10 in on 5 Mar 00:00 (on time,
    4 days); CHIPS 20 due 6 Mar, 15 in on 8 Mar 00:00 (late, 7 days, 3 found damaged), the rest
    short-closed. A cancelled order's line due in March counts nowhere."""
    tenant, site = books["tenant"], books["site"]
    acme = SupplierFactory(tenant=tenant, code="ACME")
    buyer = member(tenant, Role.PLANNER)
    sent = utc("2025-03-01 00:00")
    with tenant_context(tenant):
        order = PurchaseOrderFactory(
            supplier=acme, site=site, status=OrderStatus.RECEIVED, approved_by=buyer,
            approved_at=sent, sent_at=sent, expected_date=datetime.date(2025, 3, 5),
        )  # fmt: skip
        cancelled = PurchaseOrderFactory(
            supplier=acme, site=site, status=OrderStatus.CANCELLED,
            expected_date=datetime.date(2025, 3, 10),
        )  # fmt: skip
        PurchaseOrderLineFactory(order=cancelled, item=books["cola"], quantity=Decimal(5))
        shelf, posting = loc(books["shelf"]), books["receipt"]
        for n, (item, ordered, got, due, at, short) in enumerate((
            (books["cola"], 10, 10, datetime.date(2025, 3, 5), "2025-03-05 00:00", False),
            (books["chips"], 20, 15, datetime.date(2025, 3, 6), "2025-03-08 00:00", True),
        )):  # fmt: skip
            line = PurchaseOrderLineFactory(
                order=order, item=item, quantity=Decimal(ordered), expected_date=due,
                received_base=Decimal(got), first_received_at=utc(at), short_closed=short,
            )  # fmt: skip
            receipt = ReceiptLine.objects.create(
                tenant=tenant, order=order, order_line=line, item=item, unit="each",
                quantity=Decimal(got), quantity_base=Decimal(got), accepted_base=Decimal(got),
                location=shelf, transaction=posting, scan_key=f"k{n}", received_by=buyer,
            )  # fmt: skip
            ReceiptLine.objects.filter(pk=receipt.pk).update(received_at=utc(at))
        Discrepancy.objects.create(
            tenant=tenant, kind=DiscrepancyKind.DAMAGED, order=order, order_line=line,
            receipt_line=receipt, item=books["chips"], quantity=Decimal(3), reason="crushed",
            created_by=buyer,
        )  # fmt: skip
    return {**books, "acme": acme, "order": order}


def test_supplier_scorecard(deliveries):
    with tenant_context(deliveries["tenant"]):
        (acme,) = supplier.supplier_scores(_scope(deliveries))
        receipts = supplier.supplier_receipts(_scope(deliveries, supplier=deliveries["acme"]))
        snacks = supplier.supplier_scores(_scope(deliveries, category="snacks"))
    assert (acme.code, acme.on_time_lines, acme.receipt_lines) == ("ACME", 1, 2)
    assert acme.on_time == Decimal(1) / 2
    assert acme.fill == Decimal(25) / Decimal(30)  # 10 + 15 of 10 + 20 (the cancelled 5 aside)
    assert acme.quality == Decimal(10) / Decimal(25)  # the damaged receipt's 15 do not count
    assert acme.lead_mean == Decimal("5.5") and acme.lead_sd == Decimal("1.5")  # 4 and 7 days
    assert [(r["sku"], r["on_time"], r["discrepancy"]) for r in receipts] == [
        ("CHIPS", False, True), ("COLA", True, False),
    ]  # fmt: skip
    assert [(s.receipt_lines, s.fill, s.quality) for s in snacks] == [
        (1, Decimal(15) / 20, Decimal(0))
    ]


# --- pages -----------------------------------------------------------------------------------

PAGES = [
    "reporting:inventory_accuracy", "reporting:turns", "reporting:excess_and_dead",
    "reporting:supplier_scorecard",
]  # fmt: skip
MARCH_QUERY = {"date_from": "2025-03-01", "date_to": "2025-03-31"}


def test_pages_show_their_figures_with_links(client, deliveries):
    from reporting import snapshots

    with tenant_context(deliveries["tenant"]):  # the day of the count, for the daily trend
        snapshots.write_snapshots(tenant=deliveries["tenant"], day=datetime.date(2025, 3, 15))
    client.force_login(member(deliveries["tenant"], Role.FINANCE))
    pages = {name: client.get(reverse(name), MARCH_QUERY) for name in PAGES}
    assert all(r.status_code == 200 for r in pages.values())
    text = {name: r.content.decode() for name, r in pages.items()}
    # Every table's CSV link streams a file (the tables built from lists included).
    for name, html in text.items():
        links = set(re.findall(r'href="(\?[^"]*export=csv[^"]*)"', html))
        assert links or name == "reporting:turns", name  # turns has a chart and figures only
        for link in links:
            export = client.get(reverse(name) + unescape(link))
            assert export.status_code == 200 and export.streaming, (name, link)
            assert b"".join(export.streaming_content).count(b"\n") >= 1
    assert "50.0 %" in text["reporting:inventory_accuracy"]  # 1 of 2 counts
    assert '<td>15 Mar</td><td class="num">50.0 %</td>' in text["reporting:inventory_accuracy"]
    assert "30 earlier days have no snapshot yet" in text["reporting:inventory_accuracy"]
    assert "60.00" in text["reporting:turns"] and "112.4" in text["reporting:turns"]
    assert "40.00" in text["reporting:excess_and_dead"]  # COLA 20 above order-up-to
    assert (
        reverse("inventory:item_detail", args=[deliveries["chips"].pk])
        in (text["reporting:excess_and_dead"])
    )
    assert "83.3 %" in text["reporting:supplier_scorecard"]  # fill 25 / 30
    drill = client.get(reverse("reporting:supplier_scorecard"), {**MARCH_QUERY, "supplier": "ACME"})
    assert (
        reverse("purchasing:order_detail", args=[deliveries["order"].pk]) in drill.content.decode()
    )


def test_junk_filters_get_messages_not_errors(client, deliveries):
    client.force_login(member(deliveries["tenant"], Role.PLANNER))
    junk = {"date_from": "soon", "site": "x", "abc_class": "Q", "dead_days": "-4", "supplier": "?"}
    for name in PAGES:
        response = client.get(reverse(name), junk)
        assert response.status_code == 200, name
        assert 'class="error"' in response.content.decode(), name


def test_wrong_role_is_refused(client, deliveries):
    client.force_login(member(deliveries["tenant"], Role.OPERATOR))
    assert {client.get(reverse(name)).status_code for name in PAGES} == {403}


def test_another_tenant_sees_none_of_these_figures(client, deliveries, tenant_b):
    client.force_login(member(tenant_b, Role.ADMIN))
    for name in PAGES:
        query = {**MARCH_QUERY, "site": deliveries["site"].pk}
        body = client.get(reverse(name), query).content.decode()
        assert "COLA" not in body and "ACME" not in body and "MAIN" not in body, name


# --- the bench's one-SQL references agree with the measures -----------------------------------


def test_bench_references_agree_with_the_measures(deliveries):
    from django.db import connection

    from bench.references.stock import REFERENCES as STOCK
    from bench.references.supplier import REFERENCES as SUPPLIER

    scope = _scope(deliveries)
    start, stop = scope.bounds()
    params = {"tenant": deliveries["tenant"].pk, "start": start, "stop": stop}
    with tenant_context(deliveries["tenant"]), connection.cursor() as cursor:
        for key, (sql, measure) in {**STOCK, **SUPPLIER}.items():
            cursor.execute(sql, params)
            expected = cursor.fetchone()
            got = measure(scope)
            assert [Decimal(v).quantize(Decimal("0.0001")) for v in expected] == [
                Decimal(v).quantize(Decimal("0.0001")) for v in got
            ], key


def test_ratio_measures_are_registered_for_the_nightly_snapshots(deliveries):
    from reporting.measures import registry

    scope = _scope(deliveries)
    with tenant_context(deliveries["tenant"]):
        figures = {
            key: registry.get(key).function(scope)
            for key in ("record_accuracy", "supplier_on_time", "supplier_fill", "supplier_quality")
        }
    assert figures == {
        "record_accuracy": (1, 2),
        "supplier_on_time": (1, 2),
        "supplier_fill": (Decimal(25), Decimal(30)),
        "supplier_quality": (Decimal(10), Decimal(25)),
    }
