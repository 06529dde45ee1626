"""Sales orders: list, one with its lines' allocation, create with lines, confirm, cancel.

Writes go through `orders.services.sales_orders` as the order pages do, so a confirmed order
publishes its demand and is allocated as one confirmed on the page, and status moves only
through the declared transitions (`orders.states`): a refused move is 409
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
from orders import permissions, selectors
from orders.models import ALLOCATABLE, Customer, OrderStatus, SalesOrderLine, ShipTo
from orders.services import sales_orders as service

router = Router(tags=["Sales orders"])


class SalesOrderLineOut(Schema):
    """Base-unit quantities: ordered = allocated + picked + shipped + backordered (or, before
    confirmation, unallocated) + cancelled."""

    id: int
    line_no: int
    sku: str
    unit: str
    quantity: Decimal = Field(..., description="In `unit`")
    price: Decimal = Field(..., description="Per `unit`")
    requested_date: datetime.date
    promised_date: datetime.date
    ordered_base: Decimal
    allocated_base: Decimal = Field(..., description="Reserved, not yet picked")
    picked_base: Decimal = Field(..., description="At staging, not yet shipped")
    shipped_base: Decimal
    cancelled_base: Decimal
    backordered_base: Decimal = Field(
        ..., description="Waiting for stock (zero unless the order is confirmed and open)"
    )
    backordered_since: datetime.datetime | None
    first_shipped_at: datetime.datetime | None

    @staticmethod
    def resolve_sku(line: SalesOrderLine) -> str:
        return line.item.sku

    @staticmethod
    def resolve_ordered_base(line: SalesOrderLine) -> Decimal:
        return line.quantity_base

    @staticmethod
    def resolve_backordered_base(line: SalesOrderLine) -> Decimal:
        live = line.order.status in ALLOCATABLE
        return max(line.unallocated_base, Decimal(0)) if live else Decimal(0)


class ShipToOut(Schema):
    id: int
    name: str
    address_line1: str
    address_line2: str
    city: str
    region: str
    postal_code: str
    country: str


class SalesOrderOut(Schema):
    id: int
    number: str
    status: OrderStatus
    customer: str = Field(..., description="Customer code")
    ship_to: ShipToOut | None
    site: str = Field(..., description="Code of the site it ships from")
    order_date: datetime.date
    requested_date: datetime.date
    promised_date: datetime.date
    customer_reference: str
    carrier: str
    route: str
    notes: str
    line_count: int
    total: Decimal | None = Field(..., description="Sum of quantity times price")
    backordered_base: Decimal = Field(..., description="Base units still wanting stock")
    allocated_base: Decimal
    shipped_base: Decimal
    created_at: datetime.datetime
    confirmed_at: datetime.datetime | None
    updated_at: datetime.datetime

    @staticmethod
    def resolve_customer(order) -> str:
        return order.customer.code

    @staticmethod
    def resolve_site(order) -> str:
        return order.site.code

    @staticmethod
    def resolve_backordered_base(order) -> Decimal:
        return order.wanting_base if order.status in ALLOCATABLE else Decimal(0)

    @staticmethod
    def resolve_allocated_base(order) -> Decimal:
        return order.allocated_total

    @staticmethod
    def resolve_shipped_base(order) -> Decimal:
        return order.shipped_total


class SalesOrderDetail(SalesOrderOut):
    lines: list[SalesOrderLineOut]

    @staticmethod
    def resolve_lines(order) -> list[SalesOrderLine]:
        lines = list(order.lines.all())
        for line in lines:  # the line's order is this one: no query per line
            line.order = order
        return lines


class SalesOrderLineIn(Schema):
    sku: text(40, min_length=1)
    quantity: Decimal = Field(..., gt=0, max_digits=14, decimal_places=4)
    unit: text(20) | None = Field(None, description="The item's base unit when left out")
    price: Decimal | None = Field(
        None,
        ge=0,
        max_digits=18,
        decimal_places=6,
        description="Per `unit`; the last price this customer (else anyone) paid when left out",
    )
    requested_date: datetime.date | None = Field(None, description="The order's when left out")


class SalesOrderIn(Schema):
    customer: code(20) = Field(..., description="Customer code")
    site: code(20) = Field(..., description="Code of the site it ships from")
    ship_to: Id | None = Field(None, description="The customer's default address when left out")
    requested_date: datetime.date = Field(
        ..., description="Each line is promised on the first date ATP covers from this one"
    )
    customer_reference: text(60) = Field("", description="The customer's PO reference")
    notes: text(2000) = ""
    lines: list[SalesOrderLineIn] = Field(..., min_length=1, max_length=500)


class CancelIn(Schema):
    reason: text(200) = ""


SalesOrderPage = page_of(SalesOrderOut)


def _orders(request):
    lines = Prefetch(
        "lines",
        queryset=SalesOrderLine.objects.filter(tenant=request.tenant)
        .select_related("item")
        .order_by("line_no"),
    )
    return selectors.orders(tenant=request.tenant).prefetch_related(lines)


def _detail(request, order_id: int):
    return get_object_or_404(_orders(request), pk=order_id)


@router.get("/sales-orders", response=answers(SalesOrderPage), summary="List sales orders")
def list_sales_orders(
    request,
    page: Query[PageQuery],
    status: OrderStatus | None = None,
    customer: Code | None = None,
    site: Code | None = None,
):
    """Sales orders oldest change first, without their lines; filter by `status`,
    `customer` code and the `site` code it ships from."""
    roles(request, permissions.VIEWERS)
    found = selectors.orders(tenant=request.tenant)
    found = where(found, status=status, customer__code=customer, site__code=site)
    return keyset(found, page)


@router.get(
    "/sales-orders/{order_id}",
    response=answers(SalesOrderDetail),
    summary="One sales order with its lines' allocation",
)
def get_sales_order(request, order_id: Id):
    """The order and, per line, what is allocated, picked, shipped and backordered. Its
    shipments are the warehouse's records (`/shipments?order=<number>`)."""
    roles(request, permissions.VIEWERS)
    return _detail(request, order_id)


