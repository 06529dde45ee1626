"""Returns' API resources (erp.api): RMAs with their lines, receipts, inspections and credits;
raising one and authorising it go through the RMA services as on the desk's pages."""

from __future__ import annotations

import datetime
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
from orders.models import SalesOrder, SalesOrderLine
from returns import permissions
from returns.models import (
    Credit,
    CreditStatus,
    Disposition,
    Grade,
    Inspection,
    Reason,
    ReturnAuthorisation,
    RmaLine,
    RmaStatus,
)
from returns.services import rmas

router = Router(tags=["Returns"])


class InspectionOut(Schema):
    grade: Grade
    quantity: Decimal
    proposed: Disposition
    disposition: Disposition | None
    creditable: bool
    inspected_at: datetime.datetime
    dispositioned_at: datetime.datetime | None

    @staticmethod
    def resolve_disposition(row: Inspection) -> str | None:
        return row.disposition or None


class RmaLineOut(Schema):
    id: int
    order_line: int
    sku: str
    lot: str | None
    serial: str | None
    quantity: Decimal
    received: Decimal
    unit_price: Decimal
    inspections: list[InspectionOut]

    @staticmethod
    def resolve_order_line(line: RmaLine) -> int:
        return line.order_line.line_no

    @staticmethod
    def resolve_sku(line: RmaLine) -> str:
        return line.item.sku

    @staticmethod
    def resolve_lot(line: RmaLine) -> str | None:
        return line.lot.code if line.lot else None

    @staticmethod
    def resolve_serial(line: RmaLine) -> str | None:
        return line.serial.serial if line.serial else None

    @staticmethod
    def resolve_inspections(line: RmaLine) -> list[Inspection]:
        return line.graded


class CreditOut(Schema):
    number: str
    status: CreditStatus
    returned_value: Decimal
    non_creditable: Decimal
    restocking_fee: Decimal
    amount: Decimal
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None


class RmaOut(Schema):
    id: int
    number: str
    status: RmaStatus
    customer: str
    order: str
    site: str
    reason: Reason
    note: str
    exception: str
    window_days: int
    restocking_fee_pct: Decimal
    created_at: datetime.datetime
    authorised_at: datetime.datetime | None
    lines: list[RmaLineOut]
    credits: list[CreditOut]
    updated_at: datetime.datetime

    @staticmethod
    def resolve_customer(rma: ReturnAuthorisation) -> str:
        return rma.customer.code

    @staticmethod
    def resolve_order(rma: ReturnAuthorisation) -> str:
        return rma.order.number

    @staticmethod
    def resolve_site(rma: ReturnAuthorisation) -> str:
        return rma.site.code

    @staticmethod
    def resolve_lines(rma: ReturnAuthorisation) -> list[RmaLine]:
        return rma.rows

    @staticmethod
    def resolve_credits(rma: ReturnAuthorisation) -> list[Credit]:
        return rma.credit_notes


RmaPage = page_of(RmaOut)


def _rmas(request):
    graded = Inspection.objects.order_by("pk")
    lines = (
        RmaLine.objects.select_related("order_line", "item", "lot", "serial")
        .prefetch_related(Prefetch("inspections", queryset=graded, to_attr="graded"))
        .order_by("pk")
    )
    return (
        ReturnAuthorisation.objects.filter(tenant=request.tenant)
        .select_related("customer", "order", "site")
        .prefetch_related(
            Prefetch("lines", queryset=lines, to_attr="rows"),
            Prefetch("credits", queryset=Credit.objects.order_by("pk"), to_attr="credit_notes"),
        )
    )


@router.get("/returns", response=answers(RmaPage), summary="List RMAs")
def list_returns(
    request,
    page: Query[PageQuery],
    status: RmaStatus | None = None,
    customer: Code | None = None,
    order: Code | None = None,
):
    """RMAs oldest change first with lines, what arrived, inspections and credits;
    `customer` a customer code, `order` a sales order number."""
    roles(request, permissions.VIEWERS)
    found = _rmas(request)
    found = where(found, status=status, customer__code=customer, order__number=order)
    return keyset(found, page)


@router.get("/returns/{rma_id}", response=answers(RmaOut), summary="One RMA")
def get_return(request, rma_id: Id):
    """An RMA with its lines, inspections and credits."""
    roles(request, permissions.VIEWERS)
    return get_object_or_404(_rmas(request), pk=rma_id)


class RmaLineIn(Schema):
    order_line: int = Field(..., ge=1, le=1_000_000, description="line number on the order")
    quantity: Decimal = Field(..., gt=0, max_digits=18, decimal_places=4)
    lot: str = Field("", pattern=NO_NUL, max_length=20)
    serial: str = Field("", pattern=NO_NUL, max_length=40)


class RmaIn(Schema):
    order: str = Field(
        ..., pattern=NO_NUL, min_length=1, max_length=20, description="sales order number"
    )
    reason: Reason
    note: str = Field("", pattern=NO_NUL, max_length=200)
    lines: list[RmaLineIn] = Field(..., min_length=1, max_length=500)


@router.post("/returns", response=answers(RmaOut, 201), summary="Raise an RMA")
def create_return(request, body: RmaIn):
    """A draft RMA for a shipped order with what comes back, as the returns desk raises one;
    authorise it with POST /returns/{id}/authorise. Nothing is kept when a line is refused
    (more than shipped, a lot or serial that did not leave on that line)."""
    roles(request, permissions.DESK)
    with transaction.atomic():
        order = SalesOrder.objects.filter(tenant=request.tenant, number=body.order).first()
        if order is None:
            raise ApiError(400, "unknown_order", f"No sales order {body.order!r}.")
        rma = rmas.create(
            tenant=request.tenant, user=request.user, order=order, reason=body.reason,
            note=body.note,
        )  # fmt: skip
        on_order = {
            line.line_no: line
            for line in SalesOrderLine.objects.filter(
                tenant=request.tenant, order=order
            ).select_related("item", "order")
        }
        for line in body.lines:
            order_line = on_order.get(line.order_line)
            if order_line is None:
                raise ApiError(
                    400, "unknown_order_line", f"{order.number} has no line {line.order_line}.",
                    order_line=line.order_line,
                )  # fmt: skip
            rmas.add_line(
                tenant=request.tenant, user=request.user, rma=rma, order_line=order_line,
                quantity=line.quantity, lot_code=line.lot, serial_code=line.serial,
            )  # fmt: skip
    return Status(201, _rmas(request).get(pk=rma.pk))


@router.post("/returns/{rma_id}/authorise", response=answers(RmaOut), summary="Authorise an RMA")
def authorise_return(request, rma_id: Id):
    """Authorise a draft: within its customer's return window by the desk, outside it only by
    a supervisor. The terms in force are copied onto the RMA."""
    roles(request, permissions.DESK)
    rma = get_object_or_404(ReturnAuthorisation.objects.filter(tenant=request.tenant), pk=rma_id)
    with transaction.atomic():
        rmas.authorise(tenant=request.tenant, user=request.user, rma=rma)
    return _rmas(request).get(pk=rma.pk)
