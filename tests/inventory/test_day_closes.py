"""Daily closes per site and category: the stock measures' value at a day's end reads them
and gives the same figures as the full history, in batches or not; a backdated posting and a
change of an item's category forget them, and closing again restores them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.ledger import day_closes
from inventory.models import ClosedDay, DayValue, Item
from inventory.selectors.measures import value_as_of
from inventory.services import items
from inventory.tasks import close_valuation_periods_task
from tests.factories import ItemFactory, SiteFactory, bin_in, member
from tests.inventory.pages import receive_at, ship_at, utc

pytestmark = pytest.mark.django_db

CLOSED_ON = utc("2025-04-10 00:00")
# Closable up to 22:00 UTC on 9 April: Auckland (UTC+12 from 6 April) has ended 9 April, Los
# Angeles (UTC-7) only 8 April. From 9 January, the day before the first posting: 91 + 90 days.
DAYS_CLOSED = 91 + 90

# Hand-summed from the `books` fixture: (site or None, category or None) -> value at day's end.
EXPECTED = {
    "2025-01-20": {(None, None): Decimal(20), ("LAX", None): Decimal(20)},
    "2025-01-31": {(None, None): Decimal(0), ("AKL", "drinks"): Decimal(0)},
    "2025-02-01": {(None, None): Decimal(20), ("AKL", None): Decimal(20)},
    "2025-02-28": {(None, None): Decimal(24), (None, "snacks"): Decimal(4)},
    "2025-03-31": {
        (None, None): Decimal(39),
        (None, "drinks"): Decimal(35),
        ("LAX", None): Decimal(19),
        ("LAX", "snacks"): Decimal(4),
        (None, ""): Decimal(0),
    },
    "2025-04-08": {(None, None): Decimal(39)},
}


def _value(tenant, books, day: str, site: str | None, category: str | None) -> Decimal:
    site_id = books[site.lower()].pk if site else None
    with tenant_context(tenant):
        return value_as_of(
            tenant=tenant, day=datetime.date.fromisoformat(day), site_id=site_id, category=category
        )


def _figures(tenant, books) -> dict:
    return {
        day: {key: _value(tenant, books, day, *key) for key in wanted}
        for day, wanted in EXPECTED.items()
    }


def _reads_closed_days(tenant, books, day: str) -> bool:
    with CaptureQueriesContext(connection) as queries:
        _value(tenant, books, day, None, None)
    return any("inventory_dayvalue" in q["sql"] for q in queries.captured_queries)


def test_closed_days_give_the_full_history_figures(tenant_a, books):
    assert _figures(tenant_a, books) == EXPECTED  # before any close: the months' path
    assert not _reads_closed_days(tenant_a, books, "2025-03-31")
    assert day_closes.close_days(tenant_a, now=CLOSED_ON) == DAYS_CLOSED
    assert day_closes.close_days(tenant_a, now=CLOSED_ON) == 0
    assert _reads_closed_days(tenant_a, books, "2025-03-31")
    assert _figures(tenant_a, books) == EXPECTED
    with tenant_context(tenant_a):
        lax = {
            str(c.day): {r.category: (r.quantity, r.value) for r in c.rows.all()}
            for c in ClosedDay.objects.filter(site=books["lax"]).prefetch_related("rows")
        }
        last = {
            site: max(ClosedDay.objects.filter(site=books[site]).values_list("day", flat=True))
            for site in ("akl", "lax")
        }
    assert lax["2025-01-09"] == {}
    assert lax["2025-01-10"] == {"drinks": (10, 20)}
    assert lax["2025-01-31"] == {}  # sold out that evening in Los Angeles
    assert lax["2025-02-15"] == {"snacks": (4, 4)}
    assert lax["2025-04-08"] == {"drinks": (3, 15), "snacks": (4, 4)}
    assert last == {"akl": datetime.date(2025, 4, 9), "lax": datetime.date(2025, 4, 8)}


def test_small_batches_close_the_same_rows(tenant_a, books, monkeypatch):
    monkeypatch.setattr(day_closes, "BATCH_DAYS", 10)
    assert day_closes.close_days(tenant_a, now=CLOSED_ON) == DAYS_CLOSED
    assert _figures(tenant_a, books) == EXPECTED
    with tenant_context(tenant_a):
        rows = DayValue.objects.filter(closed_day__site=books["lax"], closed_day__day="2025-03-20")
        assert sorted(rows.values_list("category", "quantity", "value")) == [
            ("drinks", 3, 15), ("snacks", 4, 4),
        ]  # fmt: skip


def test_a_day_long_past_its_close_reads_the_months_instead(tenant_a, books):
    day_closes.close_days(
        tenant_a, now=utc("2025-02-03 00:00")
    )  # to 1 February (LAX), 2 February (AKL)
    assert not _reads_closed_days(tenant_a, books, "2025-03-31")
    assert _reads_closed_days(tenant_a, books, "2025-02-05")
    assert _figures(tenant_a, books) == EXPECTED


def test_backdated_posting_forgets_the_days_after_it(tenant_a, books):
    day_closes.close_days(tenant_a, now=CLOSED_ON)
    ship_at(tenant_a, books["chips"], books["la"], 1, utc("2025-02-20 12:00"))
    with tenant_context(tenant_a):
        last = max(ClosedDay.objects.filter(site=books["lax"]).values_list("day", flat=True))
        orphans = DayValue.objects.exclude(closed_day__in=ClosedDay.objects.all()).count()
    assert last == datetime.date(2025, 2, 19)  # 20 Feb ends after 12:00 UTC in Los Angeles
    assert orphans == 0
    assert _value(tenant_a, books, "2025-03-31", "LAX", "snacks") == Decimal(3)
    assert day_closes.close_days(tenant_a, now=CLOSED_ON) > 0
    assert _reads_closed_days(tenant_a, books, "2025-03-31")
    assert _value(tenant_a, books, "2025-03-31", "LAX", "snacks") == Decimal(3)
    assert _value(tenant_a, books, "2025-02-19", "LAX", "snacks") == Decimal(4)


def test_a_category_change_forgets_every_closed_day(tenant_a, books):
    day_closes.close_days(tenant_a, now=CLOSED_ON)
    planner = member(tenant_a, Role.ADMIN)
    with tenant_context(tenant_a):
        chips = Item.objects.get(pk=books["chips"].pk)
        chips.description = "Chips, salted"
        items.update_item(tenant=tenant_a, user=planner, item=chips)
        assert ClosedDay.objects.exists()  # no category change: the closes stand
        chips.category = "drinks"
        items.update_item(tenant=tenant_a, user=planner, item=chips)
        assert not ClosedDay.objects.exists() and not DayValue.objects.exists()
    assert _value(tenant_a, books, "2025-03-31", None, "drinks") == Decimal(39)
    day_closes.close_days(tenant_a, now=CLOSED_ON)
    assert _value(tenant_a, books, "2025-03-31", None, "drinks") == Decimal(39)
    assert _value(tenant_a, books, "2025-03-31", None, "snacks") == Decimal(0)


def test_the_hourly_task_closes_days_to_now_and_only_its_tenant(tenant_a, tenant_b, books):
    receive_at(tenant_b, *_tenant_b_stock(tenant_b), 2, "3.00", utc("2025-03-01 12:00"))
    assert close_valuation_periods_task(tenant_a.pk) > DAYS_CLOSED
    assert close_valuation_periods_task(tenant_a.pk) == 0
    with tenant_context(tenant_a):
        assert set(ClosedDay.objects.values_list("site__code", flat=True)) == {"AKL", "LAX"}
        assert max(ClosedDay.objects.values_list("day", flat=True)) >= (
            datetime.date.today() - datetime.timedelta(days=2)
        )
    with tenant_context(tenant_b):
        assert not ClosedDay.objects.exists()
        assert value_as_of(tenant=tenant_b, day=datetime.date(2025, 3, 31)) == Decimal(6)


def _tenant_b_stock(tenant_b):
    site = SiteFactory(tenant=tenant_b, code="B1")
    return ItemFactory(tenant=tenant_b, sku="B-ITEM"), bin_in(tenant_b, site=site)
