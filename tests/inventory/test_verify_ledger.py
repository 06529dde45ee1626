"""`manage.py verify_ledger` and its nightly task: 0 on a clean ledger, 1 after tampering."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from erp.tenancy import tenant_context
from inventory.tasks import verify_ledger_all_task, verify_ledger_task
from tests.factories import ItemFactory, bin_in
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
