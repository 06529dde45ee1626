"""Completing a replenishment: the move is posted through the ledger consuming its
reservation; less found than reserved ends it short, as a floor exception."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.errors import InvalidTransition
from erp.tenancy import tenant_context
from tests.inventory.stock import assert_ledger_clean, loc, on_hand, reserved
from tests.warehouse.faces import Faces
from warehouse.errors import WarehouseError
from warehouse.models import CountRequest, ExceptionKind, FloorException, WorkTask
from warehouse.replenishment import services

pytestmark = pytest.mark.django_db


def _complete(floor, task, quantity, *, source=None, destination=None, lot="task"):
    with tenant_context(floor.tenant):
        return services.complete(
            tenant=floor.tenant, user=floor.operator, task=task,
            source=loc(source or floor.reserve), lot=task.lot if lot == "task" else lot,
            quantity=Decimal(quantity), destination=loc(destination or floor.p2),
        )  # fmt: skip


def test_a_full_move_posts_to_the_face_and_uses_up_the_reservation(tenant_a):
    floor = Faces(tenant_a, stock=1)
    floor.face(floor.cups, floor.p2, 10, 40)
    floor.stock_reserve(floor.cups, 100)
    (task,) = floor.run()  # 48

    done = _complete(floor, task, 48)

    assert done.state == "done"
    assert on_hand(tenant_a, floor.cups, floor.reserve) == 52
    assert reserved(tenant_a, floor.cups, floor.reserve) == 0
    assert on_hand(tenant_a, floor.cups, floor.p2) == 49
    with tenant_context(tenant_a):
        assert done.transaction.kind == "replenishment"
        entry = WorkTask.objects.get(tenant=tenant_a, kind="replenish", reference=task.pk)
    assert entry.status == "done"
    assert_ledger_clean(tenant_a)
    # The face is above its min now: the next run leaves it alone.
    assert floor.run() == []


def test_a_repeat_is_refused_and_posts_nothing_more(tenant_a):
    floor = Faces(tenant_a, stock=1)
    floor.face(floor.cups, floor.p2, 10, 40)
    floor.stock_reserve(floor.cups, 100)
    (task,) = floor.run()
    _complete(floor, task, 48)

    with pytest.raises(InvalidTransition):
        _complete(floor, task, 48)
    assert on_hand(tenant_a, floor.cups, floor.p2) == 49


def test_the_wrong_source_bin_is_refused_with_nothing_posted(tenant_a):
    floor = Faces(tenant_a, stock=1)
    floor.face(floor.cups, floor.p2, 10, 40)
    floor.stock_reserve(floor.cups, 100)
    (task,) = floor.run()

    with pytest.raises(WarehouseError, match="R-01"):
        _complete(floor, task, 48, source=floor.reserve2)
    with pytest.raises(WarehouseError, match="P-02"):
        _complete(floor, task, 48, destination=floor.p1)
    assert on_hand(tenant_a, floor.cups, floor.p2) == 1
    assert reserved(tenant_a, floor.cups, floor.reserve) == 48
    assert_ledger_clean(tenant_a)


def test_a_short_source_moves_what_was_found_holds_the_rest_and_flags_the_bin(tenant_a):
    """48 reserved, 30 found: 30 moved, 18 released, the other 52 the system counts in R-01
    held in quarantine until counted; a short-replenishment exception and a count request."""
    floor = Faces(tenant_a, stock=1)
    floor.face(floor.cups, floor.p2, 10, 40)
    floor.stock_reserve(floor.cups, 100)
    (task,) = floor.run()

    short = _complete(floor, task, 30)

    assert short.state == "short"
    assert on_hand(tenant_a, floor.cups, floor.p2) == 31
    assert on_hand(tenant_a, floor.cups, floor.reserve) == 0
    assert on_hand(tenant_a, floor.cups, floor.reserve, status="quarantine") == 70
    assert reserved(tenant_a, floor.cups, floor.reserve) == 0
    with tenant_context(tenant_a):
        exception = FloorException.objects.get(tenant=tenant_a)
        assert CountRequest.objects.filter(location=loc(floor.reserve), done=False).exists()
        entry = WorkTask.objects.get(tenant=tenant_a, kind="replenish", reference=task.pk)
    assert exception.kind == ExceptionKind.SHORT_REPLENISHMENT
    assert (exception.expected, exception.found) == (48, 30)
    assert exception.order_id is None
    assert entry.status == "done"
    assert_ledger_clean(tenant_a)


def test_cancelling_from_the_queue_gives_the_stock_back(tenant_a):
    floor = Faces(tenant_a, stock=1)
    floor.face(floor.cups, floor.p2, 10, 40)
    floor.stock_reserve(floor.cups, 100)
    (task,) = floor.run()
    from warehouse.workqueue import services as work

    with tenant_context(tenant_a):
        entry = WorkTask.objects.get(tenant=tenant_a, kind="replenish", reference=task.pk)
        work.cancel(tenant=tenant_a, user=floor.supervisor, task=entry, reason="face moved")
        task.refresh_from_db()

    assert task.state == "cancelled"
    assert reserved(tenant_a, floor.cups, floor.reserve) == 0
    assert len(floor.run()) == 1  # the face can be served again
