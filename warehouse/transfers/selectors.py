"""Reads of transfers for pages and the scanner (no writes)."""

from __future__ import annotations

from django.db.models import QuerySet

from warehouse.models import (
    TransferDiscrepancy,
    TransferLine,
    TransferOrder,
    TransferPick,
    TransferReceipt,
    TransferStatus,
)


def transfers(*, tenant) -> QuerySet[TransferOrder]:
    return TransferOrder.objects.filter(tenant=tenant).select_related(
        "from_site", "to_site", "created_by"
    )


def lines(*, tenant, transfer: TransferOrder) -> QuerySet[TransferLine]:
    return TransferLine.objects.filter(tenant=tenant, transfer=transfer).select_related(
        "item", "lot"
    )


def picks(*, tenant, transfer: TransferOrder) -> QuerySet[TransferPick]:
    return (
        TransferPick.objects.filter(tenant=tenant, line__transfer=transfer)
        .select_related("line__item", "lot", "serial", "location__bin")
        .order_by("location__bin__walk_sequence", "location__code", "pk")
    )


def next_pick(*, tenant, transfer: TransferOrder) -> TransferPick | None:
    """The first pick in walk order with something left to pick."""
    return next((p for p in picks(tenant=tenant, transfer=transfer) if p.remaining > 0), None)


def receipts(*, tenant, transfer: TransferOrder) -> QuerySet[TransferReceipt]:
    return TransferReceipt.objects.filter(tenant=tenant, line__transfer=transfer).select_related(
        "line__item", "lot", "serial", "location", "received_by"
    )


def discrepancies(*, tenant, transfer: TransferOrder) -> QuerySet[TransferDiscrepancy]:
    return TransferDiscrepancy.objects.filter(tenant=tenant, transfer=transfer).select_related(
        "line__item", "serial", "created_by"
    )


def arriving(*, tenant, site) -> QuerySet[TransferOrder]:
    """Transfers on their way to `site` (something still to receive)."""
    return transfers(tenant=tenant).filter(
        to_site=site, status__in=[TransferStatus.SHIPPED, TransferStatus.PARTIALLY_RECEIVED]
    )


def to_pick(*, tenant, site) -> QuerySet[TransferOrder]:
    return transfers(tenant=tenant).filter(from_site=site, status=TransferStatus.RELEASED)
