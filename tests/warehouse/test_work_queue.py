"""The task queue: what an operator is handed next, that only an explicit start claims work,
and the supervisor's reassign, reprioritise and cancel, each recorded with who and why."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from erp.errors import InvalidTransition, RoleRequired
from erp.roles import Role
from erp.tenancy import tenant_context
from tests.concurrency import together
from tests.factories import SiteFactory, ZoneFactory, member
from warehouse.models import Priority, WorkKind, WorkStatus, WorkTask
from warehouse.workqueue import kinds, selectors, services

pytestmark = pytest.mark.django_db

_reference = iter(range(1, 10_000_000))


@pytest.fixture
def hooks(monkeypatch):
    """A registered kind whose start and cancel hooks are recorded, as a flow's would run."""
    calls = []
    monkeypatch.setitem(
        kinds._KINDS,
        WorkKind.COUNT,
        kinds.Kind(
            url=lambda reference: f"/scan/count/{reference}/",
            start=lambda **kw: calls.append(("start", kw["reference"], kw["user"])),
            cancel=lambda **kw: calls.append(("cancel", kw["reference"], kw["reason"])),
        ),
    )
    return calls


def _work(tenant, site, *, zone=None, priority=Priority.NORMAL, due_at=None, assignee=None,
          summary="Count A-01") -> WorkTask:  # fmt: skip
    with tenant_context(tenant):
        return services.add(
            tenant=tenant, kind=WorkKind.COUNT, reference=next(_reference), site=site,
            summary=summary, zone=zone, priority=priority, due_at=due_at, assignee=assignee,
        )  # fmt: skip


def _fresh(task: WorkTask) -> WorkTask:
    with tenant_context(task.tenant):
        return WorkTask.objects.get(pk=task.pk)


def test_adding_the_same_document_twice_keeps_one_entry(tenant_a):
    site = SiteFactory(tenant=tenant_a)
    with tenant_context(tenant_a):
        first = services.add(tenant=tenant_a, kind=WorkKind.COUNT, reference=7, site=site,
                             summary="Count A-01")  # fmt: skip
        again = services.add(tenant=tenant_a, kind=WorkKind.COUNT, reference=7, site=site,
                             summary="Count A-01 again", priority=Priority.URGENT)  # fmt: skip
        assert again.pk == first.pk
        assert WorkTask.objects.filter(tenant=tenant_a).count() == 1
        assert again.priority == Priority.NORMAL


def test_the_next_task_is_mine_first_then_by_priority_due_time_and_age(tenant_a):
    site = SiteFactory(tenant=tenant_a)
    operator, other = member(tenant_a, Role.OPERATOR), member(tenant_a, Role.OPERATOR)
    soon = timezone.now() + datetime.timedelta(hours=1)
    later = soon + datetime.timedelta(hours=3)
    low_old = _work(tenant_a, site, priority=Priority.LOW, summary="low")
    normal_no_due = _work(tenant_a, site, summary="normal, no due time")
    normal_later = _work(tenant_a, site, due_at=later, summary="normal, due later")
    normal_soon = _work(tenant_a, site, due_at=soon, summary="normal, due soon")
    urgent = _work(tenant_a, site, priority=Priority.URGENT, summary="urgent")
    mine_low = _work(tenant_a, site, priority=Priority.LOW, assignee=operator, summary="mine")
    _work(tenant_a, site, priority=Priority.URGENT, assignee=other, summary="someone else's")
    _work(tenant_a, SiteFactory(tenant=tenant_a), priority=Priority.URGENT, summary="elsewhere")

    with tenant_context(tenant_a):
        order = list(selectors.waiting_for(tenant=tenant_a, user=operator, site=site))

    assert [t.summary for t in order] == [
        t.summary for t in (mine_low, urgent, normal_soon, normal_later, normal_no_due, low_old)
    ]


def test_a_zone_hands_out_its_own_work_and_work_without_a_zone(tenant_a):
    site = SiteFactory(tenant=tenant_a)
    here, there = ZoneFactory(site=site), ZoneFactory(site=site)
    operator = member(tenant_a, Role.OPERATOR)
    in_here = _work(tenant_a, site, zone=here, summary="here")
    anywhere = _work(tenant_a, site, summary="anywhere")
    _work(tenant_a, site, zone=there, priority=Priority.URGENT, summary="there")

    with tenant_context(tenant_a):
        found = selectors.waiting_for(tenant=tenant_a, user=operator, site=site, zone=here)
        assert {t.summary for t in found} == {in_here.summary, anywhere.summary}


