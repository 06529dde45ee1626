from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from erp.tenancy import task_context
from inventory.models import BinImport
from inventory.services import bin_import


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def check_bin_import_task(self, tenant_id: int, import_id: int) -> None:
    _run(bin_import.check_bin_import, tenant_id, import_id)


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def run_bin_import_task(self, tenant_id: int, import_id: int) -> None:
    _run(bin_import.run_bin_import, tenant_id, import_id)


def _run(step, tenant_id: int, import_id: int) -> None:
    try:
        with task_context(tenant_id) as tenant:
            job = BinImport.objects.get(tenant=tenant, pk=import_id)
            step(tenant=tenant, job=job)
    except OperationalError:
        raise  # retried with backoff
    except Exception as exc:
        # The step's transaction rolled back; record why so the page stops waiting.
        with task_context(tenant_id) as tenant:
            bin_import.mark_failed(
                tenant=tenant, job_id=import_id, reason=str(exc) or type(exc).__name__
            )
        raise
