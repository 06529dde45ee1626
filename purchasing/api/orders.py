"""Purchase orders: list, one with its lines, create with lines, approve and send.

Writes go through `purchasing.services.orders` as the order pages do, and status moves only
through the order's declared transitions (`purchasing.states`), so a refused move is 409
`invalid_transition` with its facts.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from erp.api.errors import ApiError
from erp.api.fields import Code, code, text
from erp.api.paging import PageQuery, keyset, page_of, where
from erp.api.site import Id, answers, roles
from inventory.models import Item, Site
from purchasing import permissions, selectors
from purchasing.models import OrderStatus, PurchaseOrderLine, Supplier
from purchasing.services import orders as service

router = Router(tags=["Purchase orders"])


class PurchaseOrderLineOut(Schema):
    id: int
    line_no: int
    sku: str
    unit: str
    quantity: Decimal = Field(..., description="In `unit`")
    quantity_base: Decimal = Field(..., description="In the item's base unit")
    unit_cost: Decimal = Field(..., description="Per `unit`")
    expected_date: datetime.date
    received_base: Decimal = Field(..., description="Received so far, base units")
    open_base: Decimal = Field(..., description="Still expected, base units")
    first_received_at: datetime.datetime | None
    short_closed: bool = Field(..., description="Nothing more is expected on this line")

    @staticmethod
    def resolve_sku(line: PurchaseOrderLine) -> str:
        return line.item.sku


class PurchaseOrderOut(Schema):
    id: int
    number: str
    status: OrderStatus
    supplier: str = Field(..., description="Supplier code")
    site: str = Field(..., description="Destination site code")
    expected_date: datetime.date
    currency: str
    supplier_reference: str
    notes: str
    line_count: int
    total: Decimal | None = Field(..., description="Sum of quantity times unit cost")
    created_at: datetime.datetime
    approved_at: datetime.datetime | None
    sent_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    updated_at: datetime.datetime

    @staticmethod
    def resolve_supplier(order) -> str:
        return order.supplier.code

    @staticmethod
    def resolve_site(order) -> str:
        return order.site.code


class PurchaseOrderDetail(PurchaseOrderOut):
    lines: list[PurchaseOrderLineOut]

    @staticmethod
    def resolve_lines(order) -> list[PurchaseOrderLine]:
        return list(order.lines.all())


class PurchaseOrderLineIn(Schema):
    sku: text(40, min_length=1)
    quantity: Decimal = Field(..., gt=0, max_digits=14, decimal_places=4)
    unit: text(20) | None = Field(None, description="The item's base unit when left out")
    price: Decimal | None = Field(
        None,
        ge=0,
        max_digits=18,
        decimal_places=6,
        description="Cost per `unit`; the supplier's price for the quantity when left out",
    )
    expected_date: datetime.date | None = Field(None, description="The order's when left out")


class PurchaseOrderIn(Schema):
    supplier: code(20) = Field(..., description="Supplier code")
    site: code(20) = Field(..., description="Destination site code")
    expected_date: datetime.date
    supplier_reference: text(60) = ""
    notes: text(2000) = ""
    lines: list[PurchaseOrderLineIn] = Field(..., min_length=1, max_length=500)


PurchaseOrderPage = page_of(PurchaseOrderOut)


def _orders(request):
    lines = Prefetch(
        "lines",
        queryset=PurchaseOrderLine.objects.filter(tenant=request.tenant)
        .select_related("item")
        .order_by("line_no"),
    )
    return selectors.orders(tenant=request.tenant).prefetch_related(lines)


def _detail(request, order_id: int):
    return get_object_or_404(_orders(request), pk=order_id)


@router.get("/purchase-orders", response=answers(PurchaseOrderPage), summary="List purchase orders")
def list_purchase_orders(
    request,
    page: Query[PageQuery],
    status: OrderStatus | None = None,
    supplier: Code | None = None,
    site: Code | None = None,
):
    """Purchase orders oldest change first, without their lines; filter by `status`,
    `supplier` code and destination `site` code."""
    roles(request, permissions.VIEWERS)
    found = selectors.orders(tenant=request.tenant)
    found = where(found, status=status, supplier__code=supplier, site__code=site)
    return keyset(found, page)


@router.get(
    "/purchase-orders/{order_id}",
    response=answers(PurchaseOrderDetail),
    summary="One purchase order with its lines",
)
def get_purchase_order(request, order_id: Id):
    """The order and its lines with what has been received against each. The receipts
    themselves are the warehouse's records."""
    roles(request, permissions.VIEWERS)
    return _detail(request, order_id)


