from __future__ import annotations

from django.db.models import QuerySet

from inventory.models import Adjustment, AdjustmentState, StockTransaction


def adjustments(*, tenant) -> QuerySet[Adjustment]:
    return Adjustment.objects.filter(tenant=tenant).select_related(
        "item",
        "location__site",
        "lot",
        "serial",
        "requested_by",
        "decided_by",
        "transaction",
        "reverses",
    )


def pending_reversal(*, tenant, transaction: StockTransaction) -> Adjustment | None:
    return Adjustment.objects.filter(
        tenant=tenant, reverses=transaction, state=AdjustmentState.PENDING
    ).first()
