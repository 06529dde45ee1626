from __future__ import annotations

from django.db.models import QuerySet

from erp.transitions import Transition
from inventory.models import Adjustment, AdjustmentState, StockTransaction
from inventory.states import adjustment_machine


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


def adjustment_actions(*, tenant, adjustment: Adjustment, user) -> list[Transition]:
    """The decisions `user` may take on `adjustment` now; its requester may reject (withdraw)
    it but not approve it."""
    actions = adjustment_machine.allowed(adjustment, tenant=tenant, user=user)
    if adjustment.requested_by_id == user.pk:
        actions = [a for a in actions if a.name != "approve"]
    return actions
