"""Segmentation: ABC by a year's consumption value and XYZ by the variability of weekly demand,
per item and site, computed from shipments posted through the ledger. Every expected figure
below is worked out by hand from the quantities and costs posted."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import ItemSegment, LocationKind
from inventory.services import segmentation
from inventory.tasks import compute_segments_all_task, compute_segments_task
from tests.factories import ItemFactory, SiteFactory, bin_in, member
from tests.inventory.pages import htmx_get, post_move, receive_at, rows, ship_at
from tests.inventory.stock import assert_ledger_clean, loc

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2025, 6, 30)
LONG_AGO = datetime.datetime(2024, 1, 2, 12, tzinfo=datetime.UTC)  # stock received before the year


def noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def week_day(week: int) -> datetime.date:
    """A day inside week `week` counted back from AS_OF (week 0 = the 7 days ending on it)."""
    return AS_OF - datetime.timedelta(days=7 * week + 2)


def ship_many(tenant, bin, at, quantities: dict) -> None:
    """One shipment transaction from `bin` to the customer carrying every item given."""
    with tenant_context(tenant):
        customer = ledger.virtual_location(tenant=tenant, kind=LocationKind.CUSTOMER)
        ledger.post(
            tenant=tenant,
            user=None,
            kind="shipment",
            moves=[
                ledger.Move(item=item, quantity=Decimal(q), source=loc(bin), destination=customer)
                for item, q in quantities.items()
                if q
            ],
            posted_at=at,
        )


def compute(tenant, as_of=AS_OF) -> segmentation.SegmentRun:
    with tenant_context(tenant):
        return segmentation.compute_segments(tenant=tenant, as_of=as_of)


def segments(tenant) -> dict[tuple[str, str], ItemSegment]:
    with tenant_context(tenant):
        rows = ItemSegment.objects.filter(tenant=tenant).select_related("item", "site")
        return {(row.item.sku, row.site.code): row for row in rows}


def figures(row: ItemSegment) -> tuple:
    return (
        row.abc_class,
        row.xyz_class,
        row.annual_quantity,
        row.annual_value,
        row.demand_cv,
        row.demand_periods,
    )


@pytest.fixture
def year(tenant_a):
    """One site in UTC, five items each shipping 520 units over the 52 weeks in a different
    weekly pattern and at a different unit cost, and a sixth that never ships.

    week k (0..51)  P1 cost 1.00  P2 cost 0.50  P3 cost 0.25  P4 cost 0.10  P5 cost 0.05
    every week      10                          15 (k even)                 16 (k even)
                                                5 (k odd)                   4 (k odd)
    k even                        20
    k % 4 == 0                                                40 (13 weeks)
    """
    site = SiteFactory(tenant=tenant_a, code="ONE", time_zone="UTC")
    bin = bin_in(tenant_a, site=site)
    costs = {"P1": "1.00", "P2": "0.50", "P3": "0.25", "P4": "0.10", "P5": "0.05", "P6": "3.00"}
    items = {sku: ItemFactory(tenant=tenant_a, sku=sku) for sku in costs}
    for sku, cost in costs.items():
        receive_at(tenant_a, items[sku], bin, 10 if sku == "P6" else 520, cost, LONG_AGO)
    for k in range(52):
        even = k % 2 == 0
        ship_many(
            tenant_a,
            bin,
            noon(week_day(k)),
            {
                items["P1"]: 10,
                items["P2"]: 20 if even else 0,
                items["P3"]: 15 if even else 5,
                items["P4"]: 40 if k % 4 == 0 else 0,
                items["P5"]: 16 if even else 4,
            },
        )
    return {"site": site, "bin": bin, **items}


def test_hand_computed_classes_values_and_variability(tenant_a, year):
    """Values: P1 520.00, P2 260.00, P3 130.00, P4 52.00, P5 26.00 (total 988.00).
    Share held by the items before each: P1 0 % -> A; P2 52.6 % -> A; P3 78.9 % -> A (it
    crosses 80 %: the boundary item is A); P4 92.1 % -> B (it crosses 95 %); P5 97.4 % -> C.
    CV = sqrt(52·SS - S²) / S with S = 520: P1 SS 5200 -> 0; P2 SS 10400 -> 520/520 = 1.0
    (Y, the limit is inclusive); P3 SS 6500 -> 260/520 = 0.5 (X, inclusive); P4 SS 20800 ->
    sqrt(811200)/520 = 1.7321 -> Z; P5 SS 7072 -> 312/520 = 0.6 -> Y."""
    run = compute(tenant_a)

    found = {sku: figures(row) for (sku, _), row in segments(tenant_a).items()}
    D = Decimal
    assert found == {
        "P1": ("A", "X", D("520"), D("520.00"), D("0"), 52),
        "P2": ("A", "Y", D("520"), D("260.00"), D("1.0"), 26),
        "P3": ("A", "X", D("520"), D("130.00"), D("0.5"), 52),
        "P4": ("B", "Z", D("520"), D("52.00"), D("1.7321"), 13),
        "P5": ("C", "Y", D("520"), D("26.00"), D("0.6"), 52),
        "P6": ("C", "Z", D("0"), D("0"), None, 0),
    }
    assert run.computed_on == AS_OF and run.rows == 6
    assert (run.count(abc="A"), run.count(abc="B"), run.count(abc="C")) == (3, 1, 2)
    assert (run.count(xyz="X"), run.count(xyz="Y"), run.count(xyz="Z")) == (2, 2, 2)
    assert {row.computed_on for row in segments(tenant_a).values()} == {AS_OF}
    assert_ledger_clean(tenant_a)


def _single_shipments(tenant, site, values: dict[str, int]) -> dict:
    """Per SKU, one shipment of `value` units at cost 1.00 in week 1."""
    bin = bin_in(tenant, site=site)
    items = {}
    for sku, value in values.items():
        items[sku] = ItemFactory(tenant=tenant, sku=sku)
        receive_at(tenant, items[sku], bin, value, "1.00", LONG_AGO)
        ship_at(tenant, items[sku], bin, value, noon(week_day(1)))
    return items


def test_an_item_starting_exactly_at_80_or_95_percent_is_b_or_c(tenant_a):
    """Values 80, 15, 5: before them 0 %, exactly 80 % and exactly 95 % -> A, B, C."""
    site = SiteFactory(tenant=tenant_a, code="EDGE", time_zone="UTC")
    _single_shipments(tenant_a, site, {"E80": 80, "E15": 15, "E05": 5})

    compute(tenant_a)

    found = {sku: row.abc_class for (sku, _), row in segments(tenant_a).items()}
    assert found == {"E80": "A", "E15": "B", "E05": "C"}


def test_items_of_equal_value_share_their_class(tenant_a):
    """Values 70, 10, 10, 10: the three tens all have 70 % before them (the items worth more),
    so all are A; ranked one after another the second and third would have been B."""
    site = SiteFactory(tenant=tenant_a, code="TIE", time_zone="UTC")
    _single_shipments(tenant_a, site, {"T70": 70, "T10A": 10, "T10B": 10, "T10C": 10})

    compute(tenant_a)

    found = {sku: row.abc_class for (sku, _), row in segments(tenant_a).items()}
    assert found == {"T70": "A", "T10A": "A", "T10B": "A", "T10C": "A"}


def test_a_site_without_consumption_is_all_c_and_z(tenant_a):
    site = SiteFactory(tenant=tenant_a, code="IDLE", time_zone="UTC")
    bin = bin_in(tenant_a, site=site)
    for sku in ("IDLE1", "IDLE2"):
        receive_at(tenant_a, ItemFactory(tenant=tenant_a, sku=sku), bin, 5, "2.00", LONG_AGO)
    never_here = ItemFactory(tenant=tenant_a, sku="NOWHERE")

    compute(tenant_a)

    found = {sku: figures(row) for (sku, _), row in segments(tenant_a).items()}
    assert found == {
        "IDLE1": ("C", "Z", Decimal(0), Decimal(0), None, 0),
        "IDLE2": ("C", "Z", Decimal(0), Decimal(0), None, 0),
    }
    assert never_here.sku not in found  # never in a bin there: nothing to count


def test_two_sites_are_ranked_apart(tenant_a, year):
    """At a second site only P5 ships (100 at 0.05 = 5.00, all in one week): there it is A
    with all the value, and P1, stocked there but not shipped, is C. One week of 100 in 52:
    CV = sqrt(52·10000 - 10000) / 100 = sqrt(51) = 7.1414 -> Z. The first site's figures
    do not move."""
    two = SiteFactory(tenant=tenant_a, code="TWO", time_zone="UTC")
    bin = bin_in(tenant_a, site=two)
    receive_at(tenant_a, year["P5"], bin, 100, "0.05", LONG_AGO)
    receive_at(tenant_a, year["P1"], bin, 3, "1.00", LONG_AGO)
    ship_at(tenant_a, year["P5"], bin, 100, noon(week_day(7)))

    compute(tenant_a)

    found = segments(tenant_a)
    D = Decimal
    assert figures(found[("P5", "TWO")]) == ("A", "Z", D(100), D("5.00"), D("7.1414"), 1)
    assert figures(found[("P1", "TWO")]) == ("C", "Z", D(0), D(0), None, 0)
    assert figures(found[("P5", "ONE")]) == ("C", "Y", D(520), D("26.00"), D("0.6"), 52)
    assert figures(found[("P1", "ONE")]) == ("A", "X", D(520), D("520.00"), D(0), 52)
    assert len(found) == 8


def test_only_shipments_are_consumption(tenant_a, year):
    """P1 also goes to scrap, to an adjustment and to another site: its figures stay those of
    its 520 shipped units."""
    bin, p1 = year["bin"], year["P1"]
    elsewhere = bin_in(tenant_a, site=SiteFactory(tenant=tenant_a, code="OTHER", time_zone="UTC"))
    receive_at(tenant_a, p1, bin, 100, "1.00", LONG_AGO)
    post_move(tenant_a, p1, bin, LocationKind.SCRAP, 5, kind="scrap", at=noon(week_day(5)))
    post_move(
        tenant_a, p1, bin, LocationKind.ADJUSTMENT, 5, kind="adjustment", at=noon(week_day(6))
    )
    post_move(tenant_a, p1, bin, elsewhere, 20, kind="transfer", at=noon(week_day(8)))

    compute(tenant_a)

    found = segments(tenant_a)
    assert figures(found[("P1", "ONE")]) == ("A", "X", Decimal(520), Decimal("520.00"), 0, 52)
    # The transfer made P1 a resident of the other site, without demand there.
    assert figures(found[("P1", "OTHER")]) == ("C", "Z", Decimal(0), Decimal(0), None, 0)
    assert_ledger_clean(tenant_a)


def test_a_reversed_shipment_is_taken_out_of_its_own_week(tenant_a):
    """10 shipped in week 1 and 10 in week 0; 30 more shipped in week 1 and reversed now (week
    0). Counted against the shipment's week, the weeks are 10 and 10: S 20, SS 200, CV =
    sqrt(52·200 - 400) / 20 = 100 / 20 = 5.0. (Counted on its own day the reversal would
    leave weeks of 40 and -20.)"""
    today = datetime.datetime.now(datetime.UTC).date()
    site = SiteFactory(tenant=tenant_a, code="REV", time_zone="UTC")
    bin = bin_in(tenant_a, site=site)
    item = ItemFactory(tenant=tenant_a, sku="REV1")
    receive_at(tenant_a, item, bin, 50, "2.00", LONG_AGO)
    ship_at(tenant_a, item, bin, 10, noon(today - datetime.timedelta(days=9)))
    ship_at(tenant_a, item, bin, 10, noon(today - datetime.timedelta(days=2)))
    mistake = ship_at(tenant_a, item, bin, 30, noon(today - datetime.timedelta(days=10)))
    with tenant_context(tenant_a):
        ledger.reverse(tenant=tenant_a, user=None, original=mistake, reason="shipped twice")

    compute(tenant_a, as_of=today)

    row = segments(tenant_a)[("REV1", "REV")]
    assert figures(row) == ("A", "Z", Decimal(20), Decimal("40.00"), Decimal("5.0"), 2)
    assert_ledger_clean(tenant_a)


def test_the_year_is_365_local_days_up_to_the_date(tenant_a):
    """Chicago is UTC-5 in summer. Counted: 1 at 22:00 on 30 June 2025 local (already 1 July
    in UTC), and 8 at 01:00 on 1 July 2024 local, the 365th day back, which joins the oldest
    week. Not counted: 2 at 01:00 on 1 July 2025 local (after the date), and 4 at 23:00 on
    30 June 2024 local (366 days back). Weeks: 1 in week 0, 8 in week 51: S 9, SS 65,
    CV = sqrt(52·65 - 81) / 9 = sqrt(3299) / 9 = 6.3819."""
    site = SiteFactory(tenant=tenant_a, code="CHI", time_zone="America/Chicago")
    bin = bin_in(tenant_a, site=site)
    item = ItemFactory(tenant=tenant_a, sku="EDGES")
    receive_at(tenant_a, item, bin, 15, "2.00", LONG_AGO)
    utc = lambda text: datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.UTC)  # noqa: E731
    ship_at(tenant_a, item, bin, 1, utc("2025-07-01 03:00"))
    ship_at(tenant_a, item, bin, 2, utc("2025-07-01 06:00"))
    ship_at(tenant_a, item, bin, 4, utc("2024-07-01 04:00"))
    ship_at(tenant_a, item, bin, 8, utc("2024-07-01 06:00"))

    compute(tenant_a)

    row = segments(tenant_a)[("EDGES", "CHI")]
    assert figures(row) == ("A", "Z", Decimal(9), Decimal("18.00"), Decimal("6.3819"), 2)


def test_another_tenants_ledger_never_counts_and_its_rows_stay(tenant_a, tenant_b, year):
    site_b = SiteFactory(tenant=tenant_b, code="ONE", time_zone="UTC")
    bin_b = bin_in(tenant_b, site=site_b)
    p6_b = ItemFactory(tenant=tenant_b, sku="P6")
    receive_at(tenant_b, p6_b, bin_b, 1000, "50.00", LONG_AGO)
    for k in range(10):
        ship_at(tenant_b, p6_b, bin_b, 50, noon(week_day(k)))
    compute(tenant_b)
    before_b = {key: figures(row) for key, row in segments(tenant_b).items()}

    compute(tenant_a)

    # In tenant A, P6 (same SKU and site code as B's busy item) still has no demand.
    assert figures(segments(tenant_a)[("P6", "ONE")]) == ("C", "Z", 0, 0, None, 0)
    assert len(segments(tenant_a)) == 6
    assert {key: figures(row) for key, row in segments(tenant_b).items()} == before_b
    assert before_b[("P6", "ONE")][:4] == ("A", "Z", Decimal(500), Decimal("25000.00"))


def test_a_rerun_replaces_the_rows(tenant_a, year):
    compute(tenant_a)
    first = segments(tenant_a)
    later = AS_OF + datetime.timedelta(days=7)
    ship_at(tenant_a, year["P6"], year["bin"], 10, noon(later))

    run = compute(tenant_a, as_of=later)
    compute(tenant_a, as_of=later)  # and once more: still one row per item and site

    again = segments(tenant_a)
    assert set(again) == set(first) and run.rows == 6
    with tenant_context(tenant_a):
        assert ItemSegment.objects.count() == 6
    assert {row.computed_on for row in again.values()} == {later}
    # P6: 10 at 3.00 = 30.00, all in the new week 0: CV = sqrt(52·100 - 100) / 10 = 7.1414.
    assert figures(again[("P6", "ONE")])[3:] == (Decimal("30.00"), Decimal("7.1414"), 1)


def test_the_task_computes_for_its_tenant(tenant_a, tenant_b, year):
    rows = compute_segments_task(tenant_a.pk, AS_OF.isoformat())

    assert rows == 6
    assert segments(tenant_a)[("P1", "ONE")].abc_class == "A"
    assert segments(tenant_b) == {}
    assert compute_segments_task(tenant_a.pk, AS_OF.isoformat()) == 6  # a redelivery
    assert len(segments(tenant_a)) == 6


def test_the_nightly_task_fans_out_one_task_per_tenant(tenant_a, tenant_b, monkeypatch):
    queued = []
    monkeypatch.setattr(compute_segments_task, "delay", lambda tenant_id: queued.append(tenant_id))

    compute_segments_all_task()

    assert sorted(queued) == sorted([tenant_a.pk, tenant_b.pk])


def test_the_nightly_entry_is_in_the_beat_schedule(settings):
    entries = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "inventory.tasks.compute_segments_all_task" in entries


# The page -----------------------------------------------------------------------------------

URL = reverse("inventory:segment_list")
RECOMPUTE = reverse("inventory:segment_recompute")


@pytest.fixture
def computed(tenant_a, year):
    """The year's segments, plus a second site where only P5 ships (A there)."""
    two = SiteFactory(tenant=tenant_a, code="TWO", time_zone="UTC")
    bin = bin_in(tenant_a, site=two)
    receive_at(tenant_a, year["P5"], bin, 100, "0.05", LONG_AGO)
    ship_at(tenant_a, year["P5"], bin, 100, noon(week_day(7)))
    compute(tenant_a)
    return {**year, "two": two}


