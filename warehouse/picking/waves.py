"""Waves: choose released orders, then release the wave into batches of pick tasks."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from erp import numbering
from erp.models import Tenant, User
from erp.roles import require_role
from inventory.models import Location, Reservation, Site, Zone
from orders.models import OrderStatus, SalesOrder, SalesOrderLine
from orders.services import fulfilment
from orders.services.sales_orders import SOURCE
from warehouse import permissions
from warehouse.errors import WarehouseError
from warehouse.models import PickBatch, PickTask, Wave, WaveOrder, WaveStatus, WorkKind
from warehouse.states import wave_machine
from warehouse.workqueue import services as work

PLANNERS = permissions.SUPERVISORS


def staging_for(*, tenant: Tenant, site: Site) -> Location:
    """Where picks of a site go: a staging bin in a packing zone, else any staging bin."""
    locations = Location.objects.filter(
        tenant=tenant, kind="bin", site=site, bin__bin_type="staging", bin__is_active=True
    ).select_related("bin")
    location = (
        locations.filter(bin__zone__zone_type="packing")
        .order_by("bin__walk_sequence", "bin__code")
        .first()
        or locations.order_by("bin__walk_sequence").first()
    )
    if location is None:
        raise WarehouseError(
            f"Site {site.code} has no active staging bin for picked goods; add one under Settings > Bins."
        )
    return location


def candidate_orders(
    *,
    tenant: Tenant,
    site: Site,
    carrier: str = "",
    route: str = "",
    cutoff: datetime.date | None = None,
):
    """Released orders of the site not yet in a live wave, narrowed by the wave's filters."""
    in_waves = WaveOrder.objects.filter(
        tenant=tenant, wave__status__in=[WaveStatus.PLANNED, WaveStatus.RELEASED]
    ).values("order_id")
    orders = SalesOrder.objects.filter(
        tenant=tenant, site=site, status=OrderStatus.RELEASED
    ).exclude(pk__in=in_waves)
    if carrier:
        orders = orders.filter(carrier__iexact=carrier)
    if route:
        orders = orders.filter(route__iexact=route)
    if cutoff:
        orders = orders.filter(promised_date__lte=cutoff)
    return orders.select_related("customer").order_by("customer__priority", "promised_date", "pk")


def next_number(tenant: Tenant) -> str:
    return numbering.next_number(Wave, tenant=tenant, prefix="W-", width=5)


@transaction.atomic
def create_wave(
    *, tenant: Tenant, user: User, site: Site, carrier: str = "", route: str = "",
    cutoff: datetime.date | None = None, zone: Zone | None = None, orders_per_batch: int = 4,
) -> Wave:  # fmt: skip
    """A planned wave of every released order matching the filters (at least one)."""
    require_role(tenant=tenant, user=user, roles=PLANNERS)
    orders = list(
        candidate_orders(
            tenant=tenant, site=site, carrier=carrier, route=route, cutoff=cutoff
        ).select_for_update(of=("self",))
    )
    if not orders:
        raise WarehouseError("No orders released to the warehouse match these filters.")
    if orders_per_batch < 1:
        raise WarehouseError("A batch holds at least one order.")
    wave = Wave.objects.create(
        tenant=tenant, number=next_number(tenant), site=site, carrier=carrier, route=route,
        cutoff=cutoff, zone=zone, orders_per_batch=orders_per_batch,
        staging=staging_for(tenant=tenant, site=site), created_by=user,
    )  # fmt: skip
    WaveOrder.objects.bulk_create(
        [WaveOrder(tenant=tenant, wave=wave, order=order) for order in orders]
    )
    return wave


