"""Reading the queue: what an operator is handed next, and the supervisor's live view."""

from __future__ import annotations

import datetime

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from erp.models import Tenant, User
from inventory.models import Site, Zone
from warehouse.models import WorkStatus, WorkTask
from warehouse.workqueue import kinds
from warehouse.workqueue.states import ACTIVE

# Work with a due time comes before work without one.
BY_DUE = F("due_at").asc(nulls_last=True)


def tasks(*, tenant: Tenant) -> QuerySet[WorkTask]:
    return WorkTask.objects.filter(tenant=tenant)


def waiting_for(
    *, tenant: Tenant, user: User, site: Site, zone: Zone | None = None
) -> QuerySet[WorkTask]:
    """Waiting work `user` may start at `site` (in `zone`), most urgent first: work assigned
    to them, then work assigned to nobody, each by priority, due time and age."""
    found = (
        tasks(tenant=tenant)
        .filter(site=site, status=WorkStatus.OPEN)
        .filter(Q(assignee__isnull=True) | Q(assignee=user))
    )
    for name in kinds.registered():
        excluded = kinds.of(name).excluded
        if excluded is not None:
            found = found.exclude(kind=name, reference__in=excluded(tenant=tenant, user=user))
    if zone is not None:
        # Work without a zone (a count of a whole aisle's bins, say) is anyone's at the site.
        found = found.filter(Q(zone=zone) | Q(zone__isnull=True))
    return found.order_by(
        F("assignee").asc(nulls_last=True),  # work assigned to them (the only assignee) first
        "priority",
        BY_DUE,
        "created_at",
        "id",
    )


def started_by(*, tenant: Tenant, user: User) -> QuerySet[WorkTask]:
    """What `user` has started and not finished: the scanner offers to go on with it."""
    return (
        tasks(tenant=tenant)
        .filter(assignee=user, status=WorkStatus.STARTED)
        .order_by("started_at", "id")
    )


def queue(
    *, tenant: Tenant, site: Site | None = None, kind: str = "", zone: Zone | None = None,
    assignee: User | None = None, unassigned: bool = False,
) -> QuerySet[WorkTask]:  # fmt: skip
    """The live queue: open and started work, most urgent first, with what a row shows."""
    found = tasks(tenant=tenant).filter(status__in=ACTIVE)
    if site is not None:
        found = found.filter(site=site)
    if kind:
        found = found.filter(kind=kind)
    if zone is not None:
        found = found.filter(zone=zone)
    if assignee is not None:
        found = found.filter(assignee=assignee)
    elif unassigned:
        found = found.filter(assignee__isnull=True)
    return found.select_related("site", "zone", "assignee").order_by(
        "priority", BY_DUE, "created_at", "id"
    )


def age(task: WorkTask, now: datetime.datetime | None = None) -> datetime.timedelta:
    return (now or timezone.now()) - task.created_at