def _by_code(request, model, value: str, what: str):
    found = model.objects.filter(tenant=request.tenant, code=value).first()
    if found is None:
        raise ApiError(400, f"unknown_{what}", f"No {what} with code {value}.", **{what: value})
    return found


@router.post(
    "/purchase-orders",
    response=answers(PurchaseOrderDetail, 201),
    summary="Create a purchase order with its lines",
)
def create_purchase_order(request, body: PurchaseOrderIn):
    """A draft order with its lines, made by the services the order pages use: a line left
    without a price takes the supplier's price for its quantity, as on the page. Nothing is
    kept when any line is refused."""
    roles(request, permissions.BUYERS)
    supplier = _by_code(request, Supplier, body.supplier, "supplier")
    site = _by_code(request, Site, body.site, "site")
    skus = {line.sku for line in body.lines}
    items = {i.sku: i for i in Item.objects.filter(tenant=request.tenant, sku__in=skus)}
    unknown = sorted(skus - items.keys())
    if unknown:
        raise ApiError(400, "unknown_sku", "No item with these SKUs.", skus=unknown)
    # A savepoint: a refused line takes the order and its earlier lines with it, while the
    # request's transaction still records the answer for its Idempotency-Key.
    try:
        with transaction.atomic():
            order = service.create_order(
                tenant=request.tenant, user=request.user, supplier=supplier, site=site,
                expected_date=body.expected_date, supplier_reference=body.supplier_reference,
                notes=body.notes,
            )  # fmt: skip
            for line in body.lines:
                item = items[line.sku]
                unit = (line.unit or "").strip() or item.base_unit
                cost = line.price
                if cost is None:
                    cost = service.default_unit_cost(
                        tenant=request.tenant, order=order, item=item, unit=unit,
                        quantity=line.quantity,
                    )  # fmt: skip
                service.add_line(
                    tenant=request.tenant, user=request.user, order=order, item=item,
                    quantity=line.quantity, unit=unit, unit_cost=cost,
                    expected_date=line.expected_date,
                )  # fmt: skip
    except IntegrityError as exc:
        # Two orders made at the same instant drew the same number (erp.numbering).
        if "number_uniq" not in str(exc):
            raise
        raise ApiError(
            409, "number_taken", "Another order took this number at the same moment; send again."
        ) from exc
    return Status(201, _detail(request, order.pk))


def _act(request, order_id: int, action) -> object:
    order = get_object_or_404(selectors.orders(tenant=request.tenant), pk=order_id)
    action(tenant=request.tenant, user=request.user, order=order)
    return _detail(request, order_id)


@router.post(
    "/purchase-orders/{order_id}/approve",
    response=answers(PurchaseOrderDetail),
    summary="Approve a draft purchase order",
)
def approve_purchase_order(request, order_id: Id):
    """Draft -> approved. Above the approval threshold its creator cannot approve it (400
    `approval_required`); an order without lines is 400 `empty_order`."""
    roles(request, permissions.APPROVERS)
    return _act(request, order_id, service.approve)


@router.post(
    "/purchase-orders/{order_id}/send",
    response=answers(PurchaseOrderDetail),
    summary="Mark an approved purchase order as sent",
)
def send_purchase_order(request, order_id: Id):
    """Approved -> sent; its approval is checked again as the order stands now."""
    roles(request, permissions.BUYERS)
    return _act(request, order_id, service.send)
