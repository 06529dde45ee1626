"""Warehouse tasks."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from erp.tenancy import task_context
from warehouse.models import ReceiptLine

logger = logging.getLogger(__name__)


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def offer_receipt_to_demand_task(self, tenant_id: int, receipt_line_id: int) -> None:
    """Offer newly received stock to waiting demand.

    Sales orders and their backorder allocation do not exist yet (outbound issue); until then
    this records the arrival for the exception log so a planner can see what came in.
    """
    with task_context(tenant_id) as tenant:
        receipt = (
            ReceiptLine.objects.select_related("item", "order")
            .filter(tenant=tenant, pk=receipt_line_id)
            .first()
        )
        if receipt is None:
            return
        logger.info(
            "receipt %s: %s x %s on %s is available to waiting demand",
            receipt.pk, receipt.accepted_base, receipt.item.sku, receipt.order.number,
        )  # fmt: skip
