"""Picking: confirm a task (bin -> staging, consuming its reservation), and short picks.

A short pick records what was found, puts the missing units on hold in the bin (status
quarantine, pending a count) so nothing is promised from them again, flags the bin for a
count, raises an exception for the supervisor, and tries another bin for the rest; what no
bin has becomes a backorder on the line. The short bin's other free units of that stock are held
with the missing ones, so the rest never goes back to it.
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
from erp.roles import require_role
from inventory import ledger
from inventory.models import Reservation, StockBalance, StockStatus, TransactionKind
from orders.models import SalesOrder, SalesOrderLine
from orders.services import fulfilment
from orders.services.sales_orders import SOURCE
from warehouse import alerts, permissions
from warehouse.counting import services as counting
from warehouse.counting import triggers
from warehouse.errors import BatchTaken, WarehouseError
from warehouse.models import (
    CountRequest,
    ExceptionKind,
    FloorException,
    PickBatch,
    PickState,
    PickTask,
    WorkKind,
)
from warehouse.picking import steps
from warehouse.states import batch_machine, pick_machine
from warehouse.workqueue import services as work

PICKERS = permissions.FLOOR


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

    Lock order: the order, its line, the task, then the ledger (as allocation does), then
    the batch, which is done once none of its tasks is open. Less than asked is a short pick
    (see the module). A repeat on a finished task is refused (`InvalidTransition`).
    """
    pick_machine.authorize(tenant=tenant, user=user, action="pick")
    order = fulfilment.lock_order(tenant=tenant, order_id=task.order_id)
    line = fulfilment.lock_line(tenant=tenant, line_id=task.order_line_id)
    task = (
        PickTask.objects.select_for_update(of=("self",))
        .select_related("item", "lot", "serial", "from_location", "to_location", "batch")
        .get(tenant=tenant, pk=task.pk)
    )
    pick_machine.check(task, "pick", tenant=tenant, user=user)
    quantity = Decimal(quantity)
    if quantity < 0 or quantity > task.quantity:
        raise WarehouseError(
            f"Pick between 0 and {plain(task.quantity)} {task.item.base_unit}.", field="quantity"
        )
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
    line = fulfilment.record_pick(
        tenant=tenant, user=user, line=line, quantity=quantity, reference=f"pick #{task.pk}"
    )
    task.picked_quantity = quantity
    task.completed_by, task.completed_at = user, timezone.now()
    short = quantity < task.quantity
    pick_machine.move(task, "short" if short else "pick", tenant=tenant, user=user)
    task.save(
        update_fields=["transaction", "picked_quantity", "completed_by", "completed_at", "state"]
    )
    if short:
        _short(tenant, user, order, line, task, task.quantity - quantity)
    # After the short pick's own flag, so a bin both short and emptied keeps that count's reason.
    triggers.count_pick_faces(tenant=tenant, user=user, posting=task.transaction)
    _finish_batch(tenant, user, task.batch_id)
    return task


def _finish_batch(tenant: Tenant, user: User, batch_id: int) -> None:
    """Mark the batch done when none of its tasks is open (a short pick may have added
    some). Counted under the batch's lock, so of two last picks the second sees the first."""
    batch = PickBatch.objects.select_for_update(of=("self",)).get(tenant=tenant, pk=batch_id)
    if batch.tasks.filter(state=PickState.OPEN).exists():
        return
    batch_machine.move(batch, "finish", tenant=tenant, user=user)
    batch.done_at = timezone.now()
    batch.save(update_fields=["status", "done_at"])
    work.finish(tenant=tenant, user=user, kind=WorkKind.PICK, reference=batch.pk)


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
    balance = StockBalance.objects.get(tenant=tenant, pk=task.balance_id)
    # The bin held less than asked, so whatever more the system says it holds of this stock is
    # in doubt too: all of it not promised elsewhere is held until someone counts the bin.
    # Holding only the missing units left the rest available, and the re-allocation below sent
    # the next pick straight back to the bin that just came up short.
    hold = balance.on_hand - balance.reserved
    if hold > 0:
        ledger.post(
            tenant=tenant, user=user, kind=TransactionKind.STATUS_CHANGE,
            moves=[ledger.Move(item=task.item, quantity=hold, source=task.from_location, destination=task.from_location, lot=task.lot, serial=task.serial, source_status=StockStatus.AVAILABLE, destination_status=StockStatus.QUARANTINE)],
            reference=f"short pick #{task.pk}", reason="missing at pick; held pending a count",
            idempotency_key=f"short-hold:{task.pk}",
        )  # fmt: skip
    request, _created = CountRequest.objects.get_or_create(
        tenant=tenant,
        location=task.from_location,
        done=False,
        defaults={"reason": f"short pick #{task.pk} of {task.item.sku}"},
    )
    # The flag becomes a count task at once: the held stock waits for its decision.
    counting.count_flagged_bin(tenant=tenant, user=user, request=request)
    # After the hold, so that allocation does not send the rest back to this bin.
    outcome = fulfilment.record_short(
        tenant=tenant, user=user, line=line, missing=missing, reference=f"pick #{task.pk}"
    )
    found_elsewhere, backordered = outcome.found_elsewhere, outcome.backordered
    new_tasks = _tasks_for_new_reservations(tenant, outcome.line, task)
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
    alerts.short_pick_recorded(tenant=tenant)


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


def _next_waiting(tenant: Tenant, batch: PickBatch) -> PickBatch | None:
    from warehouse.picking import selectors

    return selectors.waiting_batches(tenant=tenant, exclude=batch.pk).first()


