"""Celery tasks of reporting: thin wrappers that set the tenant and call services."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from erp import jobs
from erp.formats import tenant_formats
from erp.models import Tenant
from reporting import services


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
