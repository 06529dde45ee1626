"""Property test: random sequences of postings, reservations and reversals keep every
invariant, and a refused operation changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from erp.errors import DomainError
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import LocationKind, Reservation, StockBalance, StockTransaction
from tests.factories import ItemFactory, TenantFactory, bin_in
from tests.inventory.stock import loc

pytestmark = pytest.mark.django_db

operation = st.one_of(
    st.tuples(
        st.just("receive"),
        st.integers(0, 2),
        st.integers(0, 2),
        st.integers(1, 20),
        st.sampled_from(["1.10", "2.35", "4.00"]),
    ),
    st.tuples(
        st.just("move"), st.integers(0, 2), st.integers(0, 2), st.integers(0, 2), st.integers(1, 15)
    ),
    st.tuples(st.just("ship"), st.integers(0, 2), st.integers(0, 2), st.integers(1, 15)),
    st.tuples(st.just("quarantine"), st.integers(0, 2), st.integers(0, 2), st.integers(1, 10)),
    st.tuples(st.just("reserve"), st.integers(0, 2), st.integers(0, 2), st.integers(1, 10)),
    st.tuples(st.just("pick"), st.integers(0, 50), st.integers(1, 10)),
    st.tuples(st.just("release"), st.integers(0, 50)),
    st.tuples(st.just("reverse"), st.integers(0, 50)),
)


def _snapshot(tenant):
    return sorted(
        StockBalance.objects.filter(tenant=tenant).values_list(
            "item_id", "location_id", "status", "on_hand", "reserved"
        )
    )


def _apply(op, tenant, items, bins, customer, supplier, counter):
    kind = op[0]
    if kind == "receive":
        _, i, b, qty, cost = op
        ledger.post(
            tenant=tenant,
            user=None,
            kind="receipt",
            moves=[
                ledger.Move(
                    item=items[i],
                    quantity=Decimal(qty),
                    source=supplier,
                    destination=loc(bins[b]),
                    unit_cost=Decimal(cost),
                )
            ],
        )
    elif kind == "move":
        _, i, a, b, qty = op
        ledger.post(
            tenant=tenant,
            user=None,
            kind="move",
            moves=[
                ledger.Move(
                    item=items[i],
                    quantity=Decimal(qty),
                    source=loc(bins[a]),
                    destination=loc(bins[b]),
                )
            ],
        )
    elif kind == "ship":
        _, i, b, qty = op
        ledger.post(
            tenant=tenant,
            user=None,
            kind="shipment",
            moves=[
                ledger.Move(
                    item=items[i], quantity=Decimal(qty), source=loc(bins[b]), destination=customer
                )
            ],
        )
    elif kind == "quarantine":
        _, i, b, qty = op
        ledger.post(
            tenant=tenant,
            user=None,
            kind="status_change",
            moves=[
                ledger.Move(
                    item=items[i],
                    quantity=Decimal(qty),
                    source=loc(bins[b]),
                    destination=loc(bins[b]),
                    destination_status="quarantine",
                )
            ],
        )
    elif kind == "reserve":
        _, i, b, qty = op
        counter[0] += 1
        ledger.reserve(
            tenant=tenant,
            user=None,
            item=items[i],
            location=loc(bins[b]),
            quantity=Decimal(qty),
            source_type="line",
            source_id=counter[0],
        )
    elif kind in ("pick", "release"):
        reservations = list(
            Reservation.objects.filter(tenant=tenant)
            .select_related("balance__location")
            .order_by("id")
        )
        if not reservations:
            return
        reservation = reservations[op[1] % len(reservations)]
        if kind == "release":
            ledger.release(tenant=tenant, user=None, reservation=reservation)
            return
        qty = min(Decimal(op[2]), reservation.quantity)
        balance = reservation.balance
        ledger.post(
            tenant=tenant, user=None, kind="pick",
            moves=[ledger.Move(item=balance.item, quantity=qty, source=balance.location, destination=loc(bins[2]))],
            consume=[ledger.Consume(reservation, qty)],
        )  # fmt: skip
    elif kind == "reverse":
        txns = list(StockTransaction.objects.filter(tenant=tenant).order_by("id"))
        if txns:
            ledger.reverse(
                tenant=tenant, user=None, original=txns[op[1] % len(txns)], reason="property test"
            )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=25))
def test_random_operations_keep_every_invariant(db, operations):
    with transaction.atomic():
        tenant = TenantFactory()
        items = [
            ItemFactory(tenant=tenant, costing_method=method)
            for method in ("fifo", "average", "fifo")
        ]
        first = bin_in(tenant)
        bins = [first, bin_in(tenant, site=first.site), bin_in(tenant, site=first.site)]
        counter = [0]
        with tenant_context(tenant):
            customer = ledger.virtual_location(tenant=tenant, kind=LocationKind.CUSTOMER)
            supplier = ledger.virtual_location(tenant=tenant, kind=LocationKind.SUPPLIER)
            for op in operations:
                before = _snapshot(tenant)
                try:
                    _apply(op, tenant, items, bins, customer, supplier, counter)
                except DomainError:
                    assert _snapshot(tenant) == before, f"{op} was refused but changed balances"
                real = StockBalance.objects.filter(tenant=tenant, is_real=True)
                assert not real.filter(on_hand__lt=0).exists()
                assert all(0 <= b.reserved <= b.on_hand for b in real)
                assert ledger.verify(tenant.pk) == [], op
        transaction.set_rollback(True)
