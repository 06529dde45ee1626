"""Reads of floor exceptions, and the bins short picks flagged to be counted."""

from __future__ import annotations

from django.db.models import QuerySet

from warehouse.models import CountRequest, FloorException


def floor_exceptions(*, tenant) -> QuerySet[FloorException]:
    return FloorException.objects.filter(tenant=tenant).select_related(
        "order", "task__batch__wave", "item", "location", "created_by", "acknowledged_by"
    )


def open_count_requests(*, tenant) -> QuerySet[CountRequest]:
    return (
        CountRequest.objects.filter(tenant=tenant, done=False)
        .select_related("location__site")
        .order_by("created_at", "id")
    )
