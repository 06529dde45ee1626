"""`verify_ledger` from a checkpoint: it reads only the entries after the checkpoint, still
finds a balance changed afterwards, leaves an entry changed below it to `--full`, never lets a
posting open at the checkpoint slip below it, and its nightly task raises and closes the
ledger alert."""

from __future__ import annotations

import threading
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, connections

from erp.alerts.models import Alert, AlertStatus
from erp.alerts.services import run_rules
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.alerts import LEDGER_DIFFERENCES
from inventory.ledger import watermark
from inventory.ledger.verify import Outcome
from inventory.models import StockEntry
from inventory.tasks import verify_ledger_task
from tests.factories import ItemFactory, bin_in
from tests.inventory.pages import ship_at
from tests.inventory.stock import loc, receive


def three_bins(tenant):
    first = bin_in(tenant)
    return first, bin_in(tenant, site=first.site), bin_in(tenant, site=first.site)


@pytest.fixture
def item(tenant_a):
    return ItemFactory(tenant=tenant_a)


@pytest.fixture
def bins(tenant_a):
    return three_bins(tenant_a)


def check(tenant, **kwargs) -> Outcome:
    with tenant_context(tenant):
        return ledger.check(tenant_id=tenant.pk, **kwargs)


def move(tenant, item, *legs, key=None):
    """One posting of `item` from bin to bin: legs are (source, destination, quantity)."""
    with tenant_context(tenant):
        return ledger.post(
            tenant=tenant, user=None, kind="move", idempotency_key=key,
            moves=[ledger.Move(item=item, quantity=Decimal(q), source=loc(s), destination=loc(d))
                   for s, d, q in legs],
        )  # fmt: skip


@pytest.mark.django_db
def test_a_check_from_the_checkpoint_reads_only_the_later_entries(tenant_a, item, bins):
    receive(tenant_a, item, bins[0], 5)
    first = check(tenant_a, full=True)
    assert (first.full, first.entries_checked, first.record.entries) == (True, 2, 2)
    move(tenant_a, item, (bins[0], bins[1], 2))
    second = check(tenant_a)
    assert second.clean and not second.full
    assert second.based_on == first.record
    assert (second.entries_checked, second.record.entries) == (2, 4)
    third = check(tenant_a)
    assert (third.entries_checked, third.record.entries, third.clean) == (0, 4, True)


@pytest.mark.django_db
def test_a_balance_changed_after_the_checkpoint_is_found_and_stops_it(tenant_a, item, bins):
    receive(tenant_a, item, bins[0], 5)
    checkpoint = check(tenant_a, full=True).record
    with tenant_context(tenant_a), connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_stockbalance SET on_hand = 4 WHERE is_real")
    outcome = check(tenant_a)
    assert outcome.entries_checked == 0
    assert [d.check for d in outcome.differences] == ["balance"]
    assert "entries sum to 5.0000, balance says 4.0000" in outcome.differences[0].detail
    assert not outcome.record.is_checkpoint
    with tenant_context(tenant_a):
        assert ledger.latest_checkpoint(tenant_a.pk) == checkpoint


@pytest.mark.django_db
def test_a_reserved_quantity_no_reservation_explains_is_found(tenant_a, item, bins):
    receive(tenant_a, item, bins[0], 5)
    check(tenant_a, full=True)
    with tenant_context(tenant_a), connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_stockbalance SET reserved = 1 WHERE is_real RETURNING id")
        balance_id = cursor.fetchone()[0]
    outcome = check(tenant_a)
    assert [(d.check, d.detail) for d in outcome.differences] == [
        ("reserved", f"balance #{balance_id}: reserved 1.0000, reservations sum to 0")
    ]


