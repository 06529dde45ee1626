"""Orders' tasks: allocation runs (whole pool, or the backorders of items that arrived)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from erp.tenancy import task_context
from orders.services import allocation


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def allocate_task(self, tenant_id: int, item_ids: list[int] | None = None) -> dict:
    """Allocate open lines (only those of `item_ids` when given). A rerun finds nothing left
    to do for lines already allocated, so a redelivered task is harmless."""
    with task_context(tenant_id) as tenant:
        result = allocation.allocate(tenant=tenant, user=None, items=item_ids)
    return {
        "lines": result.lines,
        "allocated": str(result.allocated),
        "backordered_lines": result.backordered_lines,
    }
