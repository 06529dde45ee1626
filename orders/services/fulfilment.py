"""What the warehouse does to a sales order, recorded by orders: picks and short picks on its
lines, a wave taking it to the floor, packing, and shipments. The warehouse calls these
inside its own transaction, after locking its documents; they lock the order and its lines
(order first, lines in id order, as allocation does) and move the order's status only
through `orders.states`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from erp.models import Tenant, User
from orders import line_flows, states
from orders.errors import ShipsMoreThanPicked
from orders.models import OrderStatus, SalesOrder, SalesOrderLine
from orders.services import allocation


def lock_order(*, tenant: Tenant, order_id: int) -> SalesOrder:
    """The order, locked: taken first by every floor service, so two of them serialize."""
    return (
        SalesOrder.objects.select_for_update(of=("self",))
        .select_related("customer", "site")
        .get(tenant=tenant, pk=order_id)
    )


def lock_line(*, tenant: Tenant, line_id: int) -> SalesOrderLine:
    """One line, locked (after its order: see `lock_order`)."""
    return (
        SalesOrderLine.objects.select_for_update(of=("self",))
        .select_related("item", "order")
        .get(tenant=tenant, pk=line_id)
    )


def _stamp(line: SalesOrderLine, user: User | None, reason: str) -> None:
    line._change_reason = reason[: states.REASON_LENGTH]
    if user is not None:
        line._history_user = user


@transaction.atomic
def record_pick(
    *, tenant: Tenant, user: User, line: SalesOrderLine, quantity: Decimal, reference: str = ""
) -> SalesOrderLine:
    """`quantity` (base units) of the line's allocation is picked to staging: it moves from
    allocated to picked. The database refuses more than is allocated."""
    line = lock_line(tenant=tenant, line_id=line.pk)
    quantity = Decimal(quantity)
    if quantity == 0:
        return line
    changed = line_flows.move(line, "pick", quantity)
    _stamp(line, user, f"picked {reference}".strip())
    line.save(update_fields=changed)
    return line


@dataclass
class ShortOutcome:
    line: SalesOrderLine
    found_elsewhere: Decimal  # newly reserved in other bins, for new pick tasks
    backordered: Decimal  # what no bin has: the line's backorder now


@transaction.atomic
def record_short(
    *, tenant: Tenant, user: User, line: SalesOrderLine, missing: Decimal, reference: str = ""
) -> ShortOutcome:
    """`missing` units of the line's allocation were not in their bin: they go back to the
    line as wanted, and allocation looks for them elsewhere at once (the caller has put the
    short bin's stock on hold first, so it is not chosen again). The caller releases the
    short bin's reservation in the ledger."""
    line = allocation.deallocate_line(
        tenant=tenant, user=user, line=line, quantity=missing, reason=f"short {reference}".strip()
    )
    before = line.allocated_base
    allocation.allocate(tenant=tenant, user=None, orders=[line.order], items=[line.item_id])
    line.refresh_from_db()
    return ShortOutcome(line, line.allocated_base - before, line.unallocated_base)


@transaction.atomic
def record_release_to_wave(*, tenant: Tenant, user: User, orders: list[SalesOrder]) -> None:
    """The orders' pick tasks are out on the floor: they are picking. An order already
    picking (another wave took part of it) stays so."""
    for order in sorted(orders, key=lambda o: o.pk):
        order = lock_order(tenant=tenant, order_id=order.pk)
        if order.status != OrderStatus.PICKING:
            states.transition(tenant=tenant, user=user, order=order, action="start_picking")


@transaction.atomic
def record_packed(*, tenant: Tenant, user: User, order: SalesOrder) -> SalesOrder:
    """The floor has packed what was picked for the order. Only a picking order moves to
    packed; finishing again (or after a partial shipment) changes nothing."""
    order = lock_order(tenant=tenant, order_id=order.pk)
    if order.status != OrderStatus.PICKING:
        return order
    return states.transition(tenant=tenant, user=user, order=order, action="pack")


@transaction.atomic
def record_shipment(
    *, tenant: Tenant, user: User, order: SalesOrder, quantities: dict[int, Decimal],
    at: datetime.datetime, reference: str,
) -> SalesOrder:  # fmt: skip
    """`quantities` (base units per order line id) left for the customer at `at`: each moves
    from picked to shipped. The order stays packed while picked goods wait at staging;
    otherwise its lines decide: shipped, partially shipped (the rest backordered), or
    (partially) allocated when the rest is reserved and waits to be released again.
    Raises `ShipsMoreThanPicked` (nothing is written)."""
    order = lock_order(tenant=tenant, order_id=order.pk)
    lines = list(
        SalesOrderLine.objects.select_for_update(of=("self",))
        .filter(tenant=tenant, order=order)
        .select_related("item")
        .order_by("pk")
    )
    by_id = {line.pk: line for line in lines}
    for line_id, quantity in sorted(quantities.items()):
        line = by_id[line_id]
        if quantity == 0:
            continue
        if quantity > line.picked_base:
            raise ShipsMoreThanPicked(reference=reference, sku=line.item.sku)
        line_flows.move(line, "ship", quantity)
        line.first_shipped_at = line.first_shipped_at or at
        _stamp(line, user, f"shipped {reference}")
        line.save(update_fields=["picked_base", "shipped_base", "first_shipped_at"])
    totals = states.Totals.of_lines(lines)
    waiting = any(line.picked_base > 0 for line in lines)
    target = OrderStatus.PACKED if waiting else states.derived_status(totals)
    return states.transition(
        tenant=tenant, user=user, order=order, action="ship", target=target, reason=reference
    )