def _keys(response) -> list[tuple[str, str]]:
    return [(row.item.sku, row.site.code) for row in rows(response)]


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.PLANNER, Role.ADMIN])
def test_the_page_lists_items_by_site_with_classes_value_cv_and_date(
    client, tenant_a, computed, role
):
    client.force_login(member(tenant_a, role))

    response = client.get(URL)

    assert response.status_code == 200
    # Highest consumption value first.
    assert _keys(response) == [
        ("P1", "ONE"), ("P2", "ONE"), ("P3", "ONE"), ("P4", "ONE"), ("P5", "ONE"),
        ("P5", "TWO"), ("P6", "ONE"),
    ]  # fmt: skip
    text = response.content.decode()
    assert "Computed for the year up to <strong>2025-06-30</strong>" in text
    assert "1.7321" in text and "520.00" in text
    assert "Recompute now" in text and 'name="idempotency_key"' in text
    matrix = response.context["figures"]
    assert matrix["rows"] == 7 and matrix["value"] == Decimal("993.00")
    cells = {c["abc"]: [cell["rows"] for cell in c["cells"]] for c in matrix["classes"]}
    assert cells == {"A": [2, 1, 1], "B": [0, 0, 1], "C": [0, 1, 1]}


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.FINANCE])
def test_other_roles_are_refused_the_page_and_the_button(client, tenant_a, role, sent_tasks):
    client.force_login(member(tenant_a, role))

    assert client.get(URL).status_code == 403
    assert client.post(RECOMPUTE).status_code == 403
    assert sent_tasks == []


