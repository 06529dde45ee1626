"""Reads of waves and picking: waves and what a new one would take, their batches, and the
pick tasks operators walk."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from inventory.models import Reservation, Site, Zone
from orders.models import OrderStatus, SalesOrder, SalesOrderLine
from orders.services.sales_orders import SOURCE as ORDER_LINE
from warehouse.models import PickBatch, PickState, PickTask, Wave
from warehouse.picking.waves import candidate_orders


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
