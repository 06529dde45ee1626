"""Reads of shipping: packed orders waiting to ship, and shipments with their cartons."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum

from erp.parsing import parse_ids
from orders.models import OrderStatus, SalesOrder
from warehouse.models import Carton, CartonLine, CartonStatus, Shipment, ShipmentStatus
from warehouse.stations import cartons, count_of, with_contents


def ship_queue(*, tenant) -> QuerySet[SalesOrder]:
    """Packed orders with closed cartons not yet on a shipment."""
    ready = Carton.objects.filter(order=OuterRef("pk"), status="closed", shipment__isnull=True)
    return (
        SalesOrder.objects.filter(tenant=tenant, status=OrderStatus.PACKED)
        .filter(Exists(ready))
        .select_related("customer", "site")
        .annotate(ready_cartons=count_of(ready))
        .order_by("promised_date", "pk")
    )


def shipments(*, tenant) -> QuerySet[Shipment]:
    return (
        Shipment.objects.filter(tenant=tenant)
        .select_related("order__customer", "order__site", "order__ship_to", "shipped_by")
        .annotate(carton_count=Count("cartons"), weight=Sum("cartons__weight_kg"))
    )


def open_shipments(*, tenant) -> QuerySet[Shipment]:
    return shipments(tenant=tenant).filter(status=ShipmentStatus.OPEN).order_by("created_at", "id")


def shipment_cartons(*, tenant, shipment: Shipment) -> list[Carton]:
    return with_contents(cartons(tenant=tenant).filter(shipment=shipment))


def shipment_of_cartons(*, tenant, order: SalesOrder, carton_ids: list[str]) -> Shipment | None:
    """The one shipment already holding every one of these cartons of `order`, if any."""
    ids = parse_ids(carton_ids)
    if not ids:
        return None
    found = set(
        Carton.objects.filter(tenant=tenant, order=order, pk__in=ids).values_list(
            "shipment_id", flat=True
        )
    )
    if len(found) != 1 or None in found:
        return None
    return shipments(tenant=tenant).filter(pk=found.pop()).first()


def shipped_contents(*, tenant) -> QuerySet[CartonLine]:
    """What left on confirmed shipments, line by line (item, lot, serial, quantity), with the
    order line, its order's customer and the shipment (returns trace a unit back by these)."""
    return CartonLine.objects.filter(
        tenant=tenant, carton__status=CartonStatus.SHIPPED
    ).select_related("order_line__order__customer", "item", "lot", "serial", "carton__shipment")
