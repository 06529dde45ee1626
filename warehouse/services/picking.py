"""Picking: confirm a task (bin -> staging, consuming its reservation), and short picks.

A short pick records what was found, puts the missing units on hold in the bin (status
quarantine, pending a count) so nothing is promised from them again, flags the bin for a
count, raises an exception for the supervisor, and tries another bin for the rest; what no
bin has becomes a backorder on the line.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from erp.errors import InvalidTransition
from erp.models import Tenant, User
from erp.numbers import plain
from erp.roles import Role, require_role
from inventory import ledger
from inventory.models import Reservation, StockBalance, StockStatus, TransactionKind
from orders.models import SalesOrder, SalesOrderLine
from orders.services import allocation
from orders.services.sales_orders import SOURCE, publish_demand
from warehouse.errors import WarehouseError
from warehouse.models import (
    CountRequest,
    ExceptionKind,
    FloorException,
    PickBatch,
    PickState,
    PickTask,
)

PICKERS = [Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN]


def _reservation(tenant: Tenant, task: PickTask) -> Reservation | None:
    return (
        Reservation.objects.select_related("balance")
        .filter(
            tenant=tenant,
            source_type=SOURCE,
            source_id=task.order_line_id,
            balance_id=task.balance_id,
        )
        .first()
    )


@transaction.atomic
def confirm_pick(*, tenant: Tenant, user: User, task: PickTask, quantity: Decimal) -> PickTask:
    """Pick `quantity` (base units found in the bin, at most the task's) into staging.

    Lock order: the order, its line, the task, then the ledger (as allocation does).
    Less than asked is a short pick (see the module). A repeat on a finished task is refused.
    """
    require_role(tenant=tenant, user=user, roles=PICKERS)
    order = SalesOrder.objects.select_for_update().get(tenant=tenant, pk=task.order_id)
    line = (
        SalesOrderLine.objects.select_for_update(of=("self",))
        .select_related("item", "order")
        .get(tenant=tenant, pk=task.order_line_id)
    )
    task = (
        PickTask.objects.select_for_update(of=("self",))
        .select_related("item", "lot", "serial", "from_location", "to_location", "batch")
        .get(tenant=tenant, pk=task.pk)
    )
    if task.state != PickState.OPEN:
        raise InvalidTransition(
            document=f"Pick task #{task.pk}",
            current=task.get_state_display().lower(),
            target="picked",
        )
    quantity = Decimal(quantity)
    if quantity < 0 or quantity > task.quantity:
        raise WarehouseError(f"Pick between 0 and {plain(task.quantity)} {task.item.base_unit}.")
    reservation = _reservation(tenant, task)
    # Two tasks of one line may share a balance's reservation; each needs its part of it.
    if reservation is None or reservation.quantity < task.quantity:
        raise WarehouseError(
            f"The reservation behind pick task #{task.pk} has changed; ask a supervisor."
        )
    if quantity > 0:
        task.transaction = ledger.post(
            tenant=tenant, user=user, kind=TransactionKind.PICK,
            moves=[ledger.Move(item=task.item, quantity=quantity, source=task.from_location, destination=task.to_location, lot=task.lot, serial=task.serial)],
            consume=[ledger.Consume(reservation, quantity)],
            reference=f"{order.number}/{line.line_no} pick #{task.pk}", idempotency_key=f"pick:{task.pk}",
        )  # fmt: skip
    line.allocated_base -= quantity
    line.picked_base += quantity
    task.picked_quantity = quantity
    task.completed_by, task.completed_at = user, timezone.now()
    task.state = PickState.DONE if quantity == task.quantity else PickState.SHORT
    task.save(
        update_fields=["transaction", "picked_quantity", "completed_by", "completed_at", "state"]
    )
    line.save(update_fields=["allocated_base", "picked_base"])
    if task.state == PickState.SHORT:
        _short(tenant, user, order, line, task, task.quantity - quantity)
    return task


def _short(
    tenant: Tenant,
    user: User,
    order: SalesOrder,
    line: SalesOrderLine,
    task: PickTask,
    missing: Decimal,
) -> None:
    reservation = _reservation(tenant, task)
    if reservation is not None:
        ledger.release(tenant=tenant, user=user, reservation=reservation, quantity=missing)
    line.allocated_base -= missing
    line.save(update_fields=["allocated_base"])
    balance = StockBalance.objects.get(tenant=tenant, pk=task.balance_id)
    hold = min(missing, balance.on_hand - balance.reserved)
    if hold > 0:
        # The bin's count is wrong: hold the missing units there until someone counts it.
        ledger.post(
            tenant=tenant, user=user, kind=TransactionKind.STATUS_CHANGE,
            moves=[ledger.Move(item=task.item, quantity=hold, source=task.from_location, destination=task.from_location, lot=task.lot, serial=task.serial, source_status=StockStatus.AVAILABLE, destination_status=StockStatus.QUARANTINE)],
            reference=f"short pick #{task.pk}", reason="missing at pick; held pending a count",
            idempotency_key=f"short-hold:{task.pk}",
        )  # fmt: skip
    CountRequest.objects.get_or_create(
        tenant=tenant,
        location=task.from_location,
        done=False,
        defaults={"reason": f"short pick #{task.pk} of {task.item.sku}"},
    )
    before = line.allocated_base
    allocation.allocate(tenant=tenant, user=None, orders=[order], items=[line.item_id])
    line.refresh_from_db()
    found_elsewhere = line.allocated_base - before
    new_tasks = _tasks_for_new_reservations(tenant, line, task)
    backordered = line.unallocated_base
    parts = []
    if found_elsewhere > 0:
        parts.append(
            f"{plain(found_elsewhere)} to pick from {', '.join(t.from_location.code for t in new_tasks)}"
        )
    if backordered > 0:
        parts.append(f"{plain(backordered)} backordered")
    FloorException.objects.create(
        tenant=tenant, kind=ExceptionKind.SHORT_PICK, order=order, task=task, item=task.item,
        location=task.from_location, expected=task.quantity, found=task.picked_quantity,
        outcome="; ".join(parts) or "nothing more needed", created_by=user,
    )  # fmt: skip
    publish_demand(tenant=tenant, lines=[line])


def _tasks_for_new_reservations(
    tenant: Tenant, line: SalesOrderLine, short_task: PickTask
) -> list[PickTask]:
    """Pick tasks (same batch and tote, after the others) for whatever the line has reserved
    beyond its open tasks: new bins, or more from a bin a task already visits."""
    covered: dict[int, Decimal] = defaultdict(Decimal)
    for balance_id, quantity in PickTask.objects.filter(
        tenant=tenant, order_line=line, state=PickState.OPEN
    ).values_list("balance_id", "quantity"):
        covered[balance_id] += quantity
    last = (
        PickTask.objects.filter(tenant=tenant, batch=short_task.batch)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
        or 0
    )
    made = []
    reservations = Reservation.objects.filter(
        tenant=tenant, source_type=SOURCE, source_id=line.pk
    ).select_related("balance__location__bin", "balance__lot", "balance__serial")
    for reservation in sorted(reservations, key=lambda r: r.balance.location.bin.walk_sequence):
        extra = reservation.quantity - covered[reservation.balance_id]
        if extra <= 0:
            continue
        last += 1
        made.append(
            PickTask.objects.create(
                tenant=tenant, batch=short_task.batch, order_id=line.order_id, order_line=line,
                tote=short_task.tote, sequence=last, item_id=line.item_id, lot=reservation.balance.lot,
                serial=reservation.balance.serial, from_location=reservation.balance.location,
                to_location=short_task.to_location, balance_id=reservation.balance_id, quantity=extra,
            )
        )  # fmt: skip
    return made


def next_task(*, tenant: Tenant, user: User) -> PickTask | None:
    """The next open task of the batch this picker is working, else of the oldest open batch
    (which then becomes theirs)."""
    open_tasks = PickTask.objects.filter(tenant=tenant, state=PickState.OPEN).select_related(
        "batch__wave", "item", "lot", "serial", "from_location", "order"
    )
    mine = open_tasks.filter(batch__picker=user).order_by("batch_id", "sequence").first()
    if mine is not None:
        return mine
    task = (
        open_tasks.filter(batch__picker__isnull=True)
        .order_by("batch__wave__released_at", "batch_id", "sequence")
        .first()
    )
    if task is not None:
        with transaction.atomic():
            type(task.batch).objects.filter(
                tenant=tenant, pk=task.batch_id, picker__isnull=True
            ).update(picker=user)
    return task


@dataclass
class PickResult:
    task: PickTask
    repeat: bool  # the task was confirmed before (a double submit): nothing was done
    message: str


def _unit(task: PickTask) -> str:
    return task.item.base_unit


def _describe(task: PickTask, *, repeat: bool) -> str:
    what = f"{task.item.sku} from {task.from_location.code}"
    if task.state == PickState.CANCELLED:
        return f"Pick #{task.pk} was cancelled; nothing to pick."
    if repeat:
        return (
            f"Pick #{task.pk} was already confirmed: {plain(task.picked_quantity)} of "
            f"{plain(task.quantity)} {_unit(task)} of {what}."
        )
    if task.state == PickState.DONE:
        return f"Picked {plain(task.quantity)} {_unit(task)} of {what} into tote {task.tote}."
    exception = task.exceptions.order_by("-pk").first()
    outcome = exception.outcome if exception else ""
    return (
        f"Short pick: {plain(task.picked_quantity)} of {plain(task.quantity)} {_unit(task)} of "
        f"{what}; {outcome}. {task.from_location.code} is flagged for a count."
    )


@transaction.atomic
def pick_scanned(
    *, tenant: Tenant, user: User, task: PickTask, bin_code: str, item_code: str,
    quantity: Decimal, lot_code: str = "", serial_code: str = "",
) -> PickResult:  # fmt: skip
    """Confirm a pick from what the operator scanned: the task's bin, then its item (GTIN,
    GS1-128 or SKU) with the task's lot or serial when it is tracked, and the quantity found
    (less than asked is a short pick, see the module). An empty bin (0 found) needs no item
    scan. A repeat on a confirmed task, e.g. a double submit, changes nothing and reports what
    was confirmed. Errors: WarehouseError / InvalidPosting naming what did not match."""
    from inventory import scanning

    require_role(tenant=tenant, user=user, roles=PICKERS)
    task = (
        PickTask.objects.select_related("item", "lot", "serial", "from_location")
        .filter(tenant=tenant)
        .get(pk=task.pk)
    )
    if task.state != PickState.OPEN:
        return PickResult(task, True, _describe(task, repeat=True))
    location = scanning.resolve_bin(tenant=tenant, code=bin_code, site=task.from_location.site_id)
    if location.pk != task.from_location_id:
        raise WarehouseError(
            f"Wrong bin: {location.code} scanned; this pick is from {task.from_location.code}."
        )
    quantity = Decimal(quantity)
    if item_code.strip():
        item, _, scan = scanning.resolve_item(tenant=tenant, text=item_code)
        if item.pk != task.item_id:
            raise WarehouseError(f"Wrong item: {item.sku} scanned; pick {task.item.sku}.")
        _check_tracking(task, lot=scan.lot or lot_code, serial=scan.serial or serial_code)
    elif quantity > 0:
        raise WarehouseError(f"Scan {task.item.sku} (or type its SKU) to confirm the item.")
    try:
        task = confirm_pick(tenant=tenant, user=user, task=task, quantity=quantity)
    except InvalidTransition:
        # A double submit that waited for the first one's locks: report what that one did.
        task.refresh_from_db()
        if task.state == PickState.OPEN:
            raise
        return PickResult(task, True, _describe(task, repeat=True))
    return PickResult(task, False, _describe(task, repeat=False))


def _check_tracking(task: PickTask, *, lot: str, serial: str) -> None:
    lot, serial = lot.strip(), serial.strip()
    if task.lot_id:
        if not lot:
            raise WarehouseError(
                f"{task.item.sku} is lot-tracked: scan its GS1 label or type lot {task.lot.code}."
            )
        if lot.casefold() != task.lot.code.casefold():
            raise WarehouseError(f"Wrong lot: {lot} scanned; this pick is lot {task.lot.code}.")
    if task.serial_id:
        if not serial:
            raise WarehouseError(
                f"{task.item.sku} is serial-tracked: scan or type serial {task.serial.serial}."
            )
        if serial.casefold() != task.serial.serial.casefold():
            raise WarehouseError(
                f"Wrong serial: {serial} scanned; this pick is serial {task.serial.serial}."
            )


@transaction.atomic
def take_over(*, tenant: Tenant, user: User, batch: PickBatch) -> PickBatch:
    """Give an unfinished batch someone else started to `user` (a picker went home)."""
    require_role(tenant=tenant, user=user, roles=PICKERS)
    batch = PickBatch.objects.select_for_update().get(tenant=tenant, pk=batch.pk)
    if not batch.tasks.filter(state=PickState.OPEN).exists():
        raise WarehouseError(f"Batch {batch.number} has nothing left to pick.")
    batch.picker = user
    batch.save(update_fields=["picker"])
    return batch


def batches_of_others(*, tenant: Tenant, user: User):
    """Open batches another picker holds, oldest first (offered for take-over)."""
    return (
        PickBatch.objects.filter(tenant=tenant, tasks__state=PickState.OPEN, picker__isnull=False)
        .exclude(picker=user)
        .select_related("wave", "picker")
        .distinct()
        .order_by("wave__released_at", "number")
    )
