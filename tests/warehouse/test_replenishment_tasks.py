"""The scheduled run (fanned out per tenant) and the immediate run queued when a released
wave drains its pick faces."""

from __future__ import annotations

import pytest

from erp.tenancy import tenant_context
from tests.warehouse.faces import Faces
from warehouse import tasks
from warehouse.models import Replenishment

pytestmark = pytest.mark.django_db


def test_the_beat_entry_fans_out_one_run_per_tenant(settings, tenant_a, tenant_b, monkeypatch):
    assert settings.CELERY_BEAT_SCHEDULE["replenish-pick-faces"]["task"] == (
        "warehouse.tasks.replenish_all_task"
    )
    sent = []
    monkeypatch.setattr(tasks.replenish_task, "delay", lambda *args: sent.append(args))
    tasks.replenish_all_task()
    assert sorted(sent) == sorted([(tenant_a.pk,), (tenant_b.pk,)])


def test_the_task_runs_the_tenant_and_is_safe_twice(tenant_a, tenant_b):
    floor = Faces(tenant_a, stock=1)
    floor.face(floor.cups, floor.p2, 10, 40)
    floor.stock_reserve(floor.cups, 100)
    other = Faces(tenant_b, stock=1)
    other.face(other.cups, other.p2, 10, 40)
    other.stock_reserve(other.cups, 100)

    assert tasks.replenish_task(tenant_a.pk) == 1
    assert tasks.replenish_task(tenant_a.pk) == 0
    with tenant_context(tenant_b):
        assert not Replenishment.objects.exists()  # the other tenant waits for its own run


def test_releasing_a_wave_that_empties_a_face_queues_a_run(
    tenant_a, sent_tasks, django_capture_on_commit_callbacks
):
    floor = Faces(tenant_a, stock=5)
    floor.face(floor.coffee, floor.p1, 2, 40)
    wave = floor.wave(floor.released_order([(floor.coffee, 4)]))  # leaves 1 <= min 2
    from warehouse.picking import waves

    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        waves.release_wave(tenant=tenant_a, user=floor.supervisor, wave=wave)
    assert ("warehouse.tasks.replenish_task", [tenant_a.pk, floor.site.pk]) in sent_tasks


def test_releasing_a_wave_the_faces_cover_queues_nothing(
    tenant_a, sent_tasks, django_capture_on_commit_callbacks
):
    floor = Faces(tenant_a, stock=20)
    floor.face(floor.coffee, floor.p1, 2, 40)
    wave = floor.wave(floor.released_order([(floor.coffee, 4)]))  # leaves 16 > min 2
    from warehouse.picking import waves

    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        waves.release_wave(tenant=tenant_a, user=floor.supervisor, wave=wave)
    assert not [t for t in sent_tasks if t[0] == "warehouse.tasks.replenish_task"]
