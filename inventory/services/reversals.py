"""Reversing a posted transaction from the ledger browser: at once when it is worth no more
than the tenant's threshold, otherwise as a request that another supervisor decides on the
adjustments page (the same approval as a large adjustment)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.errors import DomainError
from erp.models import Tenant, User
from erp.roles import require_role
from inventory import ledger
from inventory.errors import AlreadyReversed, CannotReverse
from inventory.models import (
    Adjustment,
    AdjustmentKind,
    AdjustmentState,
    StockEntry,
    StockTransaction,
)
from inventory.services.adjustments import ADJUSTERS, settings_for, unit_cost


class ReversalPending(DomainError):
    message = _(
        "Reversal of transaction #{transaction} already waits for approval (request #{request})."
    )


def transaction_value(*, tenant: Tenant, original: StockTransaction) -> Decimal:
    """What the transaction moved: each arriving leg at its posted value, or, where the move
    carried none (within a site), at the site's current cost of the item."""
    total = Decimal(0)
    entries = StockEntry.objects.filter(tenant=tenant, transaction=original, quantity__gt=0)
    for entry in entries.select_related("item", "location"):
        if entry.value:
            total += abs(entry.value)
        else:
            total += entry.quantity * unit_cost(tenant, entry.item, entry.site_id)
    return total.quantize(Decimal("0.0001"))


@transaction.atomic
def request_reversal(
    *,
    tenant: Tenant,
    user: User,
    original: StockTransaction,
    reason: str,
    idempotency_key: str,
) -> Adjustment | StockTransaction:
    """Reverse `original` now (returning the reversal) when its value is within the tenant's
    threshold; otherwise record a pending request (returned) that posts only when another
    supervisor approves it. Locks `original` first, so two supervisors asking at once make
    one request. Raises `AlreadyReversed`, `ReversalPending`, `CannotReverse` and what
    `ledger.reverse` raises."""
    require_role(tenant=tenant, user=user, roles=ADJUSTERS)
    original = StockTransaction.objects.select_for_update().get(tenant=tenant, pk=original.pk)
    if not reason.strip():
        raise CannotReverse(transaction=original.pk, why="give a reason.")
    earlier = StockTransaction.objects.filter(tenant=tenant, reverses=original).first()
    if earlier is not None and earlier.idempotency_key != idempotency_key:
        raise AlreadyReversed(transaction=original.pk, reversal=earlier.pk)
    waiting = Adjustment.objects.filter(
        tenant=tenant, reverses=original, state=AdjustmentState.PENDING
    ).first()
    if waiting is not None:
        raise ReversalPending(transaction=original.pk, request=waiting.pk)
    value = transaction_value(tenant=tenant, original=original)
    if earlier is not None or value <= settings_for(tenant).adjustment_approval_threshold:
        return ledger.reverse(
            tenant=tenant,
            user=user,
            original=original,
            reason=reason,
            idempotency_key=idempotency_key,
        )
    return Adjustment.objects.create(
        tenant=tenant, kind=AdjustmentKind.REVERSAL, reverses=original, estimated_value=value,
        note=reason.strip()[:200], requested_by=user,
    )  # fmt: skip
