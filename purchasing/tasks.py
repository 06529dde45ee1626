"""Purchasing's Celery tasks (found by Celery's autodiscovery): the planning runs."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import OperationalError

from erp import jobs
from erp.models import Tenant
from erp.tenancy import task_context
from purchasing.models import PlanningRun, RunStatus
from purchasing.planning import run as planning


@shared_task(acks_late=True, ignore_result=True)
def run_planning_all_task() -> None:
    """Nightly: fan out one planning run per tenant."""
    for tenant_id in Tenant.objects.values_list("pk", flat=True):
        with task_context(tenant_id) as tenant:
            busy = PlanningRun.objects.filter(
                tenant=tenant, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
            ).exists()
            run = None if busy else PlanningRun.objects.create(tenant=tenant)
        if run is not None:
            run_planning_task.delay(tenant_id, run.pk)


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def run_planning_task(self, tenant_id: int, run_id: int, as_of: str | None = None) -> int:
    """Compute one tenant's suggestions for `run_id` (as of the tenant's today, or the ISO date
    `as_of`). A redelivery while the first worker still runs it leaves it alone; a repeat of a
    finished run does nothing."""
    with jobs.holding(jobs.PLANNING, run_id) as mine:
        if not mine:
            return 0
        with task_context(tenant_id) as tenant:
            if not PlanningRun.objects.filter(
                tenant=tenant, pk=run_id, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
            ).exists():
                return 0
            planning.take(tenant=tenant, run_id=run_id)
        try:
            with task_context(tenant_id) as tenant:
                run = PlanningRun.objects.get(tenant=tenant, pk=run_id)
                day = datetime.date.fromisoformat(as_of) if as_of else None
                return len(planning.run_planning(tenant=tenant, run=run, as_of=day))
        except OperationalError:
            raise  # retried with backoff
        except Exception as exc:
            with task_context(tenant_id) as tenant:
                planning.mark_failed(
                    tenant=tenant, run_id=run_id, reason=str(exc) or type(exc).__name__
                )
            raise
