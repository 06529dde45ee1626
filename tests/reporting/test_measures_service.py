"""The service measures against the hand-worked world of `service_world` (see its table)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import connection

from erp.tenancy import tenant_context
from reporting import snapshots
from reporting.measures import service
from reporting.models import KpiSnapshot
from reporting.scope import Scope
from tests.factories import TenantFactory
from tests.reporting.service_world import END, START, build_world

# The marker makes pytest-django set the test database up; the world is committed once.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(committed_db):
    return build_world(TenantFactory(slug="service-world"))


def scope(world, **filters) -> Scope:
    return Scope(tenant=world.tenant, start=filters.pop("start", START),
                 end=filters.pop("end", END), **filters)  # fmt: skip


def as_fraction(rate) -> Fraction:
    return Fraction(Decimal(rate.numerator)) / Fraction(Decimal(rate.denominator))


def read(world, measure, **filters):
    with tenant_context(world.tenant):
        return measure(scope(world, **filters))


def test_fill_rates_count_what_each_order_s_first_shipment_carried(world):
    """O1 complete; O2's first shipment carried 6 of 10; O3's never carried L5 (closed short);
    O6 first shipped before the period, so it is not counted."""
    rates = read(world, service.fill_rates)
    assert (rates["order_fill"].numerator, rates["order_fill"].denominator) == (1, 3)
    assert (rates["line_fill"].numerator, rates["line_fill"].denominator) == (3, 5)
    assert as_fraction(rates["unit_fill"]) == Fraction(25, 31)  # 10+5+6+4+0 / 10+5+10+4+2


def test_fill_rates_follow_site_customer_and_item_filters(world):
    by_site = read(world, service.fill_rates, site=world.s2)  # O3 only
    assert (by_site["order_fill"].numerator, by_site["order_fill"].denominator) == (0, 1)
    assert (by_site["line_fill"].numerator, by_site["line_fill"].denominator) == (1, 2)
    assert as_fraction(by_site["unit_fill"]) == Fraction(4, 6)
    food = read(world, service.fill_rates, category="food")  # L1, L3, L5
    assert (food["order_fill"].numerator, food["order_fill"].denominator) == (1, 3)
    assert (food["line_fill"].numerator, food["line_fill"].denominator) == (1, 3)
    assert as_fraction(food["unit_fill"]) == Fraction(16, 22)
    class_b = read(world, service.fill_rates, abc_class="B")  # L2, L4: both complete
    assert (class_b["line_fill"].numerator, class_b["line_fill"].denominator) == (2, 2)
    nobody = read(world, service.fill_rates, customer=world.c3)
    assert nobody["order_fill"].denominator == 0 and nobody["order_fill"].value is None


def test_an_empty_period_has_no_rate_rather_than_zero(world):
    day = datetime.date(2026, 1, 5)
    rates = read(world, service.fill_rates, start=day, end=day)
    assert rates["line_fill"].value is None
    assert read(world, service.on_time, start=day, end=day).value is None
    assert read(world, service.otif, start=day, end=day).value is None


def test_on_time_counts_shipments_confirmed_in_the_period(world):
    """SH1 and SH2 on time; SH3, SH4 and SH6 late; SH5 is before the period."""
    rate = read(world, service.on_time)
    assert (rate.numerator, rate.denominator) == (2, 5)
    assert as_fraction(read(world, service.on_time, customer=world.c2)) == Fraction(1, 2)


def test_otif_takes_lines_due_in_the_period_shipped_in_full_by_their_day(world):
    """Due: L1, L2 (in full on 3 Nov), L3 (6 of 10 by 4 Nov), L4 (shipped 7 Nov, due 5 Nov),
    L5 (never), L6 (not shipped); L7's order is cancelled."""
    rate = read(world, service.otif)
    assert (rate.numerator, rate.denominator) == (2, 6)
    with tenant_context(world.tenant):
        missed = {line.order.number + "/" + str(line.line_no)
                  for line in service.missed_lines(scope(world))}  # fmt: skip
    assert missed == {"O2/1", "O3/1", "O3/2", "O4/1"}


def test_backorders_age_by_days_past_the_promise(world):
    """L9 3 days past and L11 not due fall in 0-7; L10 (20 days past, 3 wanting) in 15-30."""
    aging = read(world, service.backorder_aging)
    by_key = {b["bucket"].key: (b["lines"], b["quantity"]) for b in aging.buckets}
    assert by_key == {
        "0-7": (2, Decimal(7)), "8-14": (0, 0), "15-30": (1, Decimal(3)),
        "31-60": (0, 0), "60+": (0, 0),
    }  # fmt: skip
    assert (aging.lines, aging.quantity, aging.oldest_days) == (3, Decimal(10), 20)
    assert read(world, service.backorder_aging, category="tools").quantity == Decimal(3)
    assert read(world, service.backorder_aging, customer=world.c2).oldest_days is None


