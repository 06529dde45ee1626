"""`ledger.post`: entries, balances and verify_ledger after each kind of movement."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from erp.tenancy import tenant_context
from inventory import ledger
from inventory.errors import InsufficientStock, InvalidPosting, UnitConversionError
from inventory.models import LocationKind, StockEntry, StockTransaction
from tests.factories import ItemFactory, ItemUnitFactory, LotFactory, SerialFactory, bin_in
from tests.inventory.stock import assert_ledger_clean, loc, on_hand, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(tenant_a):
    return ItemFactory(tenant=tenant_a)


@pytest.fixture
def bins(tenant_a):
    first = bin_in(tenant_a)
    return first, bin_in(tenant_a, site=first.site), bin_in(tenant_a, site=first.site)


def _move(tenant, item, source, destination, quantity, kind="move", key=None, **kwargs):
    with tenant_context(tenant):
        return ledger.post(
            tenant=tenant,
            user=None,
            kind=kind,
            moves=[
                ledger.Move(
                    item=item,
                    quantity=Decimal(quantity),
                    source=loc(source),
                    destination=loc(destination),
                    **kwargs,
                )
            ],
            idempotency_key=key,
        )


def test_receipt_posts_two_entries_summing_to_zero_and_updates_the_balance(tenant_a, item, bins):
    txn = receive(tenant_a, item, bins[0], 10, unit_cost="3.00")
    with tenant_context(tenant_a):
        entries = list(StockEntry.objects.filter(transaction=txn).order_by("id"))
    assert [e.quantity for e in entries] == [Decimal(-10), Decimal(10)]
    assert [e.value for e in entries] == [Decimal("-30"), Decimal("30")]
    assert on_hand(tenant_a, item, bins[0]) == 10
    assert_ledger_clean(tenant_a)


def test_bin_to_bin_move_changes_both_balances(tenant_a, item, bins):
    receive(tenant_a, item, bins[0], 10)
    _move(tenant_a, item, bins[0], bins[1], 4)
    assert on_hand(tenant_a, item, bins[0]) == 6
    assert on_hand(tenant_a, item, bins[1]) == 4
    assert_ledger_clean(tenant_a)


def test_moving_more_than_on_hand_is_refused_naming_the_facts_and_posts_nothing(
    tenant_a, item, bins
):
    receive(tenant_a, item, bins[0], 4)
    with pytest.raises(InsufficientStock) as caught:
        _move(tenant_a, item, bins[0], bins[1], 6)
    assert str(caught.value) == f"Only 4 of {item.sku} in {bins[0].code}; 6 requested."
    assert on_hand(tenant_a, item, bins[0]) == 4
    with tenant_context(tenant_a):
        assert StockTransaction.objects.count() == 1
    assert_ledger_clean(tenant_a)


def test_moving_from_an_empty_bin_is_refused(tenant_a, item, bins):
    with pytest.raises(InsufficientStock, match="Only 0 of"):
        _move(tenant_a, item, bins[0], bins[1], 1)


def test_status_change_is_a_movement_in_the_same_bin(tenant_a, item, bins):
    receive(tenant_a, item, bins[0], 5)
    _move(
        tenant_a, item, bins[0], bins[0], 2, kind="status_change", destination_status="quarantine"
    )
    assert on_hand(tenant_a, item, bins[0]) == 3
    assert on_hand(tenant_a, item, bins[0], status="quarantine") == 2
    assert_ledger_clean(tenant_a)


def test_quantity_in_cases_is_converted_to_the_base_unit(tenant_a, item, bins):
    ItemUnitFactory(item=item, code="case", factor=12)
    with tenant_context(tenant_a):
        ledger.post(
            tenant=tenant_a, user=None, kind="receipt",
            moves=[ledger.Move(item=item, quantity=Decimal(2), unit="case",
                               source=ledger.virtual_location(tenant=tenant_a, kind=LocationKind.SUPPLIER),
                               destination=loc(bins[0]), unit_cost=Decimal("1"))],
        )  # fmt: skip
    assert on_hand(tenant_a, item, bins[0]) == 24


def test_a_quarter_case_of_twelve_is_three_each(tenant_a, item, bins):
    ItemUnitFactory(item=item, code="case", factor=12)
    with tenant_context(tenant_a):
        supplier = ledger.virtual_location(tenant=tenant_a, kind=LocationKind.SUPPLIER)
        ledger.post(
            tenant=tenant_a,
            user=None,
            kind="receipt",
            moves=[
                ledger.Move(
                    item=item,
                    quantity=Decimal("0.25"),
                    unit="case",
                    source=supplier,
                    destination=loc(bins[0]),
                    unit_cost=Decimal(1),
                )
            ],
        )
    assert on_hand(tenant_a, item, bins[0]) == 3


@pytest.mark.parametrize(
    "quantity,unit,error,message",
    [
        (Decimal("0.5"), "each", UnitConversionError, "one each cannot be split"),
        (Decimal("0.1"), "case", UnitConversionError, "is 1.2 each"),
        (Decimal("1"), "crate", UnitConversionError, "has no unit 'crate'"),
        (Decimal("-3"), None, InvalidPosting, "must be more than zero"),
        (Decimal("0"), None, InvalidPosting, "must be more than zero"),
    ],
)
def test_bad_quantity_or_unit_is_refused_and_posts_nothing(
    tenant_a, item, bins, quantity, unit, error, message
):
    ItemUnitFactory(item=item, code="case", factor=12)
    with tenant_context(tenant_a):
        supplier = ledger.virtual_location(tenant=tenant_a, kind=LocationKind.SUPPLIER)
        move = ledger.Move(
            item=item,
            quantity=quantity,
            unit=unit,
            source=supplier,
            destination=loc(bins[0]),
            unit_cost=Decimal(1),
        )
        with pytest.raises(error, match=message):
            ledger.post(tenant=tenant_a, user=None, kind="receipt", moves=[move])
        assert StockTransaction.objects.count() == 0


def test_another_tenants_item_is_unknown(tenant_a, tenant_b, bins):
    foreign = ItemFactory(tenant=tenant_b)
    with pytest.raises(InvalidPosting, match="Unknown item"):
        receive(tenant_a, foreign, bins[0], 1)


def test_lot_tracked_item_needs_its_lot(tenant_a, bins):
    lot = LotFactory(item__tenant=tenant_a)
    with pytest.raises(InvalidPosting, match="lot-tracked: give the lot"):
        receive(tenant_a, lot.item, bins[0], 1)
    receive(tenant_a, lot.item, bins[0], 5, lot=lot)
    assert on_hand(tenant_a, lot.item, bins[0], lot=lot) == 5


def test_expired_lot_cannot_go_to_available_but_can_to_expired(tenant_a, bins):
    import datetime

    lot = LotFactory(
        item__tenant=tenant_a, expiry_date=datetime.date.today() - datetime.timedelta(days=1)
    )
    with pytest.raises(InvalidPosting, match="expired on"):
        receive(tenant_a, lot.item, bins[0], 1, lot=lot)
    receive(tenant_a, lot.item, bins[0], 1, lot=lot, status="expired")
    assert on_hand(tenant_a, lot.item, bins[0], lot=lot, status="expired") == 1


def test_serial_quantity_must_be_one_and_a_serial_is_in_one_place(tenant_a, bins):
    from inventory.errors import SerialConflict

    serial = SerialFactory(item__tenant=tenant_a)
    with pytest.raises(InvalidPosting, match="A serial number is one unit"):
        receive(tenant_a, serial.item, bins[0], 2, serial=serial)
    receive(tenant_a, serial.item, bins[0], 1, serial=serial)
    with pytest.raises(
        SerialConflict, match=f"Serial {serial.serial} .* already in stock elsewhere"
    ):
        receive(tenant_a, serial.item, bins[1], 1, serial=serial)
    _move(tenant_a, serial.item, bins[0], bins[1], 1, serial=serial)
    assert_ledger_clean(tenant_a)


def test_repeated_idempotency_key_returns_the_first_transaction(tenant_a, item, bins):
    first = receive(tenant_a, item, bins[0], 3, key="scan-123")
    second = receive(tenant_a, item, bins[0], 3, key="scan-123")
    assert first.pk == second.pk
    assert on_hand(tenant_a, item, bins[0]) == 3
    assert_ledger_clean(tenant_a)


def test_entries_cannot_be_updated_or_deleted(tenant_a, item, bins):
    receive(tenant_a, item, bins[0], 3)
    with tenant_context(tenant_a):
        for sql in ("UPDATE inventory_stockentry SET quantity = 99", "DELETE FROM inventory_stockentry",
                    "UPDATE inventory_stocktransaction SET reason = 'x'"):  # fmt: skip
            with (
                pytest.raises(DatabaseError, match="immutable"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)


def test_tampered_balance_is_reported_by_verify(tenant_a, item, bins):
    receive(tenant_a, item, bins[0], 3)
    with tenant_context(tenant_a), connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_stockbalance SET on_hand = on_hand + 1 WHERE is_real")
        differences = ledger.verify(tenant_a.pk)
    assert [d.check for d in differences] == ["balance", "valuation"] or [
        d.check for d in differences
    ] == ["balance"]


def test_two_line_posting_takes_a_constant_number_of_statements(tenant_a, item, bins):
    receive(tenant_a, item, bins[0], 1000)
    items = [ItemFactory(tenant=tenant_a) for _ in range(3)]
    for other in items:
        receive(tenant_a, other, bins[0], 1000)
    with tenant_context(tenant_a):
        source, destination = loc(bins[0]), loc(bins[1])
        with CaptureQueriesContext(connection) as one:
            ledger.post(
                tenant=tenant_a,
                user=None,
                kind="move",
                moves=[
                    ledger.Move(
                        item=item, quantity=Decimal(1), source=source, destination=destination
                    )
                ],
            )
        with CaptureQueriesContext(connection) as many:
            ledger.post(
                tenant=tenant_a,
                user=None,
                kind="move",
                moves=[
                    ledger.Move(item=i, quantity=Decimal(1), source=source, destination=destination)
                    for i in [item, *items]
                ],
            )
    print([q["sql"][:50] for q in one.captured_queries])
    assert len(one) <= 8, [q["sql"][:60] for q in one.captured_queries]
    assert len(many) == len(one)


def test_posting_with_a_stale_copy_of_a_changed_item_is_refused(tenant_a, item, bins):
    from inventory.models import Item

    with tenant_context(tenant_a):
        Item.objects.filter(pk=item.pk).update(tracking="lot")
    with pytest.raises(InvalidPosting, match="was changed while this was being posted"):
        receive(tenant_a, item, bins[0], 1)
    assert on_hand(tenant_a, item, bins[0]) == 0


def test_retry_of_a_posting_that_took_the_last_units_returns_it(tenant_a, item, bins):
    receive(tenant_a, item, bins[0], 3)
    first = _move(tenant_a, item, bins[0], bins[1], 3, key="pick-7")
    again = _move(tenant_a, item, bins[0], bins[1], 3, key="pick-7")
    assert again.pk == first.pk
    assert on_hand(tenant_a, item, bins[1]) == 3
