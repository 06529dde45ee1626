"""Reversing a posted transaction: a new transaction that moves everything back."""

from __future__ import annotations

from django.db import transaction

from erp.models import Tenant, User
from inventory.errors import AlreadyReversed, CannotReverse
from inventory.ledger.posting import Move, post
from inventory.models import StockEntry, StockTransaction, TransactionKind


@transaction.atomic
def reverse(
    *,
    tenant: Tenant,
    user: User | None,
    original: StockTransaction,
    reason: str,
    idempotency_key: str | None = None,
) -> StockTransaction:
    """Post the mirror image of `original` (each move from its destination back to its
    source) and link it, so a transaction is reversed at most once.

    Value: stock leaving a site goes out as any outflow would (a reversed FIFO receipt takes
    from its own layer while that still holds it); stock coming back returns at the cost it
    left with. Raises `AlreadyReversed`, `CannotReverse`, and whatever `post` raises (e.g.
    `InsufficientStock` when the received stock was already used).
    """
    original = StockTransaction.objects.select_for_update().get(tenant=tenant, pk=original.pk)
    earlier = StockTransaction.objects.filter(tenant=tenant, reverses=original).first()
    if earlier is not None:
        if idempotency_key and earlier.idempotency_key == idempotency_key:
            return earlier
        raise AlreadyReversed(transaction=original.pk, reversal=earlier.pk)
    if not reason.strip():
        raise CannotReverse(transaction=original.pk, why="give a reason.")
    entries = list(
        StockEntry.objects.filter(tenant=tenant, transaction=original)
        .select_related("item", "location", "lot", "serial")
        .order_by("id")
    )
    if not entries or len(entries) % 2:
        raise CannotReverse(transaction=original.pk, why="its entries are not in pairs.")
    moves = []
    for out, into in zip(entries[0::2], entries[1::2], strict=True):
        if out.quantity >= 0 or into.quantity != -out.quantity:
            raise CannotReverse(transaction=original.pk, why="its entries are not in pairs.")
        moves.append(
            Move(
                item=into.item,
                quantity=into.quantity,
                source=into.location,
                destination=out.location,
                lot=into.lot,
                serial=into.serial,
                source_status=into.status,
                destination_status=out.status,
                unit_cost=into.unit_cost if into.value else None,
                layer_entry=into.pk,
            )
        )
    reversal = post(
        tenant=tenant,
        user=user,
        kind=TransactionKind.REVERSAL,
        moves=moves,
        reference=f"reverses #{original.pk}",
        idempotency_key=idempotency_key,
        reason=reason,
        reverses_id=original.pk,
    )
    return reversal