def test_only_starting_claims_work_and_starting_twice_is_one_start(tenant_a, hooks):
    site = SiteFactory(tenant=tenant_a)
    operator = member(tenant_a, Role.OPERATOR)
    task = _work(tenant_a, site)
    with tenant_context(tenant_a):
        selectors.waiting_for(tenant=tenant_a, user=operator, site=site).first()
    assert _fresh(task).status == WorkStatus.OPEN and _fresh(task).assignee is None

    with tenant_context(tenant_a):
        services.start(tenant=tenant_a, user=operator, task=task)
        services.start(tenant=tenant_a, user=operator, task=task)

    task = _fresh(task)
    assert (task.status, task.assignee) == (WorkStatus.STARTED, operator)
    assert hooks == [("start", task.reference, operator)]
    with tenant_context(tenant_a):
        last = task.history.first()
    assert (last.history_user, last.history_change_reason) == (operator, "start")


def test_anothers_started_or_assigned_work_is_refused_with_their_name(tenant_a, hooks):
    site = SiteFactory(tenant=tenant_a)
    first = member(tenant_a, Role.OPERATOR, user__full_name="Ana Lima")
    second = member(tenant_a, Role.OPERATOR)
    started = _work(tenant_a, site, summary="Count B-02")
    assigned = _work(tenant_a, site, assignee=first, summary="Count C-03")
    with tenant_context(tenant_a):
        services.start(tenant=tenant_a, user=first, task=started)
        with pytest.raises(services.WorkTaken) as taken:
            services.start(tenant=tenant_a, user=second, task=started)
        with pytest.raises(services.WorkAssignedElsewhere) as elsewhere:
            services.start(tenant=tenant_a, user=second, task=assigned)

    assert str(taken.value) == "Count B-02 was started by Ana Lima; pick another task."
    assert str(elsewhere.value) == (
        "Count C-03 is assigned to Ana Lima; a supervisor can reassign it."
    )


def test_finance_cannot_start_work(tenant_a, hooks):
    task = _work(tenant_a, SiteFactory(tenant=tenant_a))
    with tenant_context(tenant_a), pytest.raises(RoleRequired):
        services.start(tenant=tenant_a, user=member(tenant_a, Role.FINANCE), task=task)
    assert _fresh(task).status == WorkStatus.OPEN


@pytest.mark.django_db(transaction=True)
def test_two_operators_asking_at_once_get_different_tasks(tenant_a, hooks):
    site = SiteFactory(tenant=tenant_a)
    operators = [member(tenant_a, Role.OPERATOR) for _ in range(2)]
    tasks = [_work(tenant_a, site, summary=f"Count {n}") for n in range(2)]

    def ask(user):
        def job():
            with tenant_context(tenant_a):
                return services.start_next(tenant=tenant_a, user=user, site=site)

        return job

    handed = together([ask(user) for user in operators])

    assert not any(isinstance(result, Exception) for result in handed), handed
    assert {t.pk for t in handed} == {t.pk for t in tasks}
    assert {_fresh(t).assignee_id for t in tasks} == {u.pk for u in operators}


def test_nothing_waiting_starts_nothing(tenant_a, hooks):
    site = SiteFactory(tenant=tenant_a)
    operator = member(tenant_a, Role.OPERATOR)
    _work(tenant_a, SiteFactory(tenant=tenant_a))
    with tenant_context(tenant_a):
        assert services.start_next(tenant=tenant_a, user=operator, site=site) is None


def test_finish_closes_the_entry_once(tenant_a, hooks):
    site = SiteFactory(tenant=tenant_a)
    operator = member(tenant_a, Role.OPERATOR)
    task = _work(tenant_a, site)
    with tenant_context(tenant_a):
        services.start(tenant=tenant_a, user=operator, task=task)
        for _ in range(2):
            services.finish(tenant=tenant_a, user=operator, kind=WorkKind.COUNT,
                            reference=task.reference)  # fmt: skip
    task = _fresh(task)
    assert task.status == WorkStatus.DONE and task.finished_at is not None
    with tenant_context(tenant_a):
        assert task.history.filter(history_change_reason="finish").count() == 1