def test_cycle_time_median_and_90th_percentile(world):
    """Orders done with their last shipment in the period: O1 24 h, O3 55 h, O2 72 h,
    O6 120 h (a bucket takes its lower bound: 72 h is 3 to 5 days). Median (55+72)/2 = 63.5 h; p90 at rank 0.9 x 3 = 2.7: 72 + 0.7 x 48 = 105.6 h."""
    cycle = read(world, service.cycle_time)
    assert cycle.orders == 4
    assert cycle.median_seconds == pytest.approx(63.5 * 3600)
    assert cycle.p90_seconds == pytest.approx(105.6 * 3600)
    assert dict(cycle.buckets) == {
        "under 1 day": 0, "1 to 2 days": 1, "2 to 3 days": 1, "3 to 5 days": 1,
        "5 to 10 days": 1, "10+ days": 0,
    }  # fmt: skip
    assert service.duration_text(63.5 * 3600) == "2 d 15 h"


def test_throughput_by_shift_zone_and_order_type(world):
    """Shifts in Berlin time: P1 07:00 early, P2 15:00 late, P3 23:30 and the transfer pick
    05:00 night; SH1 (2 lines, 15), SH2 (6), SH3 (4), SH6 (1) early; SH4 (4) and the
    transfer's shipment (7) at 14:00-22:00."""
    work = read(world, service.throughput)

    def figures(rows):
        return {r.label: (r.lines_picked, r.units_picked, r.lines_shipped, r.units_shipped)
                for r in rows}  # fmt: skip

    assert figures(work.by_shift) == {
        "Early 06:00-14:00": (1, 10, 5, 26),
        "Late 14:00-22:00": (1, 5, 2, 11),
        "Night 22:00-06:00": (2, 13, 0, 0),
    }
    assert figures(work.by_zone) == {"S1/Z1": (2, 16, 0, 0), "S1/Z2": (2, 12, 0, 0)}
    assert figures(work.by_type) == {"Sales orders": (3, 21, 6, 30), "Transfers": (1, 7, 1, 7)}
    by_customer = read(world, service.throughput, customer=world.c2)  # O2 and O4 only
    assert figures(by_customer.by_type) == {
        "Sales orders": (1, 6, 2, 10),
        "Transfers": (0, 0, 0, 0),
    }


def test_service_summary_for_the_landing_pages(world):
    summary = read(world, service.service_summary)
    assert (summary["order_fill"].numerator, summary["order_fill"].denominator) == (1, 3)
    assert (summary["on_time"].numerator, summary["on_time"].denominator) == (2, 5)
    assert (summary["otif"].numerator, summary["otif"].denominator) == (2, 6)
    assert (summary["backorder_lines"], summary["backorder_quantity"]) == (3, Decimal(10))
    assert summary["oldest_backorder_days"] == 20


def test_snapshots_keep_each_day_s_figures_and_trends_read_them(world):
    """3 Nov: O1 first shipped complete (1/1), SH1 on time and SH6 late (1/2), L1 and L2 due
    and in full (2/2). 4 Nov: O2's first shipment carried 6 of 10 (0/1). 2 Nov has no
    snapshot yet."""
    with tenant_context(world.tenant):
        written = snapshots.write_snapshots(tenant=world.tenant, day=datetime.date(2026, 11, 3))
        assert (
            written == 9 * 3
        )  # nine measures (five service, four stock and supplier), for all sites, S1 and S2
        again = snapshots.write_snapshots(tenant=world.tenant, day=datetime.date(2026, 11, 3))
        assert again == written
        snapshots.write_snapshots(tenant=world.tenant, day=datetime.date(2026, 11, 4))
        rows = {
            (row.key, row.site_id): (row.numerator, row.denominator)
            for row in KpiSnapshot.objects.filter(tenant=world.tenant, day="2026-11-03")
        }
        assert len(rows) == written
        assert rows[("order_fill", None)] == (1, 1)
        assert rows[("on_time", None)] == (1, 2)
        assert rows[("on_time", world.s1.pk)] == (1, 2)
        assert rows[("on_time", world.s2.pk)] == (0, 0)
        assert rows[("otif", None)] == (2, 2)
        trend = snapshots.trend(
            scope(world, start=datetime.date(2026, 11, 2), end=datetime.date(2026, 11, 4)),
            "order_fill",
        )
    assert trend.missing == [datetime.date(2026, 11, 2)]
    assert [(d.day.day, d.numerator, d.denominator) for d in trend.days] == [(3, 1, 1), (4, 0, 1)]


def test_the_bench_references_agree_with_the_measures(world):
    """bench/references/service.py: each one-SQL reference gives the function's numbers."""
    from bench.references.service import REFERENCES

    s = scope(world)
    start, stop = s.bounds()
    with tenant_context(world.tenant), connection.cursor() as cursor:
        for key, (sql, function) in REFERENCES.items():
            cursor.execute(sql, {"tenant": world.tenant.pk, "start": start, "stop": stop})
            expected = tuple(function(s))
            got = cursor.fetchone()
            assert len(got) == len(expected), key
            for mine, theirs in zip(got, expected, strict=True):
                assert float(mine) == pytest.approx(float(theirs)), key
