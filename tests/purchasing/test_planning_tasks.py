"""Planning runs as Celery jobs: queued from the page (sent after commit), taken by the task,
one at a time per tenant, nightly per tenant from beat, and recorded when they fail."""

from __future__ import annotations

import pytest

from erp.roles import Role
from erp.tenancy import tenant_context
from purchasing import tasks
from purchasing.errors import PlanningRunning
from purchasing.models import PlanningRun
from purchasing.planning import run as planning
from tests.factories import member
from tests.purchasing.planning import AS_OF, alternate, sells, stock, suggestions

pytestmark = pytest.mark.django_db


def test_a_started_run_is_sent_after_commit_and_the_task_computes_it(
    tenant_a,
    shop,
    sent_tasks,
    django_capture_on_commit_callbacks,
):
    stock(tenant_a, shop["item"], shop["bin"], 330)
    alternate(tenant_a, shop["item"], shop["bin"], 6, 14)
    planner = member(tenant_a, Role.PLANNER)
    with django_capture_on_commit_callbacks(execute=True), tenant_context(tenant_a):
        job = planning.start_run(tenant=tenant_a, user=planner)
    assert sent_tasks == [("purchasing.tasks.run_planning_task", [tenant_a.pk, job.pk])]

    assert tasks.run_planning_task(tenant_a.pk, job.pk, AS_OF.isoformat()) == 1

    with tenant_context(tenant_a):
        job.refresh_from_db()
    assert (job.status, job.as_of, job.suggestion_count, job.item_sites) == ("done", AS_OF, 1, 1)
    assert [s.quantity for s in suggestions(tenant_a)] == [170]
    # Delivered again: the run is done, nothing changes.
    assert tasks.run_planning_task(tenant_a.pk, job.pk, AS_OF.isoformat()) == 0
    assert len(suggestions(tenant_a)) == 1


def test_a_second_run_is_refused_while_one_is_queued(tenant_a):
    planner = member(tenant_a, Role.PLANNER)
    with tenant_context(tenant_a):
        planning.start_run(tenant=tenant_a, user=planner)
        with pytest.raises(PlanningRunning):
            planning.start_run(tenant=tenant_a, user=planner)


def test_a_failing_run_is_recorded_as_failed(tenant_a, monkeypatch):
    with tenant_context(tenant_a):
        job = PlanningRun.objects.create(tenant=tenant_a)

    def broken(**kwargs):
        raise ValueError("figures unreadable")

    monkeypatch.setattr(planning, "run_planning", broken)
    with pytest.raises(ValueError):
        tasks.run_planning_task(tenant_a.pk, job.pk)
    with tenant_context(tenant_a):
        job.refresh_from_db()
    assert job.status == "failed" and "figures unreadable" in job.message


def test_the_nightly_task_fans_out_one_run_per_tenant(tenant_a, tenant_b, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.run_planning_task, "delay", lambda *args: sent.append(args))

    tasks.run_planning_all_task()

    with tenant_context(tenant_a):
        run_a = PlanningRun.objects.get(tenant=tenant_a)
    with tenant_context(tenant_b):
        run_b = PlanningRun.objects.get(tenant=tenant_b)
    assert sorted(sent) == sorted([(tenant_a.pk, run_a.pk), (tenant_b.pk, run_b.pk)])
    assert run_a.created_by is None


def test_the_nightly_entry_is_in_the_beat_schedule(settings):
    entries = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "purchasing.tasks.run_planning_all_task" in entries


def test_the_supplier_rule_prefers_the_flag_then_the_price(tenant_a, shop):
    """ACME sells at 2.00 (shop); CHEAP at 1.50 is chosen over it; FLAGGED at 3.00 but
    preferred wins over both."""
    from tests.factories import SupplierFactory

    stock(tenant_a, shop["item"], shop["bin"], 330)
    alternate(tenant_a, shop["item"], shop["bin"], 6, 14)
    sells(SupplierFactory(tenant=tenant_a, code="CHEAP"), shop["item"], pack="10", price="1.50")
    with tenant_context(tenant_a):
        job = PlanningRun.objects.create(tenant=tenant_a)
        planning.run_planning(tenant=tenant_a, run=job, as_of=AS_OF)
    assert [s.supplier.code for s in suggestions(tenant_a)] == ["CHEAP"]

    sells(SupplierFactory(tenant=tenant_a, code="FLAGGED"), shop["item"], pack="10", price="3.00",
          preferred=True)  # fmt: skip
    with tenant_context(tenant_a):
        job = PlanningRun.objects.create(tenant=tenant_a)
        planning.run_planning(tenant=tenant_a, run=job, as_of=AS_OF)
    assert [s.supplier.code for s in suggestions(tenant_a)] == ["FLAGGED"]
