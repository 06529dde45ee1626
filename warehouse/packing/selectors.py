"""Reads of packing: the orders ready to pack (or still being picked), what each line has
packed, and the GTINs a carton label prints."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet, Sum

from orders.models import OrderStatus, SalesOrder, SalesOrderLine
from warehouse.models import Carton, PickState, PickTask
from warehouse.packing.services import packed_by_line
from warehouse.stations import count_of, sales_order_lines


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
            carton_count=count_of(Carton.objects.filter(order=OuterRef("pk"))),
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


def carton_number(*, tenant, carton: Carton) -> int:
    """The carton's place among its order's cartons (1 for the first), as labels count them."""
    return Carton.objects.filter(tenant=tenant, order_id=carton.order_id, pk__lte=carton.pk).count()


def pack_lines(*, tenant, order: SalesOrder) -> list[SalesOrderLine]:
    """The order's lines with what is picked, packed (in cartons not yet shipped) and left."""
    packed = packed_by_line(tenant=tenant, order=order)
    lines = list(sales_order_lines(tenant=tenant, order=order))
    for line in lines:
        line.packed = packed[line.pk]
        line.to_pack = line.picked_base - line.packed
    return lines


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
