"""Concurrency of the ledger with real parallel transactions (threads, one connection each)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from erp.tenancy import tenant_context
from inventory import ledger
from inventory.errors import InsufficientStock, SerialConflict
from inventory.models import LocationKind, StockTransaction
from tests.concurrency import together
from tests.factories import ItemFactory, SerialFactory, bin_in
from tests.inventory.stock import assert_ledger_clean, loc, on_hand, receive

pytestmark = pytest.mark.django_db(transaction=True)


def _move_job(tenant, item, source, destination, quantity=1, key=None, pause=0.0):
    def job():
        with tenant_context(tenant, durable=True):
            moved = ledger.post(
                tenant=tenant, user=None, kind="move", idempotency_key=key,
                moves=[ledger.Move(item=item, quantity=Decimal(quantity), source=loc(source), destination=loc(destination))],
            )  # fmt: skip
            if pause:
                # Hold the locks a moment so the other transaction really waits on them.
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_sleep(%s)", [pause])
            return moved

    return job


def test_two_takers_of_the_last_unit_exactly_one_succeeds(tenant_a):
    item = ItemFactory(tenant=tenant_a)
    source = bin_in(tenant_a)
    first, second = bin_in(tenant_a, site=source.site), bin_in(tenant_a, site=source.site)
    receive(tenant_a, item, source, 1)
    results = together(
        [
            _move_job(tenant_a, item, source, first, pause=0.2),
            _move_job(tenant_a, item, source, second, pause=0.2),
        ]
    )
    assert sum(isinstance(r, StockTransaction) for r in results) == 1
    assert sum(isinstance(r, InsufficientStock) for r in results) == 1
    assert on_hand(tenant_a, item, source) == 0
    assert on_hand(tenant_a, item, first) + on_hand(tenant_a, item, second) == 1
    assert_ledger_clean(tenant_a)


def test_postings_in_opposite_order_never_deadlock(tenant_a):
    items = [ItemFactory(tenant=tenant_a) for _ in range(2)]
    a = bin_in(tenant_a)
    b = bin_in(tenant_a, site=a.site)
    for item in items:
        receive(tenant_a, item, a, 100)
        receive(tenant_a, item, b, 100)

    def job(first, second):
        def run():
            for _ in range(15):
                with tenant_context(tenant_a, durable=True):
                    ledger.post(
                        tenant=tenant_a, user=None, kind="move",
                        moves=[ledger.Move(item=items[0], quantity=Decimal(1), source=loc(first), destination=loc(second)),
                               ledger.Move(item=items[1], quantity=Decimal(1), source=loc(second), destination=loc(first))],
                    )  # fmt: skip
            return "done"

        return run

    results = together([job(a, b), job(b, a), job(a, b), job(b, a)])
    assert results == ["done"] * 4, results
    assert_ledger_clean(tenant_a)


def test_concurrent_retries_with_one_idempotency_key_post_once(tenant_a):
    item = ItemFactory(tenant=tenant_a)
    source = bin_in(tenant_a)
    destination = bin_in(tenant_a, site=source.site)
    receive(tenant_a, item, source, 10)
    results = together(
        [
            _move_job(tenant_a, item, source, destination, quantity=3, key="scanner-42", pause=0.1)
            for _ in range(6)
        ]
    )
    assert all(isinstance(r, StockTransaction) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert on_hand(tenant_a, item, destination) == 3
    assert_ledger_clean(tenant_a)


def test_serial_never_duplicated_under_a_race(tenant_a):
    serial = SerialFactory(item__tenant=tenant_a)
    first = bin_in(tenant_a)
    second = bin_in(tenant_a, site=first.site)

    def receive_job(bin):
        def job():
            with tenant_context(tenant_a, durable=True):
                supplier = ledger.virtual_location(tenant=tenant_a, kind=LocationKind.SUPPLIER)
                done = ledger.post(
                    tenant=tenant_a, user=None, kind="receipt",
                    moves=[ledger.Move(item=serial.item, quantity=Decimal(1), serial=serial, source=supplier, destination=loc(bin), unit_cost=Decimal(5))],
                )  # fmt: skip
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_sleep(0.2)")
                return done

        return job

    results = together([receive_job(first), receive_job(second)])
    assert sum(isinstance(r, StockTransaction) for r in results) == 1
    assert sum(isinstance(r, SerialConflict) for r in results) == 1, results
    with tenant_context(tenant_a):
        from inventory.models import StockBalance

        assert StockBalance.objects.filter(serial=serial, on_hand__gt=0).count() == 1
    assert_ledger_clean(tenant_a)


def test_two_reservations_of_the_last_unit_only_one_succeeds(tenant_a):
    item = ItemFactory(tenant=tenant_a)
    bin = bin_in(tenant_a)
    receive(tenant_a, item, bin, 1)

    def reserve_job(line):
        def job():
            with tenant_context(tenant_a, durable=True):
                reservation = ledger.reserve(
                    tenant=tenant_a,
                    user=None,
                    item=item,
                    location=loc(bin),
                    quantity=1,
                    source_type="order_line",
                    source_id=line,
                )
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_sleep(0.2)")
                return reservation

        return job

    results = together([reserve_job(1), reserve_job(2)])
    assert sum(isinstance(r, InsufficientStock) for r in results) == 1, results
    assert_ledger_clean(tenant_a)


def test_concurrent_retries_taking_the_last_units_post_once(tenant_a):
    item = ItemFactory(tenant=tenant_a)
    source = bin_in(tenant_a)
    destination = bin_in(tenant_a, site=source.site)
    receive(tenant_a, item, source, 3)
    results = together(
        [
            _move_job(
                tenant_a, item, source, destination, quantity=3, key="scanner-last", pause=0.1
            )
            for _ in range(4)
        ]
    )
    assert all(isinstance(r, StockTransaction) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert on_hand(tenant_a, item, source) == 0 and on_hand(tenant_a, item, destination) == 3
    assert_ledger_clean(tenant_a)
