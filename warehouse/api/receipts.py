"""Goods received against purchase orders: each scan at the dock with the discrepancies it
raised, and the discrepancies of an order. Here rather than in purchasing's API because
purchasing may not import warehouse."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from erp.api.fields import Lookup as Code
from erp.api.paging import PageQuery, keyset, page_of, where
from erp.api.site import Id, answers, roles
from warehouse import permissions
from warehouse.models import Discrepancy, DiscrepancyKind, DiscrepancyState, ReceiptLine

router = Router(tags=["Receipts"])


class DiscrepancyOut(Schema):
    id: int
    po: str
    po_line: int | None
    receipt_id: int | None
    kind: DiscrepancyKind
    state: DiscrepancyState
    sku: str
    lot: str | None
    quantity: Decimal
    reason: str
    resolution: str
    created_at: datetime.datetime
    resolved_at: datetime.datetime | None

    @staticmethod
    def resolve_po(row: Discrepancy) -> str:
        return row.order.number

    @staticmethod
    def resolve_po_line(row: Discrepancy) -> int | None:
        return row.order_line.line_no if row.order_line else None

    @staticmethod
    def resolve_receipt_id(row: Discrepancy) -> int | None:
        return row.receipt_line_id

    @staticmethod
    def resolve_sku(row: Discrepancy) -> str:
        return row.item.sku

    @staticmethod
    def resolve_lot(row: Discrepancy) -> str | None:
        return row.lot.code if row.lot else None


class ReceiptOut(Schema):
    id: int
    po: str
    po_line: int | None
    site: str
    sku: str
    unit: str
    quantity: Decimal
    quantity_base: Decimal
    accepted_base: Decimal
    lot: str | None
    serial: str | None
    sscc: str | None
    received_at: datetime.datetime
    discrepancies: list[DiscrepancyOut]

    @staticmethod
    def resolve_po(row: ReceiptLine) -> str:
        return row.order.number

    @staticmethod
    def resolve_po_line(row: ReceiptLine) -> int | None:
        return row.order_line.line_no if row.order_line else None

    @staticmethod
    def resolve_site(row: ReceiptLine) -> str:
        return row.order.site.code

    @staticmethod
    def resolve_sku(row: ReceiptLine) -> str:
        return row.item.sku

    @staticmethod
    def resolve_lot(row: ReceiptLine) -> str | None:
        return row.lot.code if row.lot else None

    @staticmethod
    def resolve_serial(row: ReceiptLine) -> str | None:
        return row.serial.serial if row.serial else None

    @staticmethod
    def resolve_sscc(row: ReceiptLine) -> str | None:
        return row.sscc or None

    @staticmethod
    def resolve_discrepancies(row: ReceiptLine) -> list[Discrepancy]:
        return row.found


ReceiptPage = page_of(ReceiptOut)
DiscrepancyPage = page_of(DiscrepancyOut)


def _discrepancies():
    return Discrepancy.objects.select_related("order", "order_line", "item", "lot")


def _receipts(request):
    found = Prefetch("discrepancies", queryset=_discrepancies().order_by("pk"), to_attr="found")
    return (
        ReceiptLine.objects.filter(tenant=request.tenant)
        .select_related("order__site", "order_line", "item", "lot", "serial")
        .prefetch_related(found)
    )


@router.get("/receipts", response=answers(ReceiptPage), summary="List receipts")
def list_receipts(request, page: Query[PageQuery], po: Code | None = None):
    """What arrived at the dock, one row per scan, oldest first, with the discrepancies each
    raised; `po` a purchase order number. Receipts are never changed, so they page by id
    and `updated_since` is refused."""
    roles(request, permissions.RECEIPT_READERS)
    receipts = _receipts(request)
    if po is not None:
        receipts = receipts.filter(order__number=po)
    return keyset(receipts, page, changed=None)


@router.get("/receipts/{receipt_id}", response=answers(ReceiptOut), summary="One receipt")
def get_receipt(request, receipt_id: Id):
    """One scan at the dock with its discrepancies."""
    roles(request, permissions.RECEIPT_READERS)
    return get_object_or_404(_receipts(request), pk=receipt_id)


@router.get(
    "/receipt-discrepancies",
    response=answers(DiscrepancyPage),
    summary="List receiving discrepancies",
)
def list_discrepancies(
    request,
    page: Query[PageQuery],
    po: Code | None = None,
    state: DiscrepancyState | None = None,
):
    """Every discrepancy found receiving, oldest first, including those no scan raised (a
    line closed short); `po` a purchase order number, `state` open, accepted or rejected."""
    roles(request, permissions.RECEIPT_READERS)
    found = _discrepancies().filter(tenant=request.tenant)
    found = where(found, order__number=po, state=state)
    return keyset(found, page, changed=None)
