"""Transfers between two sites: lines with what shipped and arrived, cartons with their SSCCs
and the discrepancies found at the destination; drafting one and releasing it go through
the transfer services as on the pages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from erp.api.errors import ApiError
from erp.api.fields import NO_NUL
from erp.api.fields import Lookup as Code
from erp.api.paging import PageQuery, keyset, page_of, where
from erp.api.site import Id, answers, roles
from inventory.models import Item, Lot, Site
from warehouse import permissions
from warehouse.api.contents import ContentOut, grouped
from warehouse.models import (
    TransferCarton,
    TransferCartonLine,
    TransferDiscrepancy,
    TransferDiscrepancyKind,
    TransferDiscrepancyResolution,
    TransferLine,
    TransferOrder,
    TransferPick,
    TransferStatus,
)
from warehouse.transfers import services

router = Router(tags=["Transfers"])


@dataclass
class _Packed:
    item: Item
    lot: Lot | None
    serial: object
    quantity: Decimal


class TransferLineOut(Schema):
    id: int
    sku: str
    lot: str | None
    unit: str
    quantity: Decimal
    quantity_base: Decimal
    shipped_base: Decimal
    received_base: Decimal
    written_off_base: Decimal
    in_transit_base: Decimal

    @staticmethod
    def resolve_sku(line: TransferLine) -> str:
        return line.item.sku

    @staticmethod
    def resolve_lot(line: TransferLine) -> str | None:
        return line.lot.code if line.lot else None


class TransferCartonOut(Schema):
    number: int
    sscc: str | None
    contents: list[ContentOut]


class TransferDiscrepancyOut(Schema):
    id: int
    line_id: int
    sku: str
    serial: str | None
    kind: TransferDiscrepancyKind
    quantity: Decimal
    resolution: TransferDiscrepancyResolution
    reason: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_sku(row: TransferDiscrepancy) -> str:
        return row.line.item.sku

    @staticmethod
    def resolve_serial(row: TransferDiscrepancy) -> str | None:
        return row.serial.serial if row.serial else None


class TransferOut(Schema):
    id: int
    number: str
    status: TransferStatus
    from_site: str
    to_site: str
    expected_date: datetime.date
    note: str
    created_at: datetime.datetime
    shipped_at: datetime.datetime | None
    lines: list[TransferLineOut]
    cartons: list[TransferCartonOut]
    discrepancies: list[TransferDiscrepancyOut]
    updated_at: datetime.datetime

    @staticmethod
    def resolve_from_site(transfer: TransferOrder) -> str:
        return transfer.from_site.code

    @staticmethod
    def resolve_to_site(transfer: TransferOrder) -> str:
        return transfer.to_site.code

    @staticmethod
    def resolve_lines(transfer: TransferOrder) -> list[TransferLine]:
        return transfer.rows

    @staticmethod
    def resolve_cartons(transfer: TransferOrder) -> list[dict]:
        if transfer.boxes:
            return [
                {
                    "number": box.number,
                    "sscc": box.sscc or None,
                    "contents": grouped(
                        _Packed(p.pick.line.item, p.pick.lot, p.pick.serial, p.quantity)
                        for p in box.packed
                    ),
                }
                for box in transfer.boxes
            ]
        if transfer.sscc:
            # Shipped before transfers were packed: one carton under the transfer's SSCC.
            picked = [
                _Packed(line.item, pick.lot, pick.serial, pick.picked)
                for line in transfer.rows
                for pick in line.taken
                if pick.picked > 0
            ]
            return [{"number": 1, "sscc": transfer.sscc, "contents": grouped(picked)}]
        return []

    @staticmethod
    def resolve_discrepancies(transfer: TransferOrder) -> list[TransferDiscrepancy]:
        return transfer.found


TransferPage = page_of(TransferOut)


def _transfers(request):
    picks = TransferPick.objects.select_related("lot", "serial").order_by("pk")
    lines = (
        TransferLine.objects.select_related("item", "lot")
        .prefetch_related(Prefetch("picks", queryset=picks, to_attr="taken"))
        .order_by("pk")
    )
    packed = TransferCartonLine.objects.select_related(
        "pick__line__item", "pick__lot", "pick__serial"
    ).order_by("pk")
    cartons = TransferCarton.objects.order_by("number").prefetch_related(
        Prefetch("lines", queryset=packed, to_attr="packed")
    )
    found = TransferDiscrepancy.objects.select_related("line__item", "serial").order_by("pk")
    return (
        TransferOrder.objects.filter(tenant=request.tenant)
        .select_related("from_site", "to_site")
        .prefetch_related(
            Prefetch("lines", queryset=lines, to_attr="rows"),
            Prefetch("cartons", queryset=cartons, to_attr="boxes"),
            Prefetch("discrepancies", queryset=found, to_attr="found"),
        )
    )


@router.get("/transfers", response=answers(TransferPage), summary="List transfers")
def list_transfers(
    request,
    page: Query[PageQuery],
    status: TransferStatus | None = None,
    from_site: Code | None = None,
    to_site: Code | None = None,
):
    """Transfers oldest change first with lines, cartons and discrepancies; `from_site` and
    `to_site` are site codes."""
    roles(request, permissions.TRANSFER_READERS)
    transfers = _transfers(request)
    transfers = where(transfers, status=status, from_site__code=from_site, to_site__code=to_site)
    return keyset(transfers, page)


@router.get("/transfers/{transfer_id}", response=answers(TransferOut), summary="One transfer")
def get_transfer(request, transfer_id: Id):
    """A transfer with what each line shipped, received and wrote off."""
    roles(request, permissions.TRANSFER_READERS)
    return get_object_or_404(_transfers(request), pk=transfer_id)


class TransferLineIn(Schema):
    sku: str = Field(..., pattern=NO_NUL, min_length=1, max_length=60)
    quantity: Decimal = Field(..., gt=0, max_digits=14, decimal_places=4)
    unit: str = Field(
        "", pattern=NO_NUL, max_length=20, description="the item's base unit when blank"
    )
    lot: str | None = Field(
        None, pattern=NO_NUL, max_length=20, description="one lot of a lot-tracked item"
    )


class TransferIn(Schema):
    from_site: str = Field(
        ..., pattern=NO_NUL, min_length=1, max_length=20, description="site code"
    )
    to_site: str = Field(..., pattern=NO_NUL, min_length=1, max_length=20, description="site code")
    expected_date: datetime.date
    note: str = Field("", pattern=NO_NUL, max_length=200)
    lines: list[TransferLineIn] = Field(..., min_length=1, max_length=500)


def _site(request, code: str, field: str) -> Site:
    site = Site.objects.filter(tenant=request.tenant, code=code).first()
    if site is None:
        raise ApiError(400, "unknown_site", f"No site {code!r}.", field=field, site=code)
    return site


def _item(request, sku: str) -> Item:
    item = Item.objects.filter(tenant=request.tenant, sku=sku).first()
    if item is None:
        raise ApiError(400, "unknown_item", f"No item {sku!r}.", sku=sku)
    return item


@router.post("/transfers", response=answers(TransferOut, 201), summary="Draft a transfer")
def create_transfer(request, body: TransferIn):
    """A draft transfer with its lines, as the transfer page drafts one; release it with
    POST /transfers/{id}/release. Nothing is kept when a line is refused."""
    roles(request, permissions.TRANSFER_DRAFTERS)
    with transaction.atomic():
        source = _site(request, body.from_site, "from_site")
        destination = _site(request, body.to_site, "to_site")
        transfer = services.create(
            tenant=request.tenant, user=request.user, from_site=source, to_site=destination,
            expected_date=body.expected_date, note=body.note,
        )  # fmt: skip
        for line in body.lines:
            item = _item(request, line.sku)
            lot = None
            if line.lot:
                lot = Lot.objects.filter(tenant=request.tenant, item=item, code=line.lot).first()
                if lot is None:
                    raise ApiError(
                        400, "unknown_lot", f"No lot {line.lot!r} of {item.sku}.",
                        sku=item.sku, lot=line.lot,
                    )  # fmt: skip
            services.add_line(
                tenant=request.tenant, user=request.user, transfer=transfer, item=item,
                quantity=line.quantity, unit=line.unit, lot=lot,
            )  # fmt: skip
    return Status(201, _transfers(request).get(pk=transfer.pk))


@router.post(
    "/transfers/{transfer_id}/release",
    response=answers(TransferOut),
    summary="Release a transfer",
)
def release_transfer(request, transfer_id: Id):
    """Reserve each line's stock at the source and queue its pick (supervisors). Refused
    (400 transfer_error) naming the first line without enough free stock; nothing is
    reserved then."""
    roles(request, permissions.SUPERVISORS)
    transfer = get_object_or_404(
        TransferOrder.objects.filter(tenant=request.tenant), pk=transfer_id
    )
    with transaction.atomic():
        services.release(tenant=request.tenant, user=request.user, transfer=transfer)
    return _transfers(request).get(pk=transfer.pk)