def test_a_supervisor_cancels_with_a_reason_and_the_flow_is_told(tenant_a, hooks):
    task = _work(tenant_a, SiteFactory(tenant=tenant_a), summary="Count E-05")
    supervisor = member(tenant_a, Role.SUPERVISOR)
    with tenant_context(tenant_a):
        with pytest.raises(services.ReasonNeeded):
            services.cancel(tenant=tenant_a, user=supervisor, task=task, reason="  ")
        with pytest.raises(RoleRequired):
            services.cancel(tenant=tenant_a, user=member(tenant_a, Role.OPERATOR), task=task,
                            reason="not needed")  # fmt: skip
        services.cancel(tenant=tenant_a, user=supervisor, task=task, reason="bin emptied")
        with pytest.raises(InvalidTransition) as again:
            services.cancel(tenant=tenant_a, user=supervisor, task=task, reason="twice")

    assert hooks == [("cancel", task.reference, "bin emptied")]
    assert str(again.value) == "Count E-05 cannot go from cancelled to cancelled."
    with tenant_context(tenant_a):
        last = _fresh(task).history.first()
    assert (last.history_user, last.history_change_reason) == (supervisor, "cancel: bin emptied")


def test_reassigning_started_work_puts_it_back_for_the_new_person(tenant_a, hooks):
    site = SiteFactory(tenant=tenant_a)
    first = member(tenant_a, Role.OPERATOR)
    second = member(tenant_a, Role.OPERATOR, user__full_name="Ben Okafor")
    supervisor = member(tenant_a, Role.SUPERVISOR)
    task = _work(tenant_a, site)
    with tenant_context(tenant_a):
        services.start(tenant=tenant_a, user=first, task=task)
        services.reassign(tenant=tenant_a, user=supervisor, task=task, assignee=second,
                          reason="first went home")  # fmt: skip
        with pytest.raises(services.WorkAssignedElsewhere):
            services.start(tenant=tenant_a, user=first, task=task)
        services.start(tenant=tenant_a, user=second, task=task)

    task = _fresh(task)
    assert (task.status, task.assignee) == (WorkStatus.STARTED, second)
    with tenant_context(tenant_a):
        reasons = list(task.history.values_list("history_change_reason", flat=True))
    assert "reassign to Ben Okafor: first went home" in reasons


def test_work_goes_only_to_people_on_the_floor(tenant_a):
    task = _work(tenant_a, SiteFactory(tenant=tenant_a))
    planner = member(tenant_a, Role.PLANNER, user__full_name="Pia Planner")
    with tenant_context(tenant_a), pytest.raises(services.NotOnTheFloor) as refused:
        services.reassign(tenant=tenant_a, user=member(tenant_a, Role.SUPERVISOR), task=task,
                          assignee=planner)  # fmt: skip
    assert str(refused.value) == "Pia Planner does not work on the floor of this organisation."


def test_reprioritising_is_recorded_and_closed_work_cannot_change(tenant_a, hooks):
    supervisor = member(tenant_a, Role.SUPERVISOR)
    task = _work(tenant_a, SiteFactory(tenant=tenant_a), summary="Count D-04")
    with tenant_context(tenant_a):
        services.reprioritise(tenant=tenant_a, user=supervisor, task=task,
                              priority=Priority.URGENT, reason="picks waiting")  # fmt: skip
        services.cancel(tenant=tenant_a, user=supervisor, task=task, reason="done by hand")
        with pytest.raises(services.WorkClosed) as closed:
            services.reprioritise(tenant=tenant_a, user=supervisor, task=task,
                                  priority=Priority.LOW)  # fmt: skip

    assert str(closed.value) == "Count D-04 is cancelled: it can no longer be changed."
    with tenant_context(tenant_a):
        reasons = list(_fresh(task).history.values_list("history_change_reason", flat=True))
    assert "priority urgent: picks waiting" in reasons


def test_another_tenants_work_is_not_handed_out(tenant_a, tenant_b, hooks):
    site_b = SiteFactory(tenant=tenant_b)
    _work(tenant_b, site_b)
    operator = member(tenant_a, Role.OPERATOR)
    with tenant_context(tenant_a):
        assert list(selectors.waiting_for(tenant=tenant_a, user=operator, site=site_b)) == []
