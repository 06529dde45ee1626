"""The held close: what each item-site holds now, for the excess and dead stock lists, is the
tenant's close plus the entries since, the same figures as summing its open cost layers; a
backdated posting forgets the close, one out of reach is not read, and the hourly task
replaces it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from erp.tenancy import tenant_context
from inventory.ledger import held_close
from inventory.models import HeldClose, HeldValue
from inventory.selectors.measures import dead_stock
from inventory.tasks import close_valuation_periods_task
from tests.factories import ItemFactory, SiteFactory, bin_in
from tests.inventory.pages import receive_at, ship_at, utc

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock(tenant_a):
    """MAIN: 100 cola at 2.00 received, 30 shipped (70, 140.00); 50 chips at 1.00.
    SIDE: 4 nuts at 20.00 (80.00)."""
    main, side = (
        SiteFactory(tenant=tenant_a, code="MAIN"),
        SiteFactory(tenant=tenant_a, code="SIDE"),
    )
    shelf, other = bin_in(tenant_a, site=main), bin_in(tenant_a, site=side)
    cola, chips = (
        ItemFactory(tenant=tenant_a, sku="COLA"),
        ItemFactory(tenant=tenant_a, sku="CHIPS"),
    )
    nuts = ItemFactory(tenant=tenant_a, sku="NUTS")
    receive_at(tenant_a, cola, shelf, 100, "2.00", utc("2025-01-10 12:00"))
    receive_at(tenant_a, chips, shelf, 50, "1.00", utc("2025-01-10 12:00"))
    receive_at(tenant_a, nuts, other, 4, "20.00", utc("2025-01-11 12:00"))
    ship_at(tenant_a, cola, shelf, 30, utc("2025-02-10 12:00"))
    return {"main": main, "side": side, "shelf": shelf, "cola": cola, "chips": chips}


BEFORE = [("COLA", "MAIN", 70, 140), ("NUTS", "SIDE", 4, 80), ("CHIPS", "MAIN", 50, 50)]


def held(tenant, **filters) -> list[tuple]:
    """Every item-site holding stock, as the dead stock list ranks it (nothing has moved out
    since tomorrow)."""
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with tenant_context(tenant):
        rows = dead_stock(tenant=tenant, since=tomorrow, **filters)
        return [(r["sku"], r["site_code"], r["quantity"], r["value"]) for r in rows]


def _close(tenant) -> HeldClose | None:
    with tenant_context(tenant):
        return HeldClose.objects.filter(tenant=tenant).first()


def _rows(tenant) -> dict[str, tuple]:
    with tenant_context(tenant):
        return {
            v.item.sku: (v.quantity, v.value)
            for v in HeldValue.objects.filter(tenant=tenant).select_related("item")
        }


def test_the_close_plus_the_entries_since_gives_what_the_layers_hold(tenant_a, stock):
    assert held(tenant_a) == BEFORE  # no close yet: the open layers
    now = timezone.now()
    assert held_close.close_held(tenant_a, now=now) is True
    assert held_close.close_held(tenant_a, now=now) is False  # nothing more to close
    assert _close(tenant_a).ends_at == now - 2 * held_close.SETTLE
    assert _rows(tenant_a) == {"COLA": (70, 140), "CHIPS": (50, 50), "NUTS": (4, 80)}
    assert held(tenant_a) == BEFORE

    # Posted now, after the close's end: added to it. FIFO: 20 cola out at 2.00.
    receive_at(tenant_a, stock["chips"], stock["shelf"], 10, "1.50", None)
    ship_at(tenant_a, stock["cola"], stock["shelf"], 20, None)
    assert held(tenant_a) == [("COLA", "MAIN", 50, 100), ("NUTS", "SIDE", 4, 80),
                              ("CHIPS", "MAIN", 60, 65)]  # fmt: skip
    assert held(tenant_a, site_id=stock["main"].pk) == [
        ("COLA", "MAIN", 50, 100), ("CHIPS", "MAIN", 60, 65)
    ]  # fmt: skip

    # The figures come from the close: changed by hand, it shows.
    with tenant_context(tenant_a):
        HeldValue.objects.filter(tenant=tenant_a, item__sku="NUTS").update(value=Decimal(100))
    assert held(tenant_a)[1] == ("NUTS", "SIDE", 4, 100)


def test_a_posting_between_the_closes_end_and_the_closing_counts_once(tenant_a, stock):
    """Posted half an hour ago (inside SETTLE, so it forgets no close) and closed with an end
    two SETTLEs back: the close leaves it out and the reading adds it."""
    half_an_hour_ago = timezone.now() - datetime.timedelta(minutes=30)
    receive_at(tenant_a, stock["chips"], stock["shelf"], 10, "1.50", half_an_hour_ago)
    held_close.close_held(tenant_a)

    assert _rows(tenant_a)["CHIPS"] == (50, 50)
    assert held(tenant_a)[-1] == ("CHIPS", "MAIN", 60, 65)


def test_a_backdated_posting_forgets_the_close_and_the_next_close_counts_it(tenant_a, stock):
    held_close.close_held(tenant_a)
    ship_at(tenant_a, stock["cola"], stock["shelf"], 10, utc("2025-03-01 12:00"))

    assert _close(tenant_a) is None
    after = [("COLA", "MAIN", 60, 120), ("NUTS", "SIDE", 4, 80), ("CHIPS", "MAIN", 50, 50)]
    assert held(tenant_a) == after  # the open layers again
    assert held_close.close_held(tenant_a) is True
    assert _rows(tenant_a)["COLA"] == (60, 120)
    assert held(tenant_a) == after


def test_a_close_further_back_than_its_reach_is_not_read(tenant_a, stock):
    long_ago = timezone.now() - held_close.REACH - datetime.timedelta(days=1)
    held_close.close_held(tenant_a, now=long_ago)
    with tenant_context(tenant_a):
        HeldValue.objects.filter(tenant=tenant_a).update(value=Decimal(1000))

    assert held(tenant_a) == BEFORE


def test_the_hourly_task_replaces_the_close(tenant_a, stock):
    close_valuation_periods_task.run(tenant_a.pk)
    first = _close(tenant_a)
    assert first.ends_at <= timezone.now() - 2 * held_close.SETTLE
    assert _rows(tenant_a)["COLA"] == (70, 140)

    ship_at(tenant_a, stock["cola"], stock["shelf"], 5, timezone.now() - 3 * held_close.SETTLE)
    assert _close(tenant_a) is None  # dated before the close's end: forgotten
    close_valuation_periods_task.run(tenant_a.pk)
    assert _rows(tenant_a)["COLA"] == (65, 130)
    assert held(tenant_a)[0] == ("COLA", "MAIN", 65, 130)


def test_each_tenant_closes_its_own(tenant_a, tenant_b, stock):
    site = SiteFactory(tenant=tenant_b, code="MAIN")
    salt = ItemFactory(tenant=tenant_b, sku="SALT")
    receive_at(tenant_b, salt, bin_in(tenant_b, site=site), 7, "3.00", utc("2025-01-10 12:00"))

    held_close.close_held(tenant_a)
    assert _close(tenant_b) is None and _rows(tenant_b) == {}
    assert held(tenant_b) == [("SALT", "MAIN", 7, 21)]
    held_close.close_held(tenant_b)

    assert held(tenant_a) == BEFORE
    assert held(tenant_b) == [("SALT", "MAIN", 7, 21)]
    assert _rows(tenant_b) == {"SALT": (7, 21)}
