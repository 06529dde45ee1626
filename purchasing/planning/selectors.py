"""Reads for the planning pages."""

from __future__ import annotations

from django.db.models import QuerySet

from erp.models import Tenant
from purchasing.models import PlanningRun, ReorderSuggestion, RunStatus


def suggestions(*, tenant: Tenant) -> QuerySet[ReorderSuggestion]:
    return ReorderSuggestion.objects.filter(tenant=tenant).select_related(
        "item", "site", "supplier", "from_site", "purchase_order", "decided_by"
    )


def runs(*, tenant: Tenant) -> QuerySet[PlanningRun]:
    return PlanningRun.objects.filter(tenant=tenant).select_related("created_by")


def latest_run(*, tenant: Tenant) -> PlanningRun | None:
    return runs(tenant=tenant).first()


def running(*, tenant: Tenant) -> PlanningRun | None:
    return runs(tenant=tenant).filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).first()
