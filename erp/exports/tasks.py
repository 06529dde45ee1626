"""Celery tasks of the export mechanism: thin wrappers that set the tenant and call services."""

from __future__ import annotations

import socket

from celery import shared_task
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404

from erp import jobs
from erp.errors import DomainError
from erp.exports import services
from erp.exports.models import ExportJob
from erp.tenancy import task_context


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def run_export_task(self, tenant_id: int, job_id: int) -> None:
    # The advisory lock tells the page the worker is alive; a redelivery while another worker
    # holds it leaves the job to that worker.
    with jobs.holding(jobs.EXPORT, job_id) as mine:
        if mine:
            _run(tenant_id, job_id)


def _run(tenant_id: int, job_id: int) -> None:
    try:
        with task_context(tenant_id) as tenant:
            if not services.take(tenant=tenant, job_id=job_id, worker=socket.gethostname()):
                return  # done or failed already: a redelivered task
        with task_context(tenant_id) as tenant:
            job = ExportJob.objects.select_related("created_by").get(tenant=tenant, pk=job_id)
            export = services.replayed_export(tenant=tenant, job=job)
            total = export.full_count()
            services.set_total(tenant=tenant, job_id=job_id, total=total)
        # Outside a task transaction: the rows are read in the export's own (Export.chunks),
        # and the total above is committed, for the progress bar.
        stored, size, rows = services.write_file(job=job, export=export, total=total)
        with task_context(tenant_id) as tenant:
            services.finish(tenant=tenant, job_id=job_id, stored=stored, size=size, rows=rows)
    except OperationalError:
        raise  # retried with backoff
    except (DomainError, PermissionDenied, Http404) as exc:
        reason = str(exc) or "your role can no longer open that page."
        with task_context(tenant_id) as tenant:
            services.mark_failed(tenant=tenant, job_id=job_id, reason=reason)
    except Exception as exc:
        with task_context(tenant_id) as tenant:
            services.mark_failed(
                tenant=tenant, job_id=job_id, reason=str(exc) or type(exc).__name__
            )
        raise


@shared_task(acks_late=True, ignore_result=True)
def expire_exports_task() -> None:
    """Hourly: fan out, per tenant, the deletion of exports past their keeping time."""
    from erp.models import Tenant

    for tenant_id in Tenant.objects.values_list("pk", flat=True):
        expire_exports_for_task.delay(tenant_id)


@shared_task(acks_late=True, ignore_result=True)
def expire_exports_for_task(tenant_id: int) -> int:
    with task_context(tenant_id) as tenant:
        return services.expire_exports(tenant=tenant)
