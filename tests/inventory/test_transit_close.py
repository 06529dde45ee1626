"""The in-transit close: "in transit now" for a tenant is its close plus the entries since,
the same figures as summing every entry at the in-transit location; a backdated posting
forgets the close, and the hourly task moves it forward."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from erp.tenancy import tenant_context
from inventory.ledger import transit_close
from inventory.models import LocationKind, TransitClose
from inventory.selectors.valuation import in_transit
from inventory.tasks import close_valuation_periods_task
from tests.factories import ItemFactory, SiteFactory, bin_in
from tests.inventory.pages import post_move, receive_at, utc

pytestmark = pytest.mark.django_db

TRANSIT = LocationKind.IN_TRANSIT


def _send(tenant, item, bin, quantity, at):
    return post_move(tenant, item, bin, TRANSIT, quantity, kind="transfer", at=at)


def _arrive(tenant, item, bin, quantity, at):
    return post_move(tenant, item, TRANSIT, bin, quantity, kind="transfer", at=at)


@pytest.fixture
def shipped(tenant_a):
    """10 bolts at 2.00 received; 4 sent on their way, 1 of them arrived: 3 in transit, 6.00."""
    site = SiteFactory(tenant=tenant_a, code="MAIN")
    bin = bin_in(tenant_a, site=site)
    bolt = ItemFactory(tenant=tenant_a, sku="BOLT")
    receive_at(tenant_a, bolt, bin, 10, "2.00", utc("2025-01-10 12:00"))
    _send(tenant_a, bolt, bin, 4, utc("2025-02-01 12:00"))
    _arrive(tenant_a, bolt, bin, 1, utc("2025-02-10 12:00"))
    return {"bin": bin, "bolt": bolt}


def _now(tenant) -> dict:
    with tenant_context(tenant):
        return in_transit(tenant=tenant)


def _close(tenant) -> TransitClose | None:
    with tenant_context(tenant):
        return TransitClose.objects.filter(tenant=tenant).first()


def test_the_close_plus_the_entries_since_gives_what_is_in_transit(tenant_a, shipped):
    assert _now(tenant_a) == {"quantity": Decimal(3), "value": Decimal(6)}
    now = timezone.now()
    assert transit_close.close_transit(tenant_a, now=now) is True
    assert transit_close.close_transit(tenant_a, now=now) is False  # nothing more to close
    close = _close(tenant_a)
    assert (close.quantity, close.value) == (Decimal(3), Decimal(6))

    # Sent now, after the close's end: added to it.
    _send(tenant_a, shipped["bolt"], shipped["bin"], 2, None)
    with CaptureQueriesContext(connection) as queries:
        assert _now(tenant_a) == {"quantity": Decimal(5), "value": Decimal(10)}
    assert any("inventory_transitclose" in q["sql"] for q in queries.captured_queries)

    # The figure comes from the close: changed by hand, it shows.
    with tenant_context(tenant_a):
        TransitClose.objects.filter(tenant=tenant_a).update(value=Decimal(100))
    assert _now(tenant_a)["value"] == Decimal(104)


def test_a_backdated_posting_forgets_the_close_and_the_next_close_counts_it(tenant_a, shipped):
    transit_close.close_transit(tenant_a)
    _send(tenant_a, shipped["bolt"], shipped["bin"], 1, utc("2025-03-01 12:00"))

    assert _close(tenant_a) is None
    assert _now(tenant_a) == {"quantity": Decimal(4), "value": Decimal(8)}
    assert transit_close.close_transit(tenant_a) is True
    close = _close(tenant_a)
    assert (close.quantity, close.value) == (Decimal(4), Decimal(8))
    assert _now(tenant_a) == {"quantity": Decimal(4), "value": Decimal(8)}


def test_a_close_further_back_than_its_reach_is_not_read(tenant_a, shipped):
    long_ago = timezone.now() - transit_close.REACH - datetime.timedelta(days=1)
    transit_close.close_transit(tenant_a, now=long_ago)
    with tenant_context(tenant_a):
        TransitClose.objects.filter(tenant=tenant_a).update(value=Decimal(100))

    assert _now(tenant_a) == {"quantity": Decimal(3), "value": Decimal(6)}


def test_the_hourly_task_moves_the_close_forward(tenant_a, shipped):
    close_valuation_periods_task.run(tenant_a.pk)
    first = _close(tenant_a)
    assert (first.quantity, first.value) == (Decimal(3), Decimal(6))
    assert first.ends_at <= timezone.now() - 2 * transit_close.SETTLE


def test_each_tenant_closes_its_own_transit(tenant_a, tenant_b, shipped):
    site = SiteFactory(tenant=tenant_b, code="MAIN")
    bin = bin_in(tenant_b, site=site)
    nut = ItemFactory(tenant=tenant_b, sku="NUT")
    receive_at(tenant_b, nut, bin, 7, "3.00", utc("2025-01-10 12:00"))
    _send(tenant_b, nut, bin, 7, utc("2025-02-01 12:00"))

    transit_close.close_transit(tenant_a)
    transit_close.close_transit(tenant_b)

    assert _now(tenant_a) == {"quantity": Decimal(3), "value": Decimal(6)}
    assert _now(tenant_b) == {"quantity": Decimal(7), "value": Decimal(21)}
    close = _close(tenant_b)
    assert (close.quantity, close.value) == (Decimal(7), Decimal(21))