@pytest.mark.parametrize(
    "query,expected",
    [
        ({"abc_class": "A"}, [("P1", "ONE"), ("P2", "ONE"), ("P3", "ONE"), ("P5", "TWO")]),
        ({"xyz_class": "Y"}, [("P2", "ONE"), ("P5", "ONE")]),
        ({"abc_class": "C", "xyz_class": "Z"}, [("P6", "ONE")]),
        ({"item": "p5"}, [("P5", "ONE"), ("P5", "TWO")]),
    ],
)
def test_filters_narrow_the_rows_and_the_matrix(client, admin_a, computed, query, expected):
    client.force_login(admin_a)

    response = client.get(URL, query)

    assert _keys(response) == expected
    assert response.context["figures"]["rows"] == len(expected)


def test_the_site_filter_keeps_sites_apart(client, admin_a, computed):
    client.force_login(admin_a)

    response = client.get(URL, {"site": computed["two"].pk})

    assert _keys(response) == [("P5", "TWO")]
    assert response.context["figures"]["value"] == Decimal("5.00")


@pytest.mark.parametrize(
    "query,message",
    [
        ({"site": "abc"}, "Select a valid choice"),
        ({"site": "99999999999999999999999999999"}, "Select a valid choice"),
        ({"abc_class": "Q"}, "Select a valid choice"),
        ({"xyz_class": "<script>"}, "Select a valid choice"),
        ({"item": "abc\x00def"}, "Null characters are not allowed"),
        ({"page": "-1e309", "sort": "nonsense"}, None),
    ],
)
def test_junk_in_the_filters_answers_a_message_not_an_error(
    client, admin_a, computed, query, message
):
    client.force_login(admin_a)

    response = client.get(URL, query)

    assert response.status_code == 200
    if message:
        assert message in response.content.decode()
        assert rows(response) == [] and response.context["figures"]["rows"] == 0


