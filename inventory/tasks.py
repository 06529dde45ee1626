from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from erp.models import Tenant
from erp.tenancy import task_context
from inventory import ledger
from inventory.models import BinImport
from inventory.services import bin_import

logger = logging.getLogger(__name__)


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


@shared_task(acks_late=True, ignore_result=True)
def verify_ledger_all_task() -> None:
    """Nightly: fan out one verification per tenant."""
    for tenant_id in Tenant.objects.values_list("pk", flat=True):
        verify_ledger_task.delay(tenant_id)


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def verify_ledger_task(self, tenant_id: int) -> int:
    """Recompute one tenant's balances and valuation from the entries; log each difference."""
    with task_context(tenant_id):
        differences = ledger.verify(tenant_id)
    for difference in differences:
        logger.error(
            "verify_ledger tenant=%s %s: %s", tenant_id, difference.check, difference.detail
        )
    return len(differences)