def _by_code(request, model, value: str, what: str):
    found = model.objects.filter(tenant=request.tenant, code=value).first()
    if found is None:
        raise ApiError(400, f"unknown_{what}", f"No {what} with code {value}.", **{what: value})
    return found


def _price(request, order, item: Item, unit: str, given: Decimal | None) -> Decimal:
    if given is not None:
        return given
    price = selectors.default_price(
        tenant=request.tenant, customer=order.customer, item=item, unit=unit
    )
    if price is None:
        raise ApiError(
            400,
            "price_required",
            f"Give a price: {item.sku} has never been sold in {unit}, so there is none to "
            "default to.",
            sku=item.sku,
        )
    return price


@router.post(
    "/sales-orders", response=answers(SalesOrderDetail, 201), summary="Create a sales order"
)
def create_sales_order(request, body: SalesOrderIn):
    """A draft order with its lines, made by the services the order pages use: each line is
    promised on the first date ATP covers it, and a line without a price takes the last one
    paid, as on the page. Nothing is kept when any line is refused. Confirm it to make it
    demand."""
    roles(request, permissions.EDITORS)
    customer = _by_code(request, Customer, body.customer, "customer")
    site = _by_code(request, Site, body.site, "site")
    ship_to = None
    if body.ship_to is not None:
        ship_to = ShipTo.objects.filter(tenant=request.tenant, pk=body.ship_to).first()
        if ship_to is None:
            raise ApiError(400, "unknown_ship_to", "No such ship-to address.", ship_to=body.ship_to)
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
                tenant=request.tenant, user=request.user, customer=customer, site=site,
                requested_date=body.requested_date, ship_to=ship_to,
                customer_reference=body.customer_reference, notes=body.notes,
            )  # fmt: skip
            for line in body.lines:
                item = items[line.sku]
                unit = (line.unit or "").strip() or item.base_unit
                service.add_line(
                    tenant=request.tenant, user=request.user, order=order, item=item,
                    quantity=line.quantity, price=_price(request, order, item, unit, line.price),
                    unit=unit, requested_date=line.requested_date,
                )  # fmt: skip
    except IntegrityError as exc:
        # Two orders made at the same instant drew the same number (erp.numbering).
        if "number_uniq" not in str(exc):
            raise
        raise ApiError(
            409, "number_taken", "Another order took this number at the same moment; send again."
        ) from exc
    return Status(201, _detail(request, order.pk))


@router.post(
    "/sales-orders/{order_id}/confirm",
    response=answers(SalesOrderDetail),
    summary="Confirm a draft sales order",
)
def confirm_sales_order(request, order_id: Id):
    """Draft -> confirmed: its lines become demand on their promised dates, and allocation
    takes it as it takes an order confirmed on the page."""
    roles(request, permissions.EDITORS)
    order = get_object_or_404(selectors.orders(tenant=request.tenant), pk=order_id)
    service.confirm(tenant=request.tenant, user=request.user, order=order)
    return _detail(request, order_id)


@router.post(
    "/sales-orders/{order_id}/cancel",
    response=answers(SalesOrderDetail),
    summary="Cancel a sales order not yet on the floor",
)
def cancel_sales_order(request, order_id: Id, body: CancelIn):
    """Cancels an order up to released: its reservations are released and its demand
    withdrawn. Send `{}` or `{"reason": "..."}`."""
    roles(request, permissions.EDITORS)
    order = get_object_or_404(selectors.orders(tenant=request.tenant), pk=order_id)
    service.cancel(tenant=request.tenant, user=request.user, order=order, reason=body.reason)
    return _detail(request, order_id)