@transaction.atomic
def release_wave(*, tenant: Tenant, user: User, wave: Wave) -> list[PickBatch]:
    """Turn the wave's reservations into pick tasks: orders grouped into batches (one picker,
    several orders, each with its own tote), tasks sorted by the bins' walk sequence.
    Raises `InvalidTransition` unless the wave is planned."""
    wave_machine.authorize(tenant=tenant, user=user, action="release")
    wave = (
        Wave.objects.select_for_update(of=("self",))
        .select_related("staging")
        .get(tenant=tenant, pk=wave.pk)
    )
    wave_machine.check(wave, "release", tenant=tenant, user=user)
    orders = list(
        SalesOrder.objects.select_for_update()
        .filter(tenant=tenant, pk__in=wave.wave_orders.values("order_id"))
        .order_by("pk")
    )
    reservations = Reservation.objects.filter(
        tenant=tenant,
        source_type=SOURCE,
        source_id__in=SalesOrderLine.objects.filter(order__in=orders).values("pk"),
    ).select_related("balance__location__bin", "balance__lot", "balance__serial")
    if wave.zone_id:
        reservations = reservations.filter(Q(balance__location__bin__zone_id=wave.zone_id))
    lines = {
        line.pk: line for line in SalesOrderLine.objects.filter(tenant=tenant, order__in=orders)
    }
    by_order: dict[int, list[Reservation]] = defaultdict(list)
    for reservation in reservations:
        by_order[lines[reservation.source_id].order_id].append(reservation)
    pickable = [order for order in orders if by_order.get(order.pk)]
    if not pickable:
        raise WarehouseError(
            f"{wave.number} has nothing reserved to pick"
            + (" in its zone." if wave.zone_id else ".")
        )
    batches = []
    for start in range(0, len(pickable), wave.orders_per_batch):
        batch = PickBatch.objects.create(tenant=tenant, wave=wave, number=len(batches) + 1)
        batches.append(batch)
        work_items = []
        for tote, order in enumerate(pickable[start : start + wave.orders_per_batch], start=1):
            for reservation in by_order[order.pk]:
                balance = reservation.balance
                line = lines[reservation.source_id]
                work_items.append(
                    (
                        balance.location.bin.walk_sequence,
                        balance.location.bin.code,
                        tote,
                        reservation,
                        line,
                    )
                )
        work_items.sort(key=lambda w: (w[0], w[1], w[2]))
        PickTask.objects.bulk_create(
            [
                PickTask(
                    tenant=tenant, batch=batch, order_id=line.order_id, order_line=line, tote=tote,
                    sequence=sequence, item_id=line.item_id, lot=reservation.balance.lot,
                    serial=reservation.balance.serial, from_location=reservation.balance.location,
                    to_location=wave.staging, balance_id=reservation.balance_id, quantity=reservation.quantity,
                )
                for sequence, (_, _, tote, reservation, line) in enumerate(work_items, start=1)
            ]
        )  # fmt: skip
        totes = len(pickable[start : start + wave.orders_per_batch])
        work.add(
            tenant=tenant, kind=WorkKind.PICK, reference=batch.pk, site=wave.site, zone=wave.zone,
            summary=f"Batch {wave.number}-{batch.number}: {totes} order{'s' if totes != 1 else ''}, "
            f"{len(work_items)} pick{'s' if len(work_items) != 1 else ''}",
        )  # fmt: skip
    fulfilment.record_release_to_wave(tenant=tenant, user=user, orders=pickable)
    wave_machine.move(wave, "release", tenant=tenant, user=user)
    wave.released_at = timezone.now()
    wave.save(update_fields=["status", "released_at"])
    _replenish_if_drained(tenant, wave)
    return batches


def _replenish_if_drained(tenant: Tenant, wave: Wave) -> None:
    """Faces the wave drains are refilled now, not at the next scheduled run."""
    from erp.outbox import enqueue
    from warehouse.replenishment.selectors import wave_drains_faces
    from warehouse.tasks import replenish_task

    if wave_drains_faces(tenant=tenant, wave_id=wave.pk):
        enqueue(replenish_task, tenant.pk, wave.site_id)


@transaction.atomic
def cancel_wave(*, tenant: Tenant, user: User, wave: Wave, reason: str = "") -> Wave:
    """Drop a planned wave: nothing was made for it, and its orders wait for another wave.
    Raises `InvalidTransition` once it is released (its pick tasks are on the floor)."""
    wave_machine.authorize(tenant=tenant, user=user, action="cancel")
    wave = Wave.objects.select_for_update(of=("self",)).get(tenant=tenant, pk=wave.pk)
    wave_machine.move(wave, "cancel", tenant=tenant, user=user, reason=reason)
    wave.save(update_fields=["status"])
    return wave


# Orders that have left the floor: nothing of theirs is picked, packed or shipped any more.
OFF_THE_FLOOR = [
    OrderStatus.PARTIALLY_SHIPPED,
    OrderStatus.SHIPPED,
    OrderStatus.CLOSED,
    OrderStatus.CANCELLED,
]


def finish_waves_of(*, tenant: Tenant, user: User, order: SalesOrder) -> list[Wave]:
    """Mark done each released wave of `order` whose orders have all left the floor.

    Called in the shipment's transaction. Until a wave is done its orders are not offered to
    another one, so an order shipped in part and allocated again could never be waved."""
    finished = []
    for wave in Wave.objects.select_for_update().filter(
        tenant=tenant, status=WaveStatus.RELEASED, wave_orders__order=order
    ):
        in_wave = WaveOrder.objects.filter(tenant=tenant, wave=wave).values("order_id")
        on_floor = SalesOrder.objects.filter(tenant=tenant, pk__in=in_wave).exclude(
            status__in=OFF_THE_FLOOR
        )
        if on_floor.exists():
            continue
        wave_machine.move(
            wave, "finish", tenant=tenant, user=user,
            reason=f"every order shipped ({order.number} last)",
        )  # fmt: skip
        wave.save(update_fields=["status"])
        finished.append(wave)
    return finished
