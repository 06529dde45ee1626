"""The replenishment run: which faces get a task, for how much (hand-computed), reserved
from reserve stock and queued."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.tenancy import tenant_context
from tests.inventory.stock import assert_ledger_clean, on_hand, reserved
from tests.warehouse.faces import Faces
from warehouse.models import Priority, WorkTask

pytestmark = pytest.mark.django_db


def test_a_face_below_min_gets_max_minus_on_hand_rounded_up_to_cases(tenant_a):
    """Cups face: on hand 5, min 10, max 40, cases of 12: 35 wanted -> 3 cases = 36."""
    floor = Faces(tenant_a, stock=5)
    floor.face(floor.cups, floor.p2, 10, 40)
    floor.stock_reserve(floor.cups, 100)

    (task,) = floor.run()

    assert task.quantity == Decimal(36)
    assert task.from_location.bin_id == floor.reserve.pk
    assert task.to_location.bin_id == floor.p2.pk
    assert reserved(tenant_a, floor.cups, floor.reserve) == 36
    assert on_hand(tenant_a, floor.cups, floor.reserve) == 100  # nothing moved yet
    with tenant_context(tenant_a):
        entry = WorkTask.objects.get(tenant=tenant_a, kind="replenish", reference=task.pk)
    assert entry.priority == Priority.NORMAL
    assert entry.site_id == floor.site.pk
    assert "P-02" in entry.summary and "R-01" in entry.summary
    assert_ledger_clean(tenant_a)


def test_a_face_exactly_at_min_is_replenished_and_one_above_is_not(tenant_a):
    """At min (10): 30 wanted -> 3 cases = 36. Above min (11 on hand): nothing."""
    floor = Faces(tenant_a, stock=10)
    floor.face(floor.cups, floor.p2, 10, 40)
    floor.face(floor.coffee, floor.p1, 10, 40)  # coffee face holds 10 too
    floor.stock_reserve(floor.cups, 100)
    floor.stock_reserve(floor.coffee, 100, lot=floor.lot)
    floor.stock_reserve(floor.cups, 1, bin=floor.p2)  # cups face now 11

    tasks = floor.run()

    assert [(t.item_id, t.quantity) for t in tasks] == [(floor.coffee.pk, Decimal(36))]


def test_a_base_unit_face_is_not_rounded(tenant_a):
    """Unit each: on hand 5, max 23 -> exactly 18."""
    floor = Faces(tenant_a, stock=5)
    floor.face(floor.cups, floor.p2, 5, 23, unit=floor.cups.base_unit)
    floor.stock_reserve(floor.cups, 100)

    (task,) = floor.run()

    assert task.quantity == Decimal(18)


def test_less_in_reserve_than_wanted_sends_what_there_is(tenant_a):
    floor = Faces(tenant_a, stock=1)
    floor.face(floor.cups, floor.p2, 10, 40)
    floor.stock_reserve(floor.cups, 20)

    (task,) = floor.run()

    assert task.quantity == Decimal(20)
    assert reserved(tenant_a, floor.cups, floor.reserve) == 20


def test_no_reserve_stock_no_task(tenant_a):
    floor = Faces(tenant_a, stock=1)
    floor.face(floor.cups, floor.p2, 10, 40)

    assert floor.run() == []
    with tenant_context(tenant_a):
        assert not WorkTask.objects.filter(tenant=tenant_a, kind="replenish").exists()


def test_a_face_that_waiting_picks_empty_is_urgent(tenant_a):
    """Coffee face holds 5; a released wave's pick takes all 5: urgent."""
    floor = Faces(tenant_a, stock=5)
    floor.face(floor.coffee, floor.p1, 10, 40)
    floor.face(floor.cups, floor.p2, 10, 40)
    floor.released_wave(floor.released_order([(floor.coffee, 5)]))
    floor.stock_reserve(floor.coffee, 100, lot=floor.lot)
    floor.stock_reserve(floor.cups, 100)

    tasks = floor.run()

    with tenant_context(tenant_a):
        priorities = {e.reference: e.priority for e in WorkTask.objects.filter(kind="replenish")}
    by_item = {t.item_id: priorities[t.pk] for t in tasks}
    assert by_item == {floor.coffee.pk: Priority.URGENT, floor.cups.pk: Priority.NORMAL}


def test_the_run_is_limited_to_the_site_asked(tenant_a):
    floor = Faces(tenant_a, stock=1)
    other = Faces(tenant_a, stock=1)
    floor.face(floor.cups, floor.p2, 10, 40)
    other.face(other.cups, other.p2, 10, 40)
    floor.stock_reserve(floor.cups, 100)
    other.stock_reserve(other.cups, 100)

    tasks = floor.run(site=floor.site)

    assert [t.item_id for t in tasks] == [floor.cups.pk]


def _count_statements(run) -> int:
    from django.db import connection

    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        run()
    return len(statements)


def test_the_statement_count_does_not_grow_with_the_faces(tenant_a, tenant_b):
    """One face below min in one tenant, eight in another: the same number of statements."""
    from tests.factories import BinFactory, ItemFactory
    from tests.inventory.stock import receive
    from warehouse.models import PickFace
    from warehouse.replenishment import services

    def faces(tenant, count):
        floor = Faces(tenant, stock=1)
        with tenant_context(tenant):
            for n in range(count):
                item = ItemFactory(tenant=tenant)
                face = BinFactory(zone=floor.p1.zone, code=f"F-{n}", bin_type="pick_face")
                PickFace.objects.create(
                    tenant=tenant, item=item, bin=face, min_quantity=5, max_quantity=20,
                    unit=item.base_unit,
                )  # fmt: skip
                receive(tenant, item, floor.reserve, 50)
        return floor

    faces(tenant_a, 1)
    faces(tenant_b, 8)
    results = {}
    for tenant in (tenant_a, tenant_b):
        with tenant_context(tenant):
            results[tenant.pk] = _count_statements(
                lambda t=tenant: results.setdefault(("made", t.pk), services.run(tenant=t))
            )
    assert len(results[("made", tenant_a.pk)]) == 1
    assert len(results[("made", tenant_b.pk)]) == 8
    assert results[tenant_a.pk] == results[tenant_b.pk]
