"""Two operators receiving the same PO line at the same moment never accept past tolerance."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.tenancy import tenant_context
from tests.concurrency import together
from tests.inventory.stock import assert_ledger_clean, on_hand
from tests.warehouse.conftest import Dock
from warehouse.receiving import services as receiving

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_receipts_of_one_line_stop_at_the_tolerance(tenant_a):
    dock = Dock(tenant_a)

    def operator(key):
        with tenant_context(tenant_a, durable=True):
            return receiving.receive(
                tenant=tenant_a, user=dock.operator, order=dock.order, item=dock.item,
                quantity=Decimal(60), dock=dock.dock, scan_key=key,
            )  # fmt: skip

    results = together([lambda n=n: operator(f"scan-{n}") for n in range(2)])
    assert not any(isinstance(result, Exception) for result in results), results
    with tenant_context(tenant_a):
        dock.line.refresh_from_db()
    assert dock.line.received_base == 105  # 100 ordered + 5 % tolerance
    assert on_hand(tenant_a, dock.item, dock.bin) == 105
    assert on_hand(tenant_a, dock.item, dock.bin, status="quarantine") == 15
    assert_ledger_clean(tenant_a)


def test_the_same_scan_twice_at_once_receives_once_without_an_error(tenant_a):
    """A double tap on Receive: two requests with one scan key race; the second waits for the
    first's order lock and answers with its receipt line."""
    dock = Dock(tenant_a)

    def operator(key):
        with tenant_context(tenant_a, durable=True):
            return receiving.receive(
                tenant=tenant_a, user=dock.operator, order=dock.order, item=dock.item,
                quantity=Decimal(10), dock=dock.dock, scan_key=key,
            ).pk  # fmt: skip

    for attempt in range(3):
        results = together([lambda key=f"double-tap-{attempt}": operator(key)] * 2)
        assert not any(isinstance(result, Exception) for result in results), results
        assert results[0] == results[1]
    assert on_hand(tenant_a, dock.item, dock.bin) == 30  # three taps of 10, each received once
    assert_ledger_clean(tenant_a)
