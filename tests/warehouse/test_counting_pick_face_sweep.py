"""The sweep that counts pick faces inventory's own postings (an adjustment, a scanner move)
left at zero or at negative availability: inventory cannot call warehouse code, so a beat
task finds them every few minutes, and never opens a second count of a bin, nor a count of
one counted since."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.services import adjustments
from tests.factories import member
from tests.inventory.stock import receive
from tests.warehouse.outbound import Floor
from warehouse import tasks
from warehouse.counting import services, triggers
from warehouse.models import Count, CountRound, Priority, WorkKind, WorkTask

pytestmark = pytest.mark.django_db


def _sweep(floor):
    with tenant_context(floor.tenant):
        return triggers.sweep_pick_faces(tenant=floor.tenant)


def _counts_of(floor, bin):
    with tenant_context(floor.tenant):
        location = ledger.bin_location(tenant=floor.tenant, bin=bin)
        return list(Count.objects.filter(location=location).order_by("pk"))


def _queued(floor, count):
    with tenant_context(floor.tenant):
        round = CountRound.objects.get(count=count, number=1)
        return list(WorkTask.objects.filter(kind=WorkKind.COUNT, reference=round.pk))


def _write_off(floor, item, bin, quantity, **kwargs):
    with tenant_context(floor.tenant):
        location = ledger.bin_location(tenant=floor.tenant, bin=bin)
        return adjustments.request_adjustment(
            tenant=floor.tenant, user=floor.supervisor, item=item, location=location,
            quantity=Decimal(-quantity), reason_code="damaged", **kwargs,
        )  # fmt: skip


def test_an_adjustment_that_empties_a_pick_face_is_counted_once(tenant_a):
    floor = Floor(tenant_a, stock=6)
    _write_off(floor, floor.cups, floor.p2, 6)
    assert _counts_of(floor, floor.p2) == []  # inventory's posting opens nothing itself

    [count] = _sweep(floor)
    assert count.location.code == "P-02"
    assert (count.status, count.source, count.reason) == (
        "open",
        "pick_face",
        f"pick face at zero: {floor.cups.sku}",
    )
    [task] = _queued(floor, count)
    assert (task.priority, task.summary) == (Priority.NORMAL, "Count bin P-02")
    assert _sweep(floor) == []  # the next run: the bin's count is open
    assert _counts_of(floor, floor.p2) == [count]
    assert _counts_of(floor, floor.p1) == []  # 6 coffee still there


def test_a_scanner_move_that_empties_a_pick_face_is_counted(tenant_a):
    floor = Floor(tenant_a, stock=6)
    with tenant_context(tenant_a):
        adjustments.move_stock(
            tenant=tenant_a, user=floor.operator, item=floor.cups,
            source=ledger.bin_location(tenant=tenant_a, bin=floor.p2),
            destination=ledger.bin_location(tenant=tenant_a, bin=floor.reserve),
            quantity=Decimal(6), idempotency_key="move-p2",
        )  # fmt: skip
    [count] = _sweep(floor)
    assert count.reason == f"pick face at zero: {floor.cups.sku}"
    assert _counts_of(floor, floor.reserve) == []  # a reserve bin is no pick face


def test_a_face_counted_since_it_emptied_is_not_counted_again(tenant_a):
    floor = Floor(tenant_a, stock=6)
    _write_off(floor, floor.cups, floor.p2, 6)
    [count] = _sweep(floor)
    with tenant_context(tenant_a):
        round = CountRound.objects.get(count=count, number=1)
        services.scan_bin(
            tenant=tenant_a, user=floor.operator, round=round, location=count.location
        )
        services.finish_round(tenant=tenant_a, user=floor.operator, round=round, empty=True)
        services.approve(tenant=tenant_a, user=floor.supervisor, count=count)
    assert _sweep(floor) == []  # still at zero, but counted at zero

    # Stock comes back and is written off again: that is new, so the face is counted again.
    receive(tenant_a, floor.cups, floor.p2, 3, key="cups-back")
    _write_off(floor, floor.cups, floor.p2, 3)
    [again] = _sweep(floor)
    assert again.pk != count.pk and _counts_of(floor, floor.p2) == [count, again]


def test_a_cancelled_count_is_not_reopened_by_the_sweep(tenant_a):
    floor = Floor(tenant_a, stock=6)
    _write_off(floor, floor.cups, floor.p2, 6)
    [count] = _sweep(floor)
    with tenant_context(tenant_a):
        from warehouse.workqueue import services as work

        [task] = _queued(floor, count)
        work.cancel(tenant=tenant_a, user=floor.supervisor, task=task, reason="face removed")
    assert _sweep(floor) == []


def test_a_count_posting_that_empties_a_face_asks_for_no_new_count(tenant_a):
    floor = Floor(tenant_a, stock=6)
    with tenant_context(tenant_a):
        location = ledger.bin_location(tenant=tenant_a, bin=floor.p2)
        count = services.open_count(
            tenant=tenant_a, user=floor.supervisor, location=location, reason="spot check"
        )
        round = CountRound.objects.get(count=count, number=1)
        services.scan_bin(tenant=tenant_a, user=floor.operator, round=round, location=location)
        services.finish_round(tenant=tenant_a, user=floor.operator, round=round, empty=True)
        # 6 missing is beyond tolerance: a second operator recounts it empty too.
        recount = CountRound.objects.get(count=count, number=2)
        other = member(tenant_a, Role.OPERATOR)
        services.scan_bin(tenant=tenant_a, user=other, round=recount, location=location)
        services.finish_round(tenant=tenant_a, user=other, round=recount, empty=True)
        services.approve(tenant=tenant_a, user=floor.supervisor, count=count)
    assert _sweep(floor) == []
    assert _counts_of(floor, floor.p2) == [count]


def test_held_stock_promised_beyond_what_the_face_holds_is_an_urgent_count(tenant_a):
    floor = Floor(tenant_a)
    with tenant_context(tenant_a):
        face = ledger.bin_location(tenant=tenant_a, bin=floor.p2)
        # 45 of P-02's 50 cups held for QC and promised as they are; 5 then written off.
        ledger.post(
            tenant=tenant_a, user=None, kind="status_change",
            moves=[ledger.Move(item=floor.cups, quantity=Decimal(45), source=face, destination=face, destination_status="qc_hold")],
        )  # fmt: skip
        ledger.reserve(
            tenant=tenant_a, user=None, item=floor.cups, location=face, quantity=Decimal(45),
            source_type="test_hold", source_id=1, status="qc_hold",
        )  # fmt: skip
    _write_off(floor, floor.cups, floor.p2, 4)  # 1 available left against 45 promised
    [count] = _sweep(floor)
    assert count.reason == f"pick face availability negative: {floor.cups.sku} -44"
    [task] = _queued(floor, count)
    assert task.priority == Priority.HIGH


def test_the_sweep_counts_only_its_own_tenant(tenant_a, tenant_b):
    ours, theirs = Floor(tenant_a, stock=6), Floor(tenant_b, stock=6)
    _write_off(ours, ours.cups, ours.p2, 6)
    _write_off(theirs, theirs.cups, theirs.p2, 6)
    assert [c.location.code for c in _sweep(ours)] == ["P-02"]
    assert _counts_of(theirs, theirs.p2) == []


def test_the_beat_entry_fans_out_one_sweep_per_tenant(settings, tenant_a, tenant_b, monkeypatch):
    entry = settings.CELERY_BEAT_SCHEDULE["count-pick-faces"]
    assert (entry["task"], entry["schedule"]) == (
        "warehouse.tasks.count_pick_faces_all_task",
        300.0,
    )
    assert tasks.count_pick_faces_all_task.name == "warehouse.tasks.count_pick_faces_all_task"
    # The replenishment beat's task must be a registered task too, or the worker drops it.
    assert tasks.replenish_all_task.name == "warehouse.tasks.replenish_all_task"
    sent = []
    monkeypatch.setattr(tasks.count_pick_faces_task, "delay", lambda *args: sent.append(args))
    tasks.count_pick_faces_all_task()
    assert sorted(sent) == sorted([(tenant_a.pk,), (tenant_b.pk,)])


def test_the_task_sweeps_the_tenant_and_is_safe_twice(tenant_a):
    floor = Floor(tenant_a, stock=6)
    _write_off(floor, floor.cups, floor.p2, 6)
    assert tasks.count_pick_faces_task(tenant_a.pk) == 1
    assert tasks.count_pick_faces_task(tenant_a.pk) == 0
