"""Adding work to the queue, handing it out, and the supervisor's changes to it.

Flows add their work (`add`) and finish it (`finish`) inside their own transactions, so a
putaway task and its queue entry exist together or not at all. Operators start work
explicitly (`start`, `start_next`): opening a page never claims anything.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from erp.errors import DomainError
from erp.models import Tenant, User
from erp.roles import membership_for, require_role
from inventory.models import Site, Zone
from warehouse.models import Priority, WorkKind, WorkStatus, WorkTask
from warehouse.permissions import FLOOR, SUPERVISORS
from warehouse.workqueue import kinds, selectors
from warehouse.workqueue.states import ACTIVE, machine

REASON_LENGTH = 100  # the history reason column


class WorkTaken(DomainError):
    message = _("{task} was started by {holder}; pick another task.")


class WorkAssignedElsewhere(DomainError):
    message = _("{task} is assigned to {assignee}; a supervisor can reassign it.")


class WorkClosed(DomainError):
    message = _("{task} is {status}: it can no longer be changed.")


class ReasonNeeded(DomainError):
    message = _("Say why: the reason is kept in the task's history.")


class WorkNotCancellable(DomainError):
    message = _("{task} cannot be cancelled from the queue: {why}")


class NotOnTheFloor(DomainError):
    message = _("{person} does not work on the floor of this organisation.")


def _lock(tenant: Tenant, task: WorkTask) -> WorkTask:
    return WorkTask.objects.select_for_update().get(tenant=tenant, pk=task.pk)


def _name(user: User | None) -> str:
    return (user.full_name or user.email) if user is not None else _("nobody")


def _why(action: str, reason: str) -> str:
    reason = reason.strip()
    return (f"{action}: {reason}" if reason else action)[:REASON_LENGTH]


def add(
    *, tenant: Tenant, kind: WorkKind, reference: int, site: Site, summary: str,
    zone: Zone | None = None, priority: int = Priority.NORMAL,
    due_at: datetime.datetime | None = None, assignee: User | None = None,
) -> WorkTask:  # fmt: skip
    """Queue a flow's document; adding the same document again returns its entry unchanged."""
    task, _created = WorkTask.objects.get_or_create(
        tenant=tenant,
        kind=kind,
        reference=reference,
        defaults={
            "site": site, "zone": zone, "summary": summary[:200], "priority": priority,
            "due_at": due_at, "assignee": assignee,
        },
    )  # fmt: skip
    return task


@dataclass(frozen=True)
class Entry:
    """One piece of work for `add_many` (ids, so a bulk caller needs no model instances)."""

    kind: WorkKind
    reference: int
    site_id: int
    summary: str
    zone_id: int | None = None
    priority: int = Priority.NORMAL


def add_many(*, tenant: Tenant, entries: list[Entry]) -> int:
    """Queue many documents in bulk (a replenishment run); documents already queued keep their
    entry. Statements do not grow with the number of entries. Returns how many were added."""
    if not entries:
        return 0
    known = set(
        WorkTask.objects.filter(
            tenant=tenant,
            kind__in={e.kind for e in entries},
            reference__in=[e.reference for e in entries],
        ).values_list("kind", "reference")
    )
    new = [
        WorkTask(
            tenant=tenant, kind=e.kind, reference=e.reference, site_id=e.site_id,
            zone_id=e.zone_id, summary=e.summary[:200], priority=e.priority,
        )
        for e in entries
        if (e.kind, e.reference) not in known
    ]  # fmt: skip
    bulk_create_with_history(new, WorkTask, batch_size=5000, default_change_reason="queued")
    return len(new)


@transaction.atomic
def start(*, tenant: Tenant, user: User, task: WorkTask) -> WorkTask:
    """`user` starts `task`: it becomes theirs. Starting one's own started task again is a
    no-op (a double tap, a reload); another's is refused with who has it."""
    task = _lock(tenant, task)
    if task.status == WorkStatus.STARTED and task.assignee_id == user.pk:
        return task
    if task.status == WorkStatus.STARTED:
        raise WorkTaken(task=task.summary, holder=_name(task.assignee))
    if task.assignee_id not in (None, user.pk):
        raise WorkAssignedElsewhere(task=task.summary, assignee=_name(task.assignee))
    machine.check(task, "start", tenant=tenant, user=user)
    hook = kinds.of(task.kind).start
    if hook is not None:
        # The flow claims its document for `user`, and tells the queue (`record_start`).
        hook(tenant=tenant, user=user, reference=task.reference)
        task.refresh_from_db()
        if task.status == WorkStatus.STARTED and task.assignee_id == user.pk:
            return task
    machine.move(task, "start", tenant=tenant, user=user)
    task.assignee, task.started_at = user, timezone.now()
    task.save(update_fields=["status", "assignee", "started_at"])
    return task


def _active(tenant: Tenant, kind: WorkKind, reference: int) -> WorkTask | None:
    return (
        WorkTask.objects.select_for_update()
        .filter(tenant=tenant, kind=kind, reference=reference, status__in=ACTIVE)
        .first()
    )


