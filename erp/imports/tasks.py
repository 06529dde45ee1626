"""Celery tasks of the import framework: thin wrappers that set the tenant and call services."""

from __future__ import annotations

import socket

from celery import shared_task
from django.db import OperationalError

from erp import jobs
from erp.imports import services
from erp.imports.models import ImportJob
from erp.tenancy import task_context


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def check_import_task(self, tenant_id: int, job_id: int) -> None:
    _run(services.check_import, tenant_id, job_id)


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def run_import_task(self, tenant_id: int, job_id: int) -> None:
    _run(services.run_import, tenant_id, job_id)


def _run(step, tenant_id: int, job_id: int) -> None:
    with jobs.holding(jobs.IMPORT, job_id) as mine:
        if not mine:
            return  # a redelivery while another worker runs the job: that one finishes it
        _step(step, tenant_id, job_id)


def _step(step, tenant_id: int, job_id: int) -> None:
    try:
        with task_context(tenant_id) as tenant:
            services.take(tenant=tenant, job_id=job_id, worker=socket.gethostname())
        with task_context(tenant_id) as tenant:
            job = ImportJob.objects.get(tenant=tenant, pk=job_id)
            step(tenant=tenant, job=job)
    except OperationalError:
        raise  # retried with backoff
    except Exception as exc:
        # The step's transaction rolled back; record why so the page stops waiting.
        with task_context(tenant_id) as tenant:
            services.mark_failed(
                tenant=tenant, job_id=job_id, reason=str(exc) or type(exc).__name__
            )
        raise
