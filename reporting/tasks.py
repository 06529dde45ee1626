"""Celery tasks of reporting: thin wrappers that set the tenant and call services (audit
reports, nightly KPI snapshots; found by Celery's autodiscovery)."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import OperationalError

from erp import jobs
from erp.formats import tenant_formats
from erp.models import Tenant
from erp.tenancy import task_context
from reporting import services, snapshots


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def build_audit_report_task(self, tenant_id: int, report_id: int) -> None:
    # The advisory lock says the worker is alive while it builds (erp.jobs): the page tells an
    # interrupted report from a slow one. A redelivery while the first worker builds leaves.
    with jobs.holding(jobs.AUDIT_REPORT, report_id) as mine:
        if not mine or not services.take(tenant_id=tenant_id, report_id=report_id):
            return
        try:
            with tenant_formats(Tenant.objects.get(pk=tenant_id)):
                services.build_report(tenant_id=tenant_id, report_id=report_id)
        except OperationalError:
            raise  # retried with backoff
        except Exception as exc:
            services.mark_failed(
                tenant_id=tenant_id, report_id=report_id, reason=str(exc) or type(exc).__name__
            )
            raise


@shared_task(acks_late=True, ignore_result=True)
def write_kpi_snapshots_all_task() -> None:
    """Hourly: fan out one snapshot run per tenant. Each writes its tenant's yesterday once,
    in the first run after midnight in the tenant's time zone."""
    for tenant_id in Tenant.objects.values_list("pk", flat=True):
        write_kpi_snapshots_task.delay(tenant_id)


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def write_kpi_snapshots_task(
    self, tenant_id: int, day: str | None = None, force: bool = False
) -> int:
    """Write one tenant's snapshots of `day` (ISO date; its yesterday when None) unless they
    exist (or `force`). A repeat writes the same rows again or nothing. Returns rows written."""
    with task_context(tenant_id) as tenant:
        on = datetime.date.fromisoformat(day) if day else snapshots.yesterday(tenant)
        if not force and snapshots.has_snapshots(tenant=tenant, day=on):
            return 0
        return snapshots.write_snapshots(tenant=tenant, day=on)
