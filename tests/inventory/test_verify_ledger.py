"""`manage.py verify_ledger` and its nightly task: 0 on a clean ledger, 1 after tampering."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from erp.tenancy import tenant_context
from inventory.tasks import verify_ledger_all_task, verify_ledger_task
from tests.factories import ItemFactory, bin_in
from tests.inventory.pages import receive_at, ship_at, utc
from tests.inventory.stock import receive

pytestmark = pytest.mark.django_db


def test_clean_ledger_exits_zero(tenant_a, capsys):
    receive(tenant_a, ItemFactory(tenant=tenant_a), bin_in(tenant_a), 5)
    call_command("verify_ledger")
    assert "alpha: ledger consistent" in capsys.readouterr().out


def test_tampered_balance_exits_one_and_names_it(tenant_a, tenant_b, capsys):
    item = ItemFactory(tenant=tenant_a)
    receive(tenant_a, item, bin_in(tenant_a), 5)
    with tenant_context(tenant_a), connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_stockbalance SET on_hand = 4 WHERE is_real")
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_ledger")
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert "alpha: balance:" in out and "entries sum to 5.0000, balance says 4.0000" in out
    assert "bravo: ledger consistent" in out
    assert verify_ledger_task(tenant_a.pk) >= 1
    assert verify_ledger_task(tenant_b.pk) == 0


def test_nightly_task_fans_out_per_tenant(tenant_a, tenant_b):
    from unittest import mock

    with mock.patch.object(verify_ledger_task, "delay") as delay:
        verify_ledger_all_task()
    assert sorted(call.args[0] for call in delay.call_args_list) == sorted(
        [tenant_a.pk, tenant_b.pk]
    )


def test_a_used_up_layer_holds_no_value_and_an_open_ones_is_checked(tenant_a, capsys):
    """The check sums only the open layers and pools: a used-up FIFO layer cannot hold value
    (the table refuses it), and a wrong value on an open one is found."""
    item, shelf = ItemFactory(tenant=tenant_a), bin_in(tenant_a)
    receive_at(tenant_a, item, shelf, 5, "2.00", utc("2025-01-10 12:00"))
    receive_at(tenant_a, item, shelf, 5, "3.00", utc("2025-01-11 12:00"))
    ship_at(tenant_a, item, shelf, 5, utc("2025-01-12 12:00"))  # the first layer, used up
    with tenant_context(tenant_a), connection.cursor() as cursor:
        with pytest.raises(IntegrityError, match="used_up_holds_no_value"), transaction.atomic():
            cursor.execute(
                "UPDATE inventory_costlayer SET remaining_value = 1 WHERE remaining_quantity = 0"
            )
        cursor.execute("UPDATE inventory_costlayer SET remaining_value = 16 WHERE unit_cost = 3")
    with pytest.raises(SystemExit):
        call_command("verify_ledger")
    assert "entries hold 5.0000 worth 15.0000, cost layers 5.0000 worth 16.0000" in (
        capsys.readouterr().out
    )