def test_another_tenants_site_is_not_a_filter_and_its_rows_never_show(
    client, admin_a, tenant_b, computed
):
    foreign_site = SiteFactory(tenant=tenant_b, code="ONE", time_zone="UTC")
    foreign = ItemFactory(tenant=tenant_b, sku="FOREIGN")
    receive_at(tenant_b, foreign, bin_in(tenant_b, site=foreign_site), 5, "9.00", LONG_AGO)
    compute(tenant_b)
    client.force_login(admin_a)

    assert "Select a valid choice" in client.get(URL, {"site": foreign_site.pk}).content.decode()
    assert _keys(client.get(URL, {"item": "FOREIGN"})) == []


def test_htmx_filtering_swaps_the_rows_and_the_matrix(client, admin_a, computed):
    client.force_login(admin_a)

    response = htmx_get(client, URL, "segments-results", {"abc_class": "B"})

    text = response.content.decode()
    assert "<html" not in text and 'id="segments-results"' in text
    assert 'id="segment-matrix" class="panel" hx-swap-oob="true"' in text
    assert "P4" in text and "P1" not in text


def test_an_empty_page_says_nothing_is_computed_yet(client, admin_a):
    client.force_login(admin_a)

    text = client.get(URL).content.decode()

    assert "Not computed yet" in text


