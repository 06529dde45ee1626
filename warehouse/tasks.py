"""Warehouse tasks."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from erp.tenancy import task_context
from orders.services import allocation
from warehouse.models import ReceiptLine

logger = logging.getLogger(__name__)


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def offer_receipt_to_demand_task(self, tenant_id: int, receipt_line_id: int) -> None:
    """Offer newly received stock to waiting demand: allocate the backorders of its item.
    Allocation skips lines already served, so a redelivered task changes nothing."""
    with task_context(tenant_id) as tenant:
        receipt = (
            ReceiptLine.objects.select_related("item", "order")
            .filter(tenant=tenant, pk=receipt_line_id)
            .first()
        )
        if receipt is None:
            return
        result = allocation.allocate(tenant=tenant, user=None, items=[receipt.item_id])
        logger.info(
            "receipt %s of %s on %s: %s allocated to waiting lines, %s line(s) still backordered",
            receipt.pk, receipt.item.sku, receipt.order.number, result.allocated, result.backordered_lines,
        )  # fmt: skip


@shared_task(acks_late=True, ignore_result=True)
def plan_counts_all_task() -> None:
    """Nightly: fan out one count plan run per tenant."""
    from erp.models import Tenant

    for tenant_id in Tenant.objects.values_list("pk", flat=True):
        plan_counts_task.delay(tenant_id)


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def plan_counts_task(self, tenant_id: int) -> int:
    """Open tonight's planned counts of one tenant. A repeat the same day opens nothing more:
    the plan deducts what it opened earlier that day."""
    from warehouse.counting import plans

    with task_context(tenant_id) as tenant:
        return len(plans.plan_counts(tenant=tenant))


@shared_task(acks_late=True, ignore_result=True)
def count_pick_faces_all_task() -> None:
    """Every few minutes: fan out one pick-face sweep per tenant."""
    from erp.models import Tenant

    for tenant_id in Tenant.objects.values_list("pk", flat=True):
        count_pick_faces_task.delay(tenant_id)


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def count_pick_faces_task(self, tenant_id: int) -> int:
    """Count the pick faces an adjustment or a move left at zero or at negative availability.
    A face with a count open, or already counted since, gets none: a repeat opens nothing."""
    from warehouse.counting import triggers

    with task_context(tenant_id) as tenant:
        return len(triggers.sweep_pick_faces(tenant=tenant))


@shared_task(acks_late=True, ignore_result=True)
def replenish_all_task() -> None:
    """Every few minutes: fan out one replenishment run per tenant."""
    from erp.models import Tenant

    for tenant_id in Tenant.objects.values_list("pk", flat=True):
        replenish_task.delay(tenant_id)


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def replenish_task(self, tenant_id: int, site_id: int | None = None) -> int:
    """One tenant's replenishment run (at one site). A face already served gets nothing, so a
    redelivered or overlapping run adds no second task."""
    from inventory.models import Site
    from warehouse.replenishment import services

    with task_context(tenant_id) as tenant:
        site = Site.objects.filter(tenant=tenant, pk=site_id).first() if site_id else None
        made = services.run(tenant=tenant, site=site)
    logger.info("replenishment run for tenant %s: %s task(s)", tenant_id, len(made))
    return len(made)
