"""Valuation from monthly snapshots: the same figures as the full-history sum, whatever the
time zone, after a sell-out and a backdated posting; closing is idempotent and free for
postings dated now."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import selectors
from inventory.ledger import day_closes, snapshots
from inventory.models import SnapshotPeriod, StockEntry, ValuationSnapshot
from inventory.tasks import close_valuation_periods_task
from tests.factories import member
from tests.inventory.pages import receive_at, rows, ship_at, utc

pytestmark = pytest.mark.django_db

CLOSED_ON = utc("2025-04-10 00:00")  # closes January to March 2025 at both sites
DAYS = ["2025-01-31", "2025-02-01", "2025-02-20", "2025-02-28", "2025-03-31", "2025-04-05"]


def _groups(tenant, day: str) -> dict:
    with tenant_context(tenant):
        groups = selectors.value_by_site_and_category(tenant=tenant).as_of(
            datetime.date.fromisoformat(day)
        )
        return {(g["site__code"], g["item__category"]): (g["quantity"], g["value"]) for g in groups}


def _full_history(tenant, day: str) -> dict:
    """The sum over every entry since the beginning (what the page summed before snapshots)."""
    with tenant_context(tenant):
        sums = (
            StockEntry.objects.filter(tenant=tenant, site__isnull=False)
            .filter(selectors.posted_by_end_of(datetime.date.fromisoformat(day)))
            .values("site__code", "item__category")
            .annotate(quantity=Sum("quantity"), value=Sum("value"))
            .exclude(quantity=0, value=0)
        )
        return {(s["site__code"], s["item__category"]): (s["quantity"], s["value"]) for s in sums}


EXPECTED = {
    "2025-01-31": {},  # LAX sold out; the AKL receipt is still to come there
    "2025-02-01": {("AKL", "drinks"): (5, 20)},
    "2025-02-28": {("AKL", "drinks"): (5, 20), ("LAX", "snacks"): (4, 4)},
    "2025-03-31": {("AKL", "drinks"): (5, 20), ("LAX", "drinks"): (3, 15), ("LAX", "snacks"): (4, 4)},
}  # fmt: skip


def test_snapshot_figures_equal_the_full_history_sums(tenant_a, books):
    before = {day: _groups(tenant_a, day) for day in DAYS}
    assert snapshots.close_periods(tenant_a, now=CLOSED_ON) == 6
    for day in DAYS:
        assert _groups(tenant_a, day) == before[day] == _full_history(tenant_a, day)
    for day, expected in EXPECTED.items():
        assert _groups(tenant_a, day) == expected
    with tenant_context(tenant_a):
        lax = {
            p.month.isoformat(): {r.item.sku: (r.quantity, r.value) for r in p.rows.all()}
            for p in SnapshotPeriod.objects.filter(site=books["lax"])
        }
    # Sold out in January: no row; back in March from that month's entries alone.
    assert lax == {
        "2025-01-01": {},
        "2025-02-01": {"CHIPS": (4, 4)},
        "2025-03-01": {"CHIPS": (4, 4), "COLA": (3, 15)},
    }


def test_backdated_posting_forgets_the_months_after_it_and_closing_restores_them(tenant_a, books):
    snapshots.close_periods(tenant_a, now=CLOSED_ON)
    ship_at(tenant_a, books["chips"], books["la"], 1, utc("2025-02-20 12:00"))
    with tenant_context(tenant_a):
        left = sorted(SnapshotPeriod.objects.values_list("site__code", "month"))
        assert not ValuationSnapshot.objects.exclude(period__month__lte="2025-01-01").exists()
    assert [(code, str(month)) for code, month in left] == [
        ("AKL", "2025-01-01"),
        ("LAX", "2025-01-01"),
    ]
    assert _groups(tenant_a, "2025-02-28")[("LAX", "snacks")] == (3, 3)
    assert snapshots.close_periods(tenant_a, now=CLOSED_ON) == 4
    for day in DAYS:
        assert _groups(tenant_a, day) == _full_history(tenant_a, day)
    assert _groups(tenant_a, "2025-03-31")[("LAX", "snacks")] == (3, 3)


def test_item_figures_come_from_snapshots_too(tenant_a, books):
    snapshots.close_periods(tenant_a, now=CLOSED_ON)
    with tenant_context(tenant_a):
        items = selectors.value_by_item(tenant=tenant_a, site=books["lax"]).as_of(
            datetime.date(2025, 3, 31)
        )
        assert [(r["item__sku"], r["quantity"], r["value"], r["unit_cost"]) for r in items] == [
            ("COLA", 3, 15, 5), ("CHIPS", 4, 4, 1),
        ]  # fmt: skip
        assert [r["item__sku"] for r in items.matching("chi")] == ["CHIPS"]
        sold_out = selectors.item_value_as_of(
            tenant=tenant_a, item=books["cola"], site=books["lax"], day=datetime.date(2025, 1, 31)
        )
        now = selectors.item_value_as_of(
            tenant=tenant_a, item=books["cola"], site=books["akl"], day=datetime.date(2025, 4, 5)
        )
    assert sold_out == {"quantity": 0, "value": 0, "unit_cost": None}
    assert now == {"quantity": 5, "value": 20, "unit_cost": 4}


def test_closing_is_idempotent_and_the_task_closes_up_to_now(tenant_a, tenant_b, books):
    assert snapshots.close_periods(tenant_a, now=CLOSED_ON) == 6
    assert snapshots.close_periods(tenant_a, now=CLOSED_ON) == 0
    assert close_valuation_periods_task(tenant_a.pk) > 0  # every month since, to today
    assert close_valuation_periods_task(tenant_a.pk) == 0
    assert close_valuation_periods_task(tenant_b.pk) == 0  # no entries, no periods
    with tenant_context(tenant_b):
        assert not SnapshotPeriod.objects.exists()
    assert _groups(tenant_a, "2025-03-31") == EXPECTED["2025-03-31"]


def test_a_posting_dated_now_runs_no_snapshot_statement(tenant_a, books):
    snapshots.close_periods(tenant_a, now=CLOSED_ON)
    with CaptureQueriesContext(connection) as queries:
        receive_at(tenant_a, books["cola"], books["la"], 1, "5.00", None)
    assert not [q for q in queries if "snapshot" in q["sql"] or "advisory" in q["sql"]]
    with tenant_context(tenant_a):
        assert SnapshotPeriod.objects.count() == 6


def test_valuation_page_sums_the_ledger_once(client, tenant_a, books):
    snapshots.close_periods(tenant_a, now=CLOSED_ON)
    client.force_login(member(tenant_a, Role.FINANCE))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("inventory:valuation"), {"as_of": "2025-03-31"})
    assert response.status_code == 200
    # The in-transit figure (as it stands now) is the page's other read of the entries.
    sums = [q["sql"] for q in queries if "inventory_stockentry" in q["sql"]]
    assert len([sql for sql in sums if "in_transit" not in sql]) == 1
    assert {(r["site__code"], r["item__category"]): (r["quantity"], r["value"])
            for r in rows(response)} == EXPECTED["2025-03-31"]  # fmt: skip
    assert response.context["figures"]["total_value"] == Decimal(39)


def test_groups_from_closed_days_equal_the_full_history(tenant_a, books):
    """The sites' daily closes answer the groups by site and category (and by category), as
    of a day and now, with the figures of the full history."""
    day_closes.close_days(tenant_a, now=CLOSED_ON)
    for day in [*DAYS, "2025-04-09"]:
        with CaptureQueriesContext(connection) as queries:
            groups = _groups(tenant_a, day)
        assert any("inventory_dayvalue" in q["sql"] for q in queries.captured_queries), day
        assert groups == _full_history(tenant_a, day)
    with tenant_context(tenant_a):
        drinks = selectors.value_by_site_and_category(tenant=tenant_a).grouped("category")
        rows = [(g["item__category"], g["quantity"], g["value"]) for g in drinks.as_of(
            datetime.date(2025, 3, 31))]  # fmt: skip
    assert rows == [("drinks", 8, 35), ("snacks", 4, 4)]
