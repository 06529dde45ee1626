"""Reads of the warehouse's tables for pages and tasks."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from erp.parsing import parse_ids
from inventory.models import Reservation, Site, Zone
from orders.models import OrderStatus, SalesOrder, SalesOrderLine
from orders.services.sales_orders import SOURCE as ORDER_LINE
from warehouse.models import (
    Carton,
    CartonLine,
    CountRequest,
    FloorException,
    PickBatch,
    PickState,
    PickTask,
    Shipment,
    ShipmentStatus,
    ShippingSettings,
    Wave,
)
from warehouse.picking.waves import candidate_orders

# Outbound: waves, picking, packing and shipping.


def waves(*, tenant) -> QuerySet[Wave]:
    return (
        Wave.objects.filter(tenant=tenant)
        .select_related("site", "zone", "staging", "created_by")
        .annotate(
            order_count=Count("wave_orders", distinct=True),
            batch_count=Count("batches", distinct=True),
        )
    )


def wave_orders(*, tenant, wave: Wave) -> QuerySet[SalesOrder]:
    return (
        SalesOrder.objects.filter(tenant=tenant, pk__in=wave.wave_orders.values("order_id"))
        .select_related("customer")
        .order_by("customer__priority", "promised_date", "pk")
    )


def waiting_for_a_wave(*, tenant, site: Site) -> dict[str, int]:
    """Why a wave would take nothing at `site`: orders released to the warehouse that no live
    wave holds (whatever the filters), and allocated orders still in the pool to release."""
    return {
        "released": candidate_orders(tenant=tenant, site=site).count(),
        "to_release": SalesOrder.objects.filter(
            tenant=tenant,
            site=site,
            status__in=[OrderStatus.ALLOCATED, OrderStatus.PARTIALLY_ALLOCATED],
        ).count(),
    }


def wave_preview(
    *, tenant, site: Site, carrier: str = "", route: str = "", cutoff=None, zone: Zone | None = None
) -> list[SalesOrder]:
    """The released orders a wave with these filters would take, each with its line count and
    reserved quantity (`in_zone`: the part reserved in `zone`, which alone gets picked)."""
    orders = list(
        candidate_orders(tenant=tenant, site=site, carrier=carrier, route=route, cutoff=cutoff)[
            :500
        ]
    )
    lines = dict(
        SalesOrderLine.objects.filter(tenant=tenant, order__in=orders).values_list("pk", "order_id")
    )
    reserved: dict[int, Decimal] = defaultdict(Decimal)
    in_zone: dict[int, Decimal] = defaultdict(Decimal)
    line_count: dict[int, int] = defaultdict(int)
    for order_id in lines.values():
        line_count[order_id] += 1
    for source_id, quantity, zone_id in Reservation.objects.filter(
        tenant=tenant, source_type=ORDER_LINE, source_id__in=list(lines)
    ).values_list("source_id", "quantity", "balance__location__bin__zone_id"):
        reserved[lines[source_id]] += quantity
        if zone is not None and zone_id == zone.pk:
            in_zone[lines[source_id]] += quantity
    for order in orders:
        order.line_count = line_count[order.pk]
        order.reserved = reserved[order.pk]
        order.in_zone = in_zone[order.pk] if zone is not None else reserved[order.pk]
    return orders


def batches(*, tenant) -> QuerySet[PickBatch]:
    return PickBatch.objects.filter(tenant=tenant).select_related("wave__site", "picker")


def batch_progress(*, tenant, wave: Wave) -> QuerySet[PickBatch]:
    """The wave's batches with their tasks counted by state and the totes' orders."""
    return (
        batches(tenant=tenant)
        .filter(wave=wave)
        .annotate(
            open_count=Count("tasks", filter=Q(tasks__state=PickState.OPEN)),
            picked_count=Count("tasks", filter=Q(tasks__state=PickState.DONE)),
            short_count=Count("tasks", filter=Q(tasks__state=PickState.SHORT)),
            task_count=Count("tasks", filter=~Q(tasks__state=PickState.CANCELLED)),
            order_count=Count("tasks__order", distinct=True),
        )
        .order_by("number")
    )


def pick_tasks(*, tenant) -> QuerySet[PickTask]:
    return PickTask.objects.filter(tenant=tenant).select_related(
        "batch__wave", "batch__picker", "order", "order_line", "item", "lot", "serial",
        "from_location", "to_location", "completed_by",
    )  # fmt: skip


def batch_tasks(*, tenant, batch: PickBatch) -> QuerySet[PickTask]:
    """A batch's tasks in walk order (tasks added by a short pick come last)."""
    return pick_tasks(tenant=tenant).filter(batch=batch).order_by("sequence", "id")


def my_next_pick(*, tenant, user) -> PickTask | None:
    """The next open task of a batch `user` has started (or taken over), if any."""
    return (
        pick_tasks(tenant=tenant)
        .filter(state=PickState.OPEN, batch__picker=user)
        .order_by("batch_id", "sequence", "id")
        .first()
    )


def waiting_batches(*, tenant, exclude: int | None = None, site=None) -> QuerySet[PickBatch]:
    """Batches nobody has started that still have picks, in the order they should go out
    (oldest released wave first), with how many picks and orders each holds; only the waves
    of `site` (the picker's) when given."""
    batches = PickBatch.objects.filter(tenant=tenant)
    if site is not None:
        batches = batches.filter(wave__site=site)
    batches = (
        batches.filter(picker__isnull=True, tasks__state=PickState.OPEN)
        .select_related("wave__site", "wave__staging")
        .annotate(
            open_picks=Count("tasks", filter=Q(tasks__state=PickState.OPEN), distinct=True),
            order_count=Count("tasks__order", distinct=True),
        )
        .order_by("wave__released_at", "wave_id", "number")
    )
    return batches.exclude(pk=exclude) if exclude else batches


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
