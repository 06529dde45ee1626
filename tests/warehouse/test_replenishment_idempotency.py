"""A face never gets two open replenishments: not from a repeated run, not from a face whose
stock is already on its way, not from two runs at the same moment."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from erp.tenancy import tenant_context
from tests.concurrency import together
from tests.inventory.stock import assert_ledger_clean, loc, reserved
from tests.warehouse.faces import Faces
from warehouse.models import Replenishment, WorkTask
from warehouse.replenishment import services


@pytest.mark.django_db
def test_a_second_run_adds_nothing(tenant_a):
    floor = Faces(tenant_a, stock=1)
    floor.face(floor.cups, floor.p2, 10, 40)
    floor.stock_reserve(floor.cups, 100)

    assert len(floor.run()) == 1
    assert floor.run() == []

    assert len(floor.open_tasks()) == 1
    assert reserved(tenant_a, floor.cups, floor.reserve) == 48
    with tenant_context(tenant_a):
        assert WorkTask.objects.filter(tenant=tenant_a, kind="replenish").count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_open_task_for_a_face(tenant_a):
    floor = Faces(tenant_a, stock=1)
    face = floor.face(floor.cups, floor.p2, 10, 40)
    floor.stock_reserve(floor.cups, 100)
    assert len(floor.run()) == 1
    with tenant_context(tenant_a), pytest.raises(IntegrityError), transaction.atomic():
        Replenishment.objects.create(
            tenant=tenant_a, face=face, item=floor.cups, quantity=1,
            from_location=loc(floor.reserve), to_location=loc(floor.p2),
        )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_make_one_task_per_face(tenant_a):
    floor = Faces(tenant_a, stock=1)
    floor.face(floor.cups, floor.p2, 10, 40)
    floor.face(floor.coffee, floor.p1, 10, 40)
    floor.stock_reserve(floor.cups, 100)
    floor.stock_reserve(floor.coffee, 100, lot=floor.lot)

    def run():
        with tenant_context(tenant_a, durable=True):
            return len(services.run(tenant=tenant_a))

    results = together([run, run])

    assert sorted(results) == [0, 2], results
    assert len(floor.open_tasks()) == 2
    assert reserved(tenant_a, floor.cups, floor.reserve) == 48
    assert reserved(tenant_a, floor.coffee, floor.reserve, lot=floor.lot) == 48
    assert_ledger_clean(tenant_a)
