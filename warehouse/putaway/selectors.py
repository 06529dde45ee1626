"""Reads of putaway: the tasks operators work and the rules that suggest their bins."""

from __future__ import annotations

from django.db.models import QuerySet

from warehouse.models import PutawayRule, PutawayTask, TaskState


def putaway_tasks(*, tenant) -> QuerySet[PutawayTask]:
    return PutawayTask.objects.filter(tenant=tenant).select_related(
        "item",
        "lot",
        "serial",
        "from_location",
        "suggested_location",
        "to_location",
        "completed_by",
        "rule",
        "receipt_line__order",
    )


def open_putaway_tasks(*, tenant, site=None) -> QuerySet[PutawayTask]:
    """Open putaway tasks, oldest first; only those at `site` (the operator's) when given."""
    tasks = putaway_tasks(tenant=tenant).filter(state=TaskState.OPEN)
    if site is not None:
        tasks = tasks.filter(from_location__site=site)
    return tasks.order_by("created_at", "id")


def putaway_rules(*, tenant) -> QuerySet[PutawayRule]:
    return PutawayRule.objects.filter(tenant=tenant).select_related("site", "target_zone__site")