def record_start(*, tenant: Tenant, user: User, kind: WorkKind, reference: int) -> None:
    """The flow's document was started, or taken over, on the flow's own page (the Pick
    menu): its queue entry becomes `user`'s started work too."""
    task = _active(tenant, kind, reference)
    if task is None or (task.status == WorkStatus.STARTED and task.assignee_id == user.pk):
        return
    action = "start" if task.status == WorkStatus.OPEN else "take_over"
    machine.move(task, action, tenant=tenant, user=user)
    task.assignee, task.started_at = user, task.started_at or timezone.now()
    task.save(update_fields=["status", "assignee", "started_at"])


@transaction.atomic
def start_next(
    *, tenant: Tenant, user: User, site: Site, zone: Zone | None = None
) -> WorkTask | None:
    """Start the most urgent waiting task of `site` (and `zone`) that `user` may take, or None
    when there is none. Two operators asking at once get different tasks: each skips rows
    the other has locked."""
    require_role(tenant=tenant, user=user, roles=machine.table["start"].roles)
    candidate = (
        selectors.waiting_for(tenant=tenant, user=user, site=site, zone=zone)
        .select_for_update(skip_locked=True, of=("self",))
        .first()
    )
    if candidate is None:
        return None
    return start(tenant=tenant, user=user, task=candidate)


def finish(*, tenant: Tenant, user: User, kind: WorkKind, reference: int) -> None:
    """The flow's document is done: so is its queue entry (if it has one, and once)."""
    task = _active(tenant, kind, reference)
    if task is None:
        return
    machine.move(task, "finish", tenant=tenant, user=user)
    task.finished_at = timezone.now()
    task.save(update_fields=["status", "finished_at"])


def withdraw(*, tenant: Tenant, user: User, kind: WorkKind, reference: int, reason: str) -> None:
    """The flow cancelled its document itself (an order taken out of a wave): its entry goes
    too, without asking the flow back."""
    task = _active(tenant, kind, reference)
    if task is None:
        return
    machine.move(task, "withdraw", tenant=tenant, user=user, reason=reason)
    task.finished_at = timezone.now()
    task.save(update_fields=["status", "finished_at"])


@transaction.atomic
def cancel(*, tenant: Tenant, user: User, task: WorkTask, reason: str) -> WorkTask:
    if not reason.strip():
        raise ReasonNeeded()
    task = _lock(tenant, task)
    machine.check(task, "cancel", tenant=tenant, user=user)
    kind = kinds.of(task.kind)
    if kind.cancel is None:
        raise WorkNotCancellable(task=task.summary, why=kind.not_cancellable)
    machine.move(task, "cancel", tenant=tenant, user=user, reason=reason)
    task.finished_at = timezone.now()
    kind.cancel(tenant=tenant, user=user, reference=task.reference, reason=reason)
    task.save(update_fields=["status", "finished_at"])
    return task


@transaction.atomic
def release(*, tenant: Tenant, user: User, task: WorkTask, reason: str = "") -> WorkTask:
    """Put started work back in the queue, for anyone (the operator went home)."""
    task = _lock(tenant, task)
    machine.move(task, "release", tenant=tenant, user=user, reason=reason)
    task.assignee, task.started_at = None, None
    task.save(update_fields=["status", "assignee", "started_at"])
    return task


def _editable(tenant: Tenant, user: User, task: WorkTask) -> WorkTask:
    require_role(tenant=tenant, user=user, roles=SUPERVISORS)
    task = _lock(tenant, task)
    if task.status not in ACTIVE:
        raise WorkClosed(task=task.summary, status=task.get_status_display().lower())
    return task


@transaction.atomic
def reassign(
    *, tenant: Tenant, user: User, task: WorkTask, assignee: User | None, reason: str = ""
) -> WorkTask:
    """Give the work to `assignee` (None: to whoever takes it next). Started work goes back to
    waiting: the new person starts it themselves, which hands over the flow's own claim."""
    task = _editable(tenant, user, task)
    if assignee is not None:
        membership = membership_for(tenant=tenant, user=assignee)
        if membership is None or membership.role not in FLOOR:
            raise NotOnTheFloor(person=_name(assignee))
    if task.assignee_id == (assignee.pk if assignee else None):
        return task
    task.assignee = assignee
    if task.status == WorkStatus.STARTED:
        task.status, task.started_at = WorkStatus.OPEN, None
    task._history_user = user
    task._change_reason = _why(f"reassign to {_name(assignee)}", reason)
    task.save(update_fields=["assignee", "status", "started_at"])
    return task


@transaction.atomic
def reprioritise(
    *, tenant: Tenant, user: User, task: WorkTask, priority: int, reason: str = ""
) -> WorkTask:
    task = _editable(tenant, user, task)
    priority = Priority(priority)  # ValueError for anything else: the form validated it
    if task.priority == priority:
        return task
    task.priority = priority
    task._history_user = user
    task._change_reason = _why(f"priority {priority.label.lower()}", reason)
    task.save(update_fields=["priority"])
    return task