@pytest.mark.django_db
def test_a_reservation_on_a_balance_reserving_nothing_is_found(tenant_a, item, bins):
    """The reserved check reads only balances reserving something; a reservation whose
    balance says nothing is reserved is found from the reservations' side."""
    receive(tenant_a, item, bins[0], 5)
    with tenant_context(tenant_a):
        reservation = ledger.reserve(
            tenant=tenant_a, user=None, item=item, location=loc(bins[0]), quantity=Decimal(2),
            source_type="test", source_id=1,
        )  # fmt: skip
    assert check(tenant_a, full=True).clean
    with tenant_context(tenant_a), connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_stockbalance SET reserved = 0 WHERE reserved = 2")
    outcome = check(tenant_a)
    assert [(d.check, d.detail) for d in outcome.differences] == [
        ("reserved", f"balance #{reservation.balance_id}: reserved 0, reservations sum to 2.0000")
    ]


@pytest.mark.django_db
def test_an_entry_changed_below_the_checkpoint_is_found_by_the_full_check(tenant_a, item, bins):
    receive(tenant_a, item, bins[0], 5)
    check(tenant_a, full=True)
    with tenant_context(tenant_a), connection.cursor() as cursor:
        # Only a table owner can do this (the test role is one), with no check still deferred.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "ALTER TABLE inventory_stockentry DISABLE TRIGGER inventory_stockentry_immutable"
        )
        cursor.execute("UPDATE inventory_stockentry SET quantity = 6 WHERE quantity = 5")
        cursor.execute(
            "ALTER TABLE inventory_stockentry ENABLE TRIGGER inventory_stockentry_immutable"
        )
    assert check(tenant_a).clean  # the checkpoint is trusted
    full = check(tenant_a, full=True)
    assert sorted({d.check for d in full.differences}) == [
        "balance", "unbalanced_transaction", "valuation"
    ]  # fmt: skip
    balance = next(d for d in full.differences if d.check == "balance")
    assert "entries sum to 6.0000, balance says 5.0000" in balance.detail
    assert not full.record.is_checkpoint


@pytest.mark.django_db
def test_a_posting_split_by_the_checkpoint_is_checked_whole(tenant_a, item, bins):
    """A posting open at the mark can have entries on both sides of it: its lines after the
    checkpoint do not net to zero alone, and the check completes them from before it."""
    receive(tenant_a, item, bins[0], 5)
    posted = move(tenant_a, item, (bins[0], bins[1], 2), (bins[0], bins[2], 1))
    with tenant_context(tenant_a):
        first_leg = StockEntry.objects.filter(transaction=posted).order_by("id").first()
    split = watermark.Mark(entry_id=first_leg.pk, settled=True, still_open=0)
    with mock.patch.object(watermark, "take", return_value=split):
        checkpoint = check(tenant_a, full=True).record
    assert (checkpoint.upto_entry_id, checkpoint.entries) == (first_leg.pk, 3)
    outcome = check(tenant_a)
    assert (outcome.entries_checked, outcome.differences) == (3, [])
    assert outcome.record.entries == 6


# The two below need postings committed from another connection: committed_db's tenants.


def test_a_posting_open_while_a_checkpoint_is_taken_is_checked_next_time(own_tenant):
    tenant, item, bins = own_tenant, ItemFactory(tenant=own_tenant), three_bins(own_tenant)
    receive(tenant, item, bins[0], 5)
    before = check(tenant, full=True).record
    posted, release = threading.Event(), threading.Event()

    def open_posting():
        try:
            with tenant_context(tenant, durable=True):
                move(tenant, item, (bins[0], bins[1], 2))
                posted.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=open_posting)
    thread.start()
    try:
        assert posted.wait(timeout=30)
        # Committed after the open posting drew its entry ids, so its ids are higher.
        receive(tenant, item, bins[2], 3)
        during = check(tenant, settle=0.3)
    finally:
        release.set()
        thread.join(timeout=30)
    assert during.clean and during.entries_checked == 2
    assert not during.record.is_checkpoint
    assert "1 transaction(s) older than the check still open" in during.note
    after = check(tenant)
    assert after.based_on == before
    assert (after.entries_checked, after.clean, after.record.entries) == (4, True, 6)
    assert check(tenant).entries_checked == 0