@transaction.atomic
def start_batch(*, tenant: Tenant, user: User, batch: PickBatch) -> PickBatch:
    """Make an unstarted batch `user`'s to pick. Only operators and supervisors pick.

    The claim is made under the batch's row lock: of two pickers starting it at once, the
    second waits for the first, then finds it claimed and gets `BatchTaken` naming who has
    it and the next waiting batch. Starting a batch one already holds (a double tap)
    changes nothing."""
    batch_machine.authorize(tenant=tenant, user=user, action="start")
    # The picker is read after the lock, not joined into it: a row locked after waiting is
    # read again, but a joined row is not, and the first picker's claim would go unseen.
    batch = (
        PickBatch.objects.select_for_update(of=("self",))
        .select_related("wave")
        .get(tenant=tenant, pk=batch.pk)
    )
    if not batch.tasks.filter(state=PickState.OPEN).exists():
        raise WarehouseError(f"Batch {batch} has nothing left to pick.")
    if batch.picker_id == user.pk:
        return batch
    if batch.picker_id is not None:
        raise BatchTaken(
            batch=batch,
            picker=batch.picker.get_short_name(),
            next_batch=_next_waiting(tenant, batch),
        )
    batch_machine.move(batch, "start", tenant=tenant, user=user)
    batch.picker = user
    batch.save(update_fields=["status", "picker"])
    work.record_start(tenant=tenant, user=user, kind=WorkKind.PICK, reference=batch.pk)
    return batch


@dataclass
class PickResult:
    task: PickTask
    repeat: bool  # the task was confirmed before (a double submit): nothing was done
    message: str
    # The field to scan next when what was scanned so far is right but the pick is not
    # complete yet (a scanner's Enter after the bin): nothing was done.
    needs: str = ""


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


def _check_holder(task: PickTask, user: User) -> None:
    batch = task.batch
    if batch.picker_id == user.pk:
        return
    if batch.picker_id is None:
        raise WarehouseError(f"Start batch {batch} before picking from it.")
    raise WarehouseError(
        f"Batch {batch} is being picked by {batch.picker.get_short_name()}; take it over first."
    )


@transaction.atomic
def pick_scanned(
    *, tenant: Tenant, user: User, task: PickTask, bin_code: str, item_code: str,
    quantity: Decimal, lot_code: str = "", serial_code: str = "",
) -> PickResult:  # fmt: skip
    """Confirm a pick from what the operator scanned: the task's bin, then its item (GTIN,
    GS1-128 or SKU) with the task's lot or serial when it is tracked, and the quantity found
    (less than asked is a short pick, see the module). An empty bin (0 found) needs no item
    scan. Scans that are right so far but incomplete (the bin alone, an item without its lot)
    return what to scan next (`needs`) and change nothing. A repeat on a confirmed task, e.g.
    a double submit, changes nothing and reports what was confirmed. Only the picker holding
    the batch picks from it. Errors: WarehouseError naming what did not match, with the
    form field it came from (`field`) when there is one."""
    require_role(tenant=tenant, user=user, roles=PICKERS)
    task = (
        PickTask.objects.select_related(
            "item", "lot", "serial", "from_location", "batch__wave", "batch__picker"
        )
        .filter(tenant=tenant)
        .get(pk=task.pk)
    )
    if task.state != PickState.OPEN:
        return PickResult(task, True, _describe(task, repeat=True))
    _check_holder(task, user)
    quantity = Decimal(quantity)
    wanted = steps.Wanted(task.from_location, task.item, task.lot, task.serial)
    needs = steps.check_scans(
        tenant=tenant, wanted=wanted, bin_code=bin_code, item_code=item_code,
        quantity=quantity, lot_code=lot_code, serial_code=serial_code,
    )  # fmt: skip
    if needs:
        return PickResult(task, False, needs[1], needs=needs[0])
    try:
        task = confirm_pick(tenant=tenant, user=user, task=task, quantity=quantity)
    except InvalidTransition:
        # A double submit that waited for the first one's locks: report what that one did.
        task.refresh_from_db()
        if task.state == PickState.OPEN:
            raise
        return PickResult(task, True, _describe(task, repeat=True))
    return PickResult(task, False, _describe(task, repeat=False))


@transaction.atomic
def take_over(
    *, tenant: Tenant, user: User, batch: PickBatch, from_picker: int | None = None
) -> PickBatch:
    """Give an unfinished batch someone else started to `user` (a picker went home).

    `from_picker` is the holder the taker saw: when someone else has taken the batch over
    since, `BatchTaken` says who, rather than silently taking it from them. A batch nobody
    holds is refused (`InvalidTransition`): it is started, not taken over."""
    batch_machine.authorize(tenant=tenant, user=user, action="take_over")
    # The picker is read after the lock, not joined into it: a row locked after waiting is
    # read again, but a joined row is not, and the first picker's claim would go unseen.
    batch = (
        PickBatch.objects.select_for_update(of=("self",))
        .select_related("wave")
        .get(tenant=tenant, pk=batch.pk)
    )
    if not batch.tasks.filter(state=PickState.OPEN).exists():
        raise WarehouseError(f"Batch {batch} has nothing left to pick.")
    if batch.picker_id == user.pk:
        return batch
    if from_picker is not None and batch.picker_id not in (None, from_picker):
        raise BatchTaken(
            batch=batch, picker=batch.picker.get_short_name(), taken_over=True,
            next_batch=_next_waiting(tenant, batch),
        )  # fmt: skip
    held_by = f"from {batch.picker.get_short_name()}" if batch.picker_id else ""
    batch_machine.move(batch, "take_over", tenant=tenant, user=user, reason=held_by)
    batch.picker = user
    batch.save(update_fields=["picker"])
    work.record_start(tenant=tenant, user=user, kind=WorkKind.PICK, reference=batch.pk)
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
