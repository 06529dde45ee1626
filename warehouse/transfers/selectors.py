"""Reads of transfers for pages and the scanner (no writes)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from inventory.models import Item, Lot, SerialNumber
from warehouse.models import (
    TransferCarton,
    TransferCartonLine,
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


def all_receipts(*, tenant) -> QuerySet[TransferReceipt]:
    """Every transfer receipt with its transfer and sites (the recall trace reads them by
    ledger transaction)."""
    return TransferReceipt.objects.filter(tenant=tenant).select_related(
        "line__transfer__from_site", "line__transfer__to_site", "location"
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


@dataclass
class Packed:
    """One carton line as the carton label draws it (an outbound `CartonLine`'s shape)."""

    item: Item
    lot: Lot | None
    serial: SerialNumber | None
    quantity: Decimal

    @property
    def item_id(self) -> int:
        return self.item.pk

    @property
    def lot_id(self) -> int | None:
        return self.lot.pk if self.lot else None


def cartons(*, tenant, transfer: TransferOrder) -> list[TransferCarton]:
    """The transfer's cartons in number order, each with `contents` (`Packed` lines)."""
    rows = list(TransferCarton.objects.filter(tenant=tenant, transfer=transfer).order_by("number"))
    lines = TransferCartonLine.objects.filter(tenant=tenant, carton__in=rows).select_related(
        "pick__line__item", "pick__lot", "pick__serial"
    )
    by_carton: dict[int, list[Packed]] = {row.pk: [] for row in rows}
    for line in lines.order_by("pk"):
        pick = line.pick
        by_carton[line.carton_id].append(
            Packed(pick.line.item, pick.lot, pick.serial, line.quantity)
        )
    for row in rows:
        row.transfer = transfer
        row.contents = by_carton[row.pk]
    return rows


def legacy_carton(*, tenant, transfer: TransferOrder) -> TransferCarton:
    """The one carton of a transfer shipped before cartons were packed, under the SSCC the
    transfer itself was given: every pick, as shipped (not saved)."""
    carton = TransferCarton(tenant=tenant, transfer=transfer, number=1, sscc=transfer.sscc)
    carton.contents = [
        Packed(p.line.item, p.lot, p.serial, p.picked)
        for p in picks(tenant=tenant, transfer=transfer)
        if p.picked > 0
    ]
    return carton
