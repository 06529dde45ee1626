"""Putaway and picking work through the task queue: a receipt's putaway and a released wave's
batches join it, starting from "My work" or from the flow's own menu claims the same work,
and finishing the flow's document finishes its entry."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import DefaultSite
from tests.erp.test_url_coverage import _putaway_task
from tests.factories import BinFactory, ZoneFactory, member
from tests.warehouse.outbound import Floor
from warehouse.models import BatchStatus, PickBatch, PickState, WorkKind, WorkStatus, WorkTask
from warehouse.picking import services as picking
from warehouse.putaway import services as putaway
from warehouse.workqueue import services as work

pytestmark = pytest.mark.django_db


def _entry(tenant, kind, reference) -> WorkTask:
    with tenant_context(tenant):
        return WorkTask.objects.select_related("zone").get(kind=kind, reference=reference)


def _working_at(client, tenant, site, role=Role.OPERATOR):
    user = member(tenant, role)
    with tenant_context(tenant):
        DefaultSite.objects.create(tenant=tenant, membership=user.memberships.get(), site=site)
    client.force_login(user)
    return user


def test_a_receipts_putaway_is_queued_and_finished_by_the_putaway(tenant_a):
    task = _putaway_task(tenant_a)
    entry = _entry(tenant_a, WorkKind.PUTAWAY, task.pk)
    with tenant_context(tenant_a):
        dock = task.from_location
        assert entry.status == WorkStatus.OPEN and entry.site_id == dock.site_id
        assert entry.summary == f"5 each {task.item.sku} from {dock.code}"
        shelf = BinFactory(zone=ZoneFactory(site=dock.site), code="SHELF-9")
        putaway.complete(
            tenant=tenant_a, user=member(tenant_a, Role.OPERATOR), task=task,
            location=ledger.bin_location(tenant=tenant_a, bin=shelf), override_reason="closer",
        )  # fmt: skip

    assert _entry(tenant_a, WorkKind.PUTAWAY, task.pk).status == WorkStatus.DONE


def test_a_putaway_cannot_be_cancelled_from_the_queue(client, tenant_a):
    task = _putaway_task(tenant_a)
    entry = _entry(tenant_a, WorkKind.PUTAWAY, task.pk)
    client.force_login(member(tenant_a, Role.SUPERVISOR))

    page = client.get(reverse("warehouse:work_detail", args=[entry.pk])).content.decode()
    refused = client.post(
        reverse("warehouse:work_change", args=[entry.pk]),
        {"action": "cancel", "reason": "no room"},
        follow=True,
    ).content.decode()

    assert "Cancel work" not in page
    assert "cannot be cancelled from the queue: the goods on the dock must still go to a bin" in (
        refused
    )
    assert _entry(tenant_a, WorkKind.PUTAWAY, task.pk).status == WorkStatus.OPEN


def test_a_released_wave_queues_one_pick_per_batch(tenant_a):
    floor = Floor(tenant_a)
    wave = floor.released_wave()
    with tenant_context(tenant_a):
        batch = wave.batches.get()
    entry = _entry(tenant_a, WorkKind.PICK, batch.pk)

    assert entry.status == WorkStatus.OPEN and entry.site_id == floor.site.pk
    assert entry.summary == f"Batch {wave.number}-1: 1 order, 2 picks"


def test_starting_pick_work_from_my_work_claims_the_batch(client, tenant_a):
    floor = Floor(tenant_a)
    wave = floor.released_wave()
    with tenant_context(tenant_a):
        batch = wave.batches.get()
    picker = _working_at(client, tenant_a, floor.site)
    entry = _entry(tenant_a, WorkKind.PICK, batch.pk)

    response = client.post(reverse("warehouse:work_start"), {"task": entry.pk})

    assert response["Location"] == reverse("warehouse:pick_next")
    with tenant_context(tenant_a):
        batch = PickBatch.objects.get(pk=batch.pk)
        assert (batch.status, batch.picker_id) == (BatchStatus.CLAIMED, picker.pk)
        # One start, one history row on the queue's entry (the batch's claim did not add one).
        assert entry.history.filter(history_change_reason="start").count() == 1
    entry = _entry(tenant_a, WorkKind.PICK, batch.pk)
    assert (entry.status, entry.assignee_id) == (WorkStatus.STARTED, picker.pk)


def test_the_pick_menu_and_a_take_over_keep_the_queue_in_step(tenant_a):
    floor = Floor(tenant_a)
    wave = floor.released_wave()
    first, second = floor.operator, member(tenant_a, Role.OPERATOR)
    with tenant_context(tenant_a):
        batch = wave.batches.get()
        picking.start_batch(tenant=tenant_a, user=first, batch=batch)
        started = _entry(tenant_a, WorkKind.PICK, batch.pk)
        picking.take_over(tenant=tenant_a, user=second, batch=batch, from_picker=first.pk)
    taken = _entry(tenant_a, WorkKind.PICK, batch.pk)

    assert (started.status, started.assignee_id) == (WorkStatus.STARTED, first.pk)
    assert (taken.status, taken.assignee_id) == (WorkStatus.STARTED, second.pk)


def test_the_last_pick_finishes_the_batchs_work(tenant_a):
    floor = Floor(tenant_a)
    wave = floor.released_wave()
    with tenant_context(tenant_a):
        batch = wave.batches.get()
        work.start(
            tenant=tenant_a, user=floor.operator, task=_entry(tenant_a, WorkKind.PICK, batch.pk)
        )
        for task in floor.tasks(wave):
            assert task.state == PickState.OPEN
            picking.confirm_pick(
                tenant=tenant_a, user=floor.operator, task=task, quantity=Decimal(task.quantity)
            )

    entry = _entry(tenant_a, WorkKind.PICK, batch.pk)
    assert entry.status == WorkStatus.DONE and entry.finished_at is not None
