"""The putaway task's transitions table: open -> done by completing it, recorded with who and
why; a finished task refuses another bin by name."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.errors import InvalidTransition
from erp.tenancy import tenant_context
from inventory import ledger
from tests.factories import BinFactory, ZoneFactory
from tests.inventory.stock import assert_ledger_clean, on_hand
from warehouse.models import PutawayTask
from warehouse.putaway import services as putaway
from warehouse.receiving import services as receiving

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(dock):
    zone = ZoneFactory(site=dock.order.site, code="STO")
    bins = [BinFactory(zone=zone, code=f"STO-{n}", walk_sequence=n) for n in (1, 2)]
    with tenant_context(dock.tenant):
        receipt = receiving.receive(
            tenant=dock.tenant, user=dock.operator, order=dock.order, item=dock.item,
            quantity=Decimal(5), dock=dock.dock, scan_key="r1",
        )  # fmt: skip
        return PutawayTask.objects.get(receipt_line=receipt), bins


def _to(dock, bin):
    with tenant_context(dock.tenant):
        return ledger.bin_location(tenant=dock.tenant, bin=bin)


def test_completing_an_open_task_makes_it_done_with_who_and_why(dock, task):
    open_task, bins = task
    with tenant_context(dock.tenant):
        target = bins[1] if open_task.suggested_location.bin_id == bins[0].pk else bins[0]
        done = putaway.complete(
            tenant=dock.tenant, user=dock.operator, task=open_task, location=_to(dock, target),
            override_reason="suggested bin blocked",
        )  # fmt: skip
        record = done.history.order_by("-history_date", "-history_id").first()
    assert (record.state, record.history_user_id) == ("done", dock.operator.pk)
    assert record.history_change_reason == "complete: suggested bin blocked"
    assert on_hand(dock.tenant, dock.item, target) == 5
    assert_ledger_clean(dock.tenant)


def test_a_done_task_refuses_another_bin_by_name(dock, task):
    open_task, bins = task
    first = _to(dock, bins[0])
    second = _to(dock, bins[1])
    with tenant_context(dock.tenant):
        putaway.complete(
            tenant=dock.tenant,
            user=dock.operator,
            task=open_task,
            location=first,
            override_reason="x",
        )
        with pytest.raises(InvalidTransition) as refused:
            putaway.complete(
                tenant=dock.tenant, user=dock.operator, task=open_task, location=second,
                override_reason="x",
            )  # fmt: skip
    assert str(refused.value) == f"Putaway #{open_task.pk} cannot go from done to done."
    assert on_hand(dock.tenant, dock.item, bins[0]) == 5
    assert on_hand(dock.tenant, dock.item, bins[1]) == 0
    assert_ledger_clean(dock.tenant)
