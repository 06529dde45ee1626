"""Allocation: promise available stock to open order lines, and backorder the rest.

Lines are served by customer priority, then promised date, then order date. Within an item,
lots leave by the item's removal strategy — FEFO (earliest expiry first, lots without expiry
last) for items with expiry, FIFO (first received first) otherwise — skipping lots that would
reach the customer with less than its minimum remaining shelf life; among equal lots, pick
faces come before reserve bins, then by walk sequence. Only `available` stock counts.

Each batch of lines takes a constant number of statements: lock the lines, lock and read the
candidate stock (`ledger.lock_available`, in the ledger's key order, so two allocation runs
and a picker serialize instead of promising the same unit), reserve (`ledger.reserve_many`),
then write the lines, their demand projections and order statuses in bulk.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from erp.models import Tenant, User
from erp.roles import require_role
from inventory import ledger
from inventory.models import Item
from orders import line_flows, permissions, states, webhooks
from orders.models import ALLOCATABLE, SalesOrder, SalesOrderLine
from orders.services.sales_orders import SOURCE, publish_demand, refresh_status

ALLOCATORS = permissions.EDITORS
BATCH = 1000
FAR_FUTURE = datetime.date(9999, 12, 31)


@dataclass
class Result:
    lines: int = 0
    allocated: Decimal = Decimal(0)
    backordered_lines: int = 0
    orders: set[int] = field(default_factory=set)


def _rotation_key(item: Item, candidate: ledger.Candidate):
    uses_expiry = (
        item.expiry_required or item.shelf_life_days is not None or candidate.expiry is not None
    )
    if uses_expiry:
        rotation = (0, candidate.expiry or FAR_FUTURE, candidate.lot_received or timezone.now())
    else:
        rotation = (
            0,
            FAR_FUTURE,
            candidate.lot_received or datetime.datetime.min.replace(tzinfo=datetime.UTC),
        )
    return (
        *rotation,
        candidate.bin_type != "pick_face",
        candidate.walk_sequence,
        candidate.bin_code,
    )


def _open_lines(tenant: Tenant, orders: list[SalesOrder] | None, items: list[int] | None):
    lines = SalesOrderLine.objects.filter(
        tenant=tenant, order__status__in=ALLOCATABLE
    ).select_related("order__customer", "item")
    if orders is not None:
        lines = lines.filter(order__in=orders)
    if items is not None:
        lines = lines.filter(item_id__in=items)
    return lines.order_by(
        "order__customer__priority", "promised_date", "order__order_date", "order_id", "line_no"
    )


def _allocate_batch(tenant: Tenant, user: User | None, line_ids: list[int], result: Result) -> None:
    # Document rows before ledger rows, as everywhere: orders, then their lines (each in id
    # order), then the stock.
    order_ids = set(
        SalesOrderLine.objects.filter(tenant=tenant, pk__in=line_ids).values_list(
            "order_id", flat=True
        )
    )
    orders = list(
        SalesOrder.objects.select_for_update()
        .filter(tenant=tenant, pk__in=order_ids)
        .order_by("pk")
    )
    locked = list(
        SalesOrderLine.objects.select_for_update(of=("self",))
        .filter(tenant=tenant, pk__in=line_ids)
        .select_related("order__customer", "item")
        .order_by("pk")
    )
    order_of = {line_id: position for position, line_id in enumerate(line_ids)}
    lines = sorted(locked, key=lambda line: order_of[line.pk])
    wanting = [line for line in lines if line.unallocated_base > 0]
    by_site: dict[int, list[SalesOrderLine]] = defaultdict(list)
    for line in wanting:
        by_site[line.order.site_id].append(line)
    requests: list[ledger.ReserveRequest] = []
    now = timezone.now()
    for site_id, site_lines in by_site.items():
        candidates = ledger.lock_available(
            tenant=tenant, site_id=site_id, item_ids=[line.item_id for line in site_lines]
        )
        stock: dict[int, list[ledger.Candidate]] = defaultdict(list)
        items = {line.item_id: line.item for line in site_lines}
        for candidate in candidates:
            stock[candidate.item_id].append(candidate)
        for item_id, pool in stock.items():
            pool.sort(key=lambda c: _rotation_key(items[item_id], c))
        free = {c.balance_id: c.free for c in candidates}
        for line in site_lines:
            need = line.unallocated_base
            minimum = line.order.customer.min_shelf_life_days
            for candidate in stock.get(line.item_id, []):
                if need <= 0:
                    break
                available = free[candidate.balance_id]
                if available <= 0:
                    continue
                if (
                    minimum
                    and candidate.expiry is not None
                    and (candidate.expiry - line.promised_date).days < minimum
                ):
                    continue  # too short-dated for this customer
                if candidate.expiry is not None and candidate.expiry < line.promised_date:
                    continue
                take = min(need, available)
                free[candidate.balance_id] -= take
                need -= take
                line_flows.move(line, "allocate", take)
                result.allocated += take
                requests.append(
                    ledger.ReserveRequest(
                        candidate.balance_id,
                        take,
                        SOURCE,
                        line.pk,
                        f"{line.order.number}/{line.line_no}",
                    )
                )
    ledger.reserve_many(tenant=tenant, user=user, requests=requests)
    newly_backordered = []
    for line in lines:
        result.lines += 1
        if line.unallocated_base > 0:
            result.backordered_lines += 1
            if line.backordered_since is None:
                newly_backordered.append(line)
            line.backordered_since = line.backordered_since or now
        else:
            line.backordered_since = None
    bulk_update_with_history(
        lines,
        SalesOrderLine,
        ["allocated_base", "backordered_since"],
        batch_size=BATCH,
        default_user=user,
    )
    publish_demand(tenant=tenant, lines=lines)
    webhooks.lines_backordered(tenant=tenant, lines=newly_backordered)
    _refresh_orders(tenant, user, orders, result)


def _refresh_orders(
    tenant: Tenant, user: User | None, orders: list[SalesOrder], result: Result
) -> None:
    order_ids = {order.pk for order in orders}
    lines_by_order: dict[int, list[SalesOrderLine]] = defaultdict(list)
    for line in SalesOrderLine.objects.filter(tenant=tenant, order_id__in=order_ids):
        lines_by_order[line.order_id].append(line)
    changed = []
    for order in orders:
        # An order cancelled since its lines were chosen keeps its status, as one on the floor.
        target = refresh_status(order, lines_by_order[order.pk])
        if target != order.status:
            states.machine.move(order, "allocate", tenant=tenant, user=user, target=target)
            changed.append(order)
    if changed:
        bulk_update_with_history(
            changed, SalesOrder, ["status"], batch_size=BATCH, default_user=user
        )
    result.orders |= order_ids


@transaction.atomic
def allocate(
    *,
    tenant: Tenant,
    user: User | None,
    orders: list[SalesOrder] | None = None,
    items: list[int] | None = None,
) -> Result:
    """Allocate the open lines of `orders` (all open orders when None; only lines of `items`
    when given, e.g. after a receipt of those items). Returns what was done.

    Guarantees: a unit is promised once (reservations are checked against locked balances);
    a line never holds more than it still needs; what cannot be allocated is a backorder
    with the time it started. `user` None means the system (a task)."""
    if user is not None:
        require_role(tenant=tenant, user=user, roles=ALLOCATORS)
    result = Result()
    ids = list(_open_lines(tenant, orders, items).values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        _allocate_batch(tenant, user, ids[start : start + BATCH], result)
    return result


@transaction.atomic
def deallocate_line(
    *, tenant: Tenant, user: User | None, line: SalesOrderLine, quantity: Decimal, reason: str = ""
) -> SalesOrderLine:
    """Give back part of a line's allocation (e.g. what a short pick did not find): the line
    goes back to wanting it, as a backorder. The caller releases the reservation in the
    ledger (it knows which bin's). Returns the line, locked and saved."""
    line = (
        SalesOrderLine.objects.select_for_update(of=("self",))
        .select_related("order", "item")
        .get(tenant=tenant, pk=line.pk)
    )
    quantity = min(Decimal(quantity), line.allocated_base)
    if quantity <= 0:
        return line
    line_flows.move(line, "deallocate", quantity)
    if line.backordered_since is None:
        webhooks.lines_backordered(tenant=tenant, lines=[line])
    line.backordered_since = line.backordered_since or timezone.now()
    line._change_reason = reason[:100] or "deallocated"
    if user is not None:
        line._history_user = user
    line.save(update_fields=["allocated_base", "backordered_since"])
    publish_demand(tenant=tenant, lines=[line])
    return line