def test_a_check_waits_for_a_posting_open_at_its_mark(own_tenant):
    tenant, item, bins = own_tenant, ItemFactory(tenant=own_tenant), three_bins(own_tenant)
    receive(tenant, item, bins[0], 5)
    posted, release = threading.Event(), threading.Event()

    def open_posting():
        try:
            with tenant_context(tenant, durable=True):
                move(tenant, item, (bins[0], bins[1], 2))
                posted.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=open_posting)
    thread.start()
    assert posted.wait(timeout=30)
    threading.Timer(0.5, release.set).start()
    try:
        outcome = check(tenant, full=True, settle=20)
    finally:
        release.set()
        thread.join(timeout=30)
    assert (outcome.entries_checked, outcome.record.entries) == (4, 4)
    assert check(tenant).entries_checked == 0


@pytest.mark.django_db
def test_the_command_continues_from_the_checkpoint_unless_full(tenant_a, item, bins, capsys):
    receive(tenant_a, item, bins[0], 5)
    call_command("verify_ledger", "--tenant", "alpha")
    out = capsys.readouterr().out
    assert "alpha: ledger consistent: full check, 2 entries read" in out
    assert "now covers 2 entries" in out
    with tenant_context(tenant_a):
        first = ledger.latest_checkpoint(tenant_a.pk)
    call_command("verify_ledger", "--tenant", "alpha")
    out = capsys.readouterr().out
    assert f"alpha: ledger consistent: from checkpoint #{first.pk}" in out
    assert ", 0 entries read" in out
    call_command("verify_ledger", "--tenant", "alpha", "--full")
    assert "alpha: ledger consistent: full check, 2 entries read" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_nightly_task_raises_the_ledger_alert_until_a_clean_check(tenant_a, item, bins):
    receive(tenant_a, item, bins[0], 5)
    assert verify_ledger_task(tenant_a.pk) == 0
    with tenant_context(tenant_a), connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_stockbalance SET on_hand = 4 WHERE is_real")
    assert verify_ledger_task(tenant_a.pk) == 1
    with tenant_context(tenant_a):
        alert = Alert.objects.get(kind=LEDGER_DIFFERENCES)
        assert alert.subject == "ledger" and sorted(alert.roles) == ["admin", "finance"]
        assert "found 1 difference(s)" in alert.message
        assert "entries sum to 5.0000, balance says 4.0000" in alert.message
        run_rules(tenant=tenant_a, kinds=[LEDGER_DIFFERENCES])
        alert.refresh_from_db()
        assert alert.status == AlertStatus.OPEN
        with connection.cursor() as cursor:
            cursor.execute("UPDATE inventory_stockbalance SET on_hand = 5 WHERE is_real")
    assert verify_ledger_task(tenant_a.pk) == 0
    with tenant_context(tenant_a):
        run_rules(tenant=tenant_a, kinds=[LEDGER_DIFFERENCES])
        alert.refresh_from_db()
        assert alert.status == AlertStatus.CLOSED


@pytest.mark.django_db
@pytest.mark.parametrize("full", [True, False], ids=["full", "from_checkpoint"])
def test_balances_at_zero_on_either_side_are_still_compared(tenant_a, item, bins, full):
    """Keys at zero on both sides are skipped: a key the entries put at zero that the balance
    does not, and one the balance puts at zero that the entries do not, are both found."""
    receive(tenant_a, item, bins[0], 5)
    receive(tenant_a, item, bins[1], 4)
    ship_at(tenant_a, item, bins[0], 5, None)  # bins[0] at zero
    assert check(tenant_a, full=True).clean
    with tenant_context(tenant_a), connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_stockbalance SET on_hand = 3 WHERE on_hand = 0")
        cursor.execute("UPDATE inventory_stockbalance SET on_hand = 0 WHERE on_hand = 4")
    outcome = check(tenant_a, full=full)
    assert sorted(d.detail.split(": ")[1] for d in outcome.differences) == [
        "entries sum to 0, balance says 3.0000",
        "entries sum to 4.0000, balance says 0",
    ]