def test_recompute_queues_the_task_after_commit_and_says_so(
    client, tenant_a, computed, django_capture_on_commit_callbacks, sent_tasks
):
    client.force_login(member(tenant_a, Role.PLANNER))
    page = client.get(URL).content.decode()
    assert f'action="{RECOMPUTE}"' in page

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(RECOMPUTE, {"idempotency_key": "a" * 32}, follow=True)

    assert len(callbacks) == 1
    assert sent_tasks == [(compute_segments_task.name, [tenant_a.pk])]
    assert "Segmentation queued" in response.content.decode()
    # A double tap with the same key queues nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RECOMPUTE, {"idempotency_key": "a" * 32})
    assert len(sent_tasks) == 1


def test_a_get_of_the_recompute_url_changes_nothing(client, admin_a, sent_tasks):
    client.force_login(admin_a)

    assert client.get(RECOMPUTE).status_code == 405
    assert sent_tasks == []


def test_the_item_page_shows_its_segment_at_each_site(client, tenant_a, computed):
    client.force_login(member(tenant_a, Role.FINANCE))

    response = client.get(reverse("inventory:item_detail", args=[computed["P5"].pk]))

    segments_shown = [(s.site.code, s.abc_class, s.xyz_class) for s in response.context["segments"]]
    assert segments_shown == [("ONE", "C", "Y"), ("TWO", "A", "Z")]
    assert "ABC/XYZ by site" in response.content.decode()


def test_the_page_query_count_does_not_grow_with_the_rows(client, admin_a, computed):
    client.force_login(admin_a)
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"item": "P6"})
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few)
