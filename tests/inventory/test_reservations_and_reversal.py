"""Reservations move `reserved`, never `on_hand`; postings consume them; reversals mirror."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.tenancy import tenant_context
from inventory import ledger
from inventory.errors import AlreadyReversed, InsufficientStock, InvalidPosting
from inventory.models import LocationKind, Reservation, StockEntry
from tests.factories import ItemFactory, bin_in
from tests.inventory.stock import assert_ledger_clean, loc, on_hand, receive, reserved

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(tenant_a):
    item = ItemFactory(tenant=tenant_a)
    pick = bin_in(tenant_a)
    staging = bin_in(tenant_a, site=pick.site)
    receive(tenant_a, item, pick, 10, unit_cost="2.00")
    return item, pick, staging


def test_reserve_moves_reserved_not_on_hand_and_blocks_others(tenant_a, stocked):
    item, pick, staging = stocked
    with tenant_context(tenant_a):
        ledger.reserve(
            tenant=tenant_a,
            user=None,
            item=item,
            location=loc(pick),
            quantity=8,
            source_type="order_line",
            source_id=1,
        )
    assert on_hand(tenant_a, item, pick) == 10 and reserved(tenant_a, item, pick) == 8
    with tenant_context(tenant_a):
        with pytest.raises(InsufficientStock, match="Only 2 of"):
            ledger.reserve(
                tenant=tenant_a,
                user=None,
                item=item,
                location=loc(pick),
                quantity=3,
                source_type="order_line",
                source_id=2,
            )
        # An unreserved posting cannot take the reserved units either.
        with pytest.raises(InsufficientStock, match="Only 2 of"):
            ledger.post(
                tenant=tenant_a,
                user=None,
                kind="move",
                moves=[
                    ledger.Move(
                        item=item, quantity=Decimal(3), source=loc(pick), destination=loc(staging)
                    )
                ],
            )
    assert_ledger_clean(tenant_a)


def test_pick_consumes_its_reservation_in_the_same_transaction(tenant_a, stocked):
    item, pick, staging = stocked
    with tenant_context(tenant_a):
        reservation = ledger.reserve(
            tenant=tenant_a,
            user=None,
            item=item,
            location=loc(pick),
            quantity=6,
            source_type="pick_task",
            source_id=9,
        )
        ledger.post(
            tenant=tenant_a, user=None, kind="pick",
            moves=[ledger.Move(item=item, quantity=Decimal(4), source=loc(pick), destination=loc(staging))],
            consume=[ledger.Consume(reservation, Decimal(4))],
        )  # fmt: skip
        assert Reservation.objects.get(pk=reservation.pk).quantity == 2
        ledger.post(
            tenant=tenant_a, user=None, kind="pick",
            moves=[ledger.Move(item=item, quantity=Decimal(2), source=loc(pick), destination=loc(staging))],
            consume=[ledger.Consume(Reservation.objects.select_related("balance").get(pk=reservation.pk), Decimal(2))],
        )  # fmt: skip
        assert not Reservation.objects.filter(pk=reservation.pk).exists()
    assert on_hand(tenant_a, item, pick) == 4 and reserved(tenant_a, item, pick) == 0
    assert on_hand(tenant_a, item, staging) == 6
    assert_ledger_clean(tenant_a)


def test_consuming_a_reservation_of_other_stock_is_refused(tenant_a, stocked):
    item, pick, staging = stocked
    receive(tenant_a, item, staging, 5)
    with tenant_context(tenant_a):
        reservation = ledger.reserve(
            tenant=tenant_a,
            user=None,
            item=item,
            location=loc(staging),
            quantity=1,
            source_type="pick_task",
            source_id=1,
        )
        with pytest.raises(InvalidPosting, match="not for stock this posting takes"):
            ledger.post(
                tenant=tenant_a, user=None, kind="pick",
                moves=[ledger.Move(item=item, quantity=Decimal(1), source=loc(pick), destination=loc(staging))],
                consume=[ledger.Consume(reservation, Decimal(1))],
            )  # fmt: skip
    assert_ledger_clean(tenant_a)


def test_release_gives_back_reserved_stock(tenant_a, stocked):
    item, pick, _ = stocked
    with tenant_context(tenant_a):
        first = ledger.reserve(
            tenant=tenant_a,
            user=None,
            item=item,
            location=loc(pick),
            quantity=3,
            source_type="order_line",
            source_id=5,
        )
        ledger.reserve(
            tenant=tenant_a,
            user=None,
            item=item,
            location=loc(pick),
            quantity=2,
            source_type="order_line",
            source_id=5,
        )
        assert Reservation.objects.get(pk=first.pk).quantity == 5  # repeat calls add up
        assert (
            ledger.release(tenant=tenant_a, user=None, reservation=first, quantity=Decimal(1)) == 1
        )
        assert (
            ledger.release_source(tenant=tenant_a, user=None, source_type="order_line", source_id=5)
            == 4
        )
    assert reserved(tenant_a, item, pick) == 0 and on_hand(tenant_a, item, pick) == 10
    assert_ledger_clean(tenant_a)


def test_reversal_mirrors_a_receipt_and_happens_once(tenant_a, stocked):
    item, pick, _ = stocked
    txn = receive(tenant_a, item, pick, 5, unit_cost="4.00")
    with tenant_context(tenant_a):
        reversal = ledger.reverse(tenant=tenant_a, user=None, original=txn, reason="keyed twice")
        values = list(
            StockEntry.objects.filter(transaction=reversal)
            .order_by("id")
            .values_list("quantity", "value")
        )
        assert values == [(Decimal(-5), Decimal(-20)), (Decimal(5), Decimal(20))]
        with pytest.raises(AlreadyReversed):
            ledger.reverse(tenant=tenant_a, user=None, original=txn, reason="again")
    assert on_hand(tenant_a, item, pick) == 10
    assert_ledger_clean(tenant_a)


def test_reversing_a_receipt_whose_stock_left_is_refused(tenant_a):
    item = ItemFactory(tenant=tenant_a)
    pick = bin_in(tenant_a)
    txn = receive(tenant_a, item, pick, 5)
    with tenant_context(tenant_a):
        customer = ledger.virtual_location(tenant=tenant_a, kind=LocationKind.CUSTOMER)
        ledger.post(
            tenant=tenant_a,
            user=None,
            kind="shipment",
            moves=[
                ledger.Move(item=item, quantity=Decimal(4), source=loc(pick), destination=customer)
            ],
        )
        with pytest.raises(InsufficientStock, match="Only 1 of"):
            ledger.reverse(tenant=tenant_a, user=None, original=txn, reason="wrong")
    assert_ledger_clean(tenant_a)
