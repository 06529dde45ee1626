"""Shipments with their cartons, SSCCs and tracking: what a web store reads to tell its
customer where the parcel is."""

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
from warehouse.api.contents import ContentOut, grouped
from warehouse.models import Carton, CartonLine, CartonStatus, Shipment, ShipmentStatus

router = Router(tags=["Shipments"])


class CartonOut(Schema):
    sscc: str | None
    status: CartonStatus
    weight_kg: Decimal | None
    length_cm: Decimal | None
    width_cm: Decimal | None
    height_cm: Decimal | None
    contents: list[ContentOut]

    @staticmethod
    def resolve_sscc(carton: Carton) -> str | None:
        return carton.sscc or None

    @staticmethod
    def resolve_contents(carton: Carton) -> list[dict]:
        return grouped(carton.packed)


class ShipmentOut(Schema):
    id: int
    number: str
    status: ShipmentStatus
    site: str
    order: str
    customer: str
    customer_reference: str
    carrier: str
    service: str
    tracking_number: str | None
    created_at: datetime.datetime
    shipped_at: datetime.datetime | None
    cartons: list[CartonOut]
    updated_at: datetime.datetime

    @staticmethod
    def resolve_site(shipment: Shipment) -> str:
        return shipment.order.site.code

    @staticmethod
    def resolve_order(shipment: Shipment) -> str:
        return shipment.order.number

    @staticmethod
    def resolve_customer(shipment: Shipment) -> str:
        return shipment.order.customer.code

    @staticmethod
    def resolve_customer_reference(shipment: Shipment) -> str:
        return shipment.order.customer_reference

    @staticmethod
    def resolve_tracking_number(shipment: Shipment) -> str | None:
        return shipment.tracking_number or None

    @staticmethod
    def resolve_cartons(shipment: Shipment) -> list[Carton]:
        return shipment.boxes


ShipmentPage = page_of(ShipmentOut)


def _shipments(request):
    lines = CartonLine.objects.select_related("item", "lot", "serial").order_by("pk")
    cartons = Carton.objects.order_by("pk").prefetch_related(
        Prefetch("lines", queryset=lines, to_attr="packed")
    )
    return (
        Shipment.objects.filter(tenant=request.tenant)
        .select_related("order__site", "order__customer")
        .prefetch_related(Prefetch("cartons", queryset=cartons, to_attr="boxes"))
    )


@router.get("/shipments", response=answers(ShipmentPage), summary="List shipments")
def list_shipments(
    request,
    page: Query[PageQuery],
    status: ShipmentStatus | None = None,
    site: Code | None = None,
    order: Code | None = None,
):
    """Shipments oldest change first, each with its cartons (SSCC, weight, contents).

    `status` open or shipped; `site` the shipping site's code; `order` a sales order number.
    Confirming a shipment changes it, so `updated_since` finds the ones that just left."""
    roles(request, permissions.SHIPMENT_READERS)
    shipments = _shipments(request)
    shipments = where(shipments, status=status, order__site__code=site, order__number=order)
    return keyset(shipments, page)


@router.get("/shipments/{shipment_id}", response=answers(ShipmentOut), summary="One shipment")
def get_shipment(request, shipment_id: Id):
    """A shipment with its carrier, tracking number and cartons."""
    roles(request, permissions.SHIPMENT_READERS)
    return get_object_or_404(_shipments(request), pk=shipment_id)
