"""Reads of the warehouse's tables for pages and tasks."""

from __future__ import annotations

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from erp.parsing import parse_ids
from orders.models import OrderStatus, SalesOrder, SalesOrderLine
from warehouse.models import (
    Carton,
    CartonLine,
    CountRequest,
    FloorException,
    PickState,
    PickTask,
    Shipment,
    ShipmentStatus,
    ShippingSettings,
)

# Outbound: waves, picking, packing and shipping.


def floor_exceptions(*, tenant) -> QuerySet[FloorException]:
    return FloorException.objects.filter(tenant=tenant).select_related(
        "order", "task__batch__wave", "item", "location", "created_by", "acknowledged_by"
    )


def open_count_requests(*, tenant) -> QuerySet[CountRequest]:
    return (
        CountRequest.objects.filter(tenant=tenant, done=False)
        .select_related("location__site")
        .order_by("created_at", "id")
    )


def outbound_orders(*, tenant) -> QuerySet[SalesOrder]:
    """Orders on the floor (being picked, packed or partly shipped), for the stations."""
    return SalesOrder.objects.filter(
        tenant=tenant,
        status__in=[OrderStatus.PICKING, OrderStatus.PACKED, OrderStatus.SHIPPED],
    ).select_related("customer", "site", "ship_to")


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of `queryset` (so other joins cannot multiply it)."""
    counted = queryset.order_by().annotate(one=Value(1)).values("one")
    return Coalesce(
        Subquery(counted.annotate(n=Count("*")).values("n")[:1], output_field=IntegerField()), 0
    )


def _open_tasks():
    return PickTask.objects.filter(order=OuterRef("pk"), state=PickState.OPEN)


def packing_queue(*, tenant) -> QuerySet[SalesOrder]:
    """Orders fully picked (no open task) and not yet declared packed, oldest promise first."""
    return (
        SalesOrder.objects.filter(tenant=tenant, status=OrderStatus.PICKING)
        .exclude(Exists(_open_tasks()))
        .select_related("customer", "site")
        .annotate(
            picked=Sum("lines__picked_base"),
            carton_count=_count(Carton.objects.filter(order=OuterRef("pk"))),
        )
        .order_by("promised_date", "pk")
    )


def still_picking(*, tenant) -> QuerySet[SalesOrder]:
    return (
        SalesOrder.objects.filter(tenant=tenant, status=OrderStatus.PICKING)
        .filter(Exists(_open_tasks()))
        .select_related("customer", "site")
        .order_by("promised_date", "pk")
    )


def ship_queue(*, tenant) -> QuerySet[SalesOrder]:
    """Packed orders with closed cartons not yet on a shipment."""
    ready = Carton.objects.filter(order=OuterRef("pk"), closed=True, shipment__isnull=True)
    return (
        SalesOrder.objects.filter(tenant=tenant, status=OrderStatus.PACKED)
        .filter(Exists(ready))
        .select_related("customer", "site")
        .annotate(ready_cartons=_count(ready))
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


def cartons(*, tenant) -> QuerySet[Carton]:
    return Carton.objects.filter(tenant=tenant).select_related(
        "order__customer", "order__site", "order__ship_to", "shipment"
    )


def order_cartons(*, tenant, order: SalesOrder) -> list[Carton]:
    """The order's cartons, oldest first, each with `contents` (its lines) loaded."""
    return _with_contents(cartons(tenant=tenant).filter(order=order))


def carton_number(*, tenant, carton: Carton) -> int:
    """The carton's place among its order's cartons (1 for the first), as labels count them."""
    return Carton.objects.filter(tenant=tenant, order_id=carton.order_id, pk__lte=carton.pk).count()


def shipment_cartons(*, tenant, shipment: Shipment) -> list[Carton]:
    return _with_contents(cartons(tenant=tenant).filter(shipment=shipment))


def _with_contents(queryset: QuerySet[Carton]) -> list[Carton]:
    return list(
        queryset.prefetch_related(
            Prefetch(
                "lines",
                queryset=CartonLine.objects.select_related("item", "lot", "serial", "order_line"),
                to_attr="contents",
            )
        ).order_by("pk")
    )


def sales_order_lines(*, tenant, order: SalesOrder) -> QuerySet[SalesOrderLine]:
    return (
        SalesOrderLine.objects.filter(tenant=tenant, order=order)
        .select_related("item")
        .order_by("line_no")
    )


def pack_lines(*, tenant, order: SalesOrder) -> list[SalesOrderLine]:
    """The order's lines with what is picked, packed (in cartons not yet shipped) and left."""
    from warehouse.packing.services import packed_by_line

    packed = packed_by_line(tenant=tenant, order=order)
    lines = list(sales_order_lines(tenant=tenant, order=order))
    for line in lines:
        line.packed = packed[line.pk]
        line.to_pack = line.picked_base - line.packed
    return lines


def find_outbound_order(*, tenant, text: str) -> SalesOrder | None:
    """An order on the floor by its number, the customer's reference, or a carton's SSCC."""
    from inventory.scanning import parse_scan

    text = text.strip()
    if not text:
        return None
    orders = outbound_orders(tenant=tenant)
    scan = parse_scan(text)
    sscc = scan.sscc or (text if text.isascii() and text.isdigit() and len(text) == 18 else None)
    if sscc:
        return orders.filter(
            pk__in=Carton.objects.filter(tenant=tenant, sscc=sscc).values("order_id")
        ).first()
    # An order-number label read by a scanner that sends symbology identifiers: scan.raw.
    return (
        orders.filter(number__iexact=scan.raw).first()
        or orders.filter(customer_reference__iexact=scan.raw).first()
    )


def shipping_settings(*, tenant) -> ShippingSettings | None:
    return ShippingSettings.objects.filter(tenant=tenant).first()


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


def base_gtins(*, tenant, item_ids) -> dict[int, str]:
    """Item id -> the GTIN of its base unit (the unit cartons are counted in), where set."""
    from inventory.models import ItemUnit

    gtins = {}
    for item_id, code, base_unit, gtin in (
        ItemUnit.objects.filter(tenant=tenant, item_id__in=list(item_ids))
        .exclude(gtin="")
        .values_list("item_id", "code", "item__base_unit", "gtin")
    ):
        if code == base_unit:
            gtins[item_id] = gtin
    return gtins
