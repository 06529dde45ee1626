"""Inventory's Celery tasks (found by Celery's autodiscovery). CSV imports, bins included, run
in the import framework's tasks (`erp.imports.tasks`)."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.db import OperationalError

from erp import formats
from erp.alerts.services import raise_alert
from erp.models import Tenant
from erp.tenancy import task_context
from inventory import ledger
from inventory.alerts import LEDGER_DIFFERENCES, ledger_finding
from inventory.ledger import day_closes, held_close, snapshots, transit_close
from inventory.services import segmentation

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def verify_ledger_all_task(full: bool = False) -> None:
    """Nightly: fan out one verification per tenant (from its checkpoint, or `full`)."""
    for tenant_id in Tenant.objects.values_list("pk", flat=True):
        verify_ledger_task.delay(tenant_id, full=full)


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def verify_ledger_task(self, tenant_id: int, full: bool = False) -> int:
    """Check one tenant's ledger from its checkpoint (or in `full`); a clean check advances
    the checkpoint, differences raise the ledger alert and are logged. A repeat just checks
    again. Returns the number of differences."""
    with task_context(tenant_id) as tenant:
        outcome = ledger.check(tenant_id=tenant_id, full=full)
        if not outcome.clean:
            # Worded as the rule run words it, in the tenant's date format.
            with formats.tenant_formats(tenant):
                finding = ledger_finding(outcome.record)
            raise_alert(tenant=tenant, kind=LEDGER_DIFFERENCES, finding=finding)
    for difference in outcome.differences:
        logger.error(
            "verify_ledger tenant=%s %s: %s", tenant_id, difference.check, difference.detail
        )
    return outcome.total_differences


@shared_task(acks_late=True, ignore_result=True)
def compute_segments_all_task() -> None:
    """Nightly: fan out one segmentation per tenant."""
    for tenant_id in Tenant.objects.values_list("pk", flat=True):
        compute_segments_task.delay(tenant_id)


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def compute_segments_task(self, tenant_id: int, as_of: str | None = None) -> int:
    """Replace one tenant's ABC/XYZ segments (as of the tenant's today, or the ISO date
    `as_of`). A repeat recomputes and replaces the same rows: delivering it twice is harmless."""
    with task_context(tenant_id) as tenant:
        run = segmentation.compute_segments(
            tenant=tenant, as_of=datetime.date.fromisoformat(as_of) if as_of else None
        )
    return run.rows


@shared_task(acks_late=True, ignore_result=True)
def close_valuation_periods_all_task() -> None:
    """Hourly: fan out one closing of finished months per tenant (most runs find none)."""
    for tenant_id in Tenant.objects.values_list("pk", flat=True):
        close_valuation_periods_task.delay(tenant_id)


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def close_valuation_periods_task(self, tenant_id: int) -> int:
    """Snapshot every finished month and close every finished day one tenant's sites lack, and
    move its in-transit and held closes forward. Each month, each batch of days and each close
    commits on its own under the tenant's lock, so a repeat or a retry after a crash resumes
    without doubling. Returns the months and days closed."""
    closed = snapshots.close_periods(tenant_id) + day_closes.close_days(tenant_id)
    transit_close.close_transit(tenant_id)
    held_close.close_held(tenant_id)
    return closed
