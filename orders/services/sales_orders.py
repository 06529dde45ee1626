"""Sales orders: entry with an ATP check per line, the desk's moves of the status machine
(`orders.states`), cancellation, and the demand they publish (the unallocated part of each
open line, on its promised date)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp import numbering
from erp.errors import DomainError
from erp.models import Tenant, User
from erp.roles import require_role
from inventory import ledger, units
from inventory import selectors as inventory_selectors
from inventory.ledger import projections
from inventory.models import Item, ProjectionKind, Site
from orders import line_flows, permissions, states, webhooks
from orders.models import ALLOCATABLE, Customer, OrderStatus, SalesOrder, SalesOrderLine, ShipTo

ORDER_TAKERS = permissions.EDITORS
SOURCE = "sales_order_line"
EDITABLE = {OrderStatus.DRAFT}


class OrderError(DomainError):
    message = _("{detail}")

    def __init__(self, detail: str, **facts):
        super().__init__(detail=detail, **facts)


class CreditHold(DomainError):
    message = _("{customer} is on credit hold: {number} cannot be released to the warehouse.")


def _lock(tenant: Tenant, order: SalesOrder) -> SalesOrder:
    return (
        SalesOrder.objects.select_for_update(of=("self",))
        .select_related("customer", "site")
        .get(tenant=tenant, pk=order.pk)
    )


def publish_demand(*, tenant: Tenant, lines: list[SalesOrderLine]) -> None:
    """Each line's unallocated quantity as demand on its promised date (none unless open)."""
    rows = []
    for line in lines:
        live = line.order.status in ALLOCATABLE
        quantity = max(line.unallocated_base, Decimal(0)) if live else Decimal(0)
        rows.append(
            projections.ProjectionRow(
                line.pk,
                line.item_id,
                line.order.site_id,
                line.promised_date,
                quantity,
                f"{line.order.number}/{line.line_no}",
            )
        )
    projections.publish_many(
        tenant=tenant, source_type=SOURCE, kind=ProjectionKind.DEMAND, rows=rows
    )


def next_number(tenant: Tenant) -> str:
    return numbering.next_number(SalesOrder, tenant=tenant, prefix="SO-", width=6, first=100001)


@transaction.atomic
def create_order(
    *, tenant: Tenant, user: User, customer: Customer, site: Site, requested_date: datetime.date,
    ship_to: ShipTo | None = None, customer_reference: str = "", notes: str = "",
) -> SalesOrder:  # fmt: skip
    require_role(tenant=tenant, user=user, roles=ORDER_TAKERS)
    if not customer.is_active:
        raise OrderError(f"Customer {customer.code} is inactive.")
    if ship_to is not None and ship_to.customer_id != customer.pk:
        raise OrderError("That ship-to address belongs to another customer.")
    ship_to = ship_to or customer.ship_tos.filter(is_default=True).first()
    today = timezone.localdate()
    return SalesOrder.objects.create(
        tenant=tenant, number=next_number(tenant), customer=customer, ship_to=ship_to, site=site,
        order_date=today, requested_date=requested_date, promised_date=requested_date,
        customer_reference=customer_reference, carrier=customer.carrier, route=customer.route,
        notes=notes, created_by=user,
    )  # fmt: skip


def base_quantity(tenant: Tenant, item: Item, unit: str, quantity: Decimal) -> Decimal:
    """An order quantity in base units (above zero, whole units of an indivisible item)."""
    if quantity <= 0:
        raise OrderError(f"Order a quantity above zero of {item.sku}.")
    return units.to_base(tenant=tenant, item=item, unit=unit, quantity=quantity)


def promise_date(
    *, tenant: Tenant, item: Item, site: Site, quantity_base: Decimal, requested: datetime.date
) -> tuple[datetime.date | None, Decimal]:
    """The earliest date from `requested` on that ATP can promise `quantity_base`, and what
    is promisable on the requested date (DOMAIN.md, "Available-to-promise")."""
    atp = inventory_selectors.atp(tenant=tenant, item=item, site=site)
    on_requested = Decimal(0)
    for day in atp.days:
        if day.date <= requested:
            on_requested = day.promisable
    first = atp.first_date_for(quantity_base)
    if first is None:
        return None, on_requested
    return max(first, requested), on_requested


@transaction.atomic
def add_line(
    *, tenant: Tenant, user: User, order: SalesOrder, item: Item, quantity: Decimal, price: Decimal,
    unit: str | None = None, requested_date: datetime.date | None = None,
) -> SalesOrderLine:  # fmt: skip
    """Add a line to a draft order, promised on the first date ATP covers it (the requested
    date when stock allows; with no such date in sight, the requested date, as a backorder)."""
    require_role(tenant=tenant, user=user, roles=ORDER_TAKERS)
    order = _lock(tenant, order)
    if order.status not in EDITABLE:
        raise OrderError(
            f"{order.number} is {order.get_status_display().lower()}; only a draft can be changed."
        )
    if not item.is_active:
        raise OrderError(f"{item.sku} is inactive.")
    if price < 0:
        raise OrderError("A price cannot be negative.")
    unit = unit or item.base_unit
    base = base_quantity(tenant, item, unit, Decimal(quantity))
    requested = requested_date or order.requested_date
    promised, _ = promise_date(
        tenant=tenant, item=item, site=order.site, quantity_base=base, requested=requested
    )
    line_no = (order.lines.aggregate(n=Max("line_no"))["n"] or 0) + 1
    return SalesOrderLine.objects.create(
        tenant=tenant, order=order, line_no=line_no, item=item, unit=unit, quantity=quantity,
        quantity_base=base, price=price, requested_date=requested, promised_date=promised or requested,
    )  # fmt: skip


@transaction.atomic
def remove_line(*, tenant: Tenant, user: User, line: SalesOrderLine) -> None:
    require_role(tenant=tenant, user=user, roles=ORDER_TAKERS)
    order = _lock(tenant, line.order)
    if order.status not in EDITABLE:
        raise OrderError(
            f"{order.number} is {order.get_status_display().lower()}; only a draft can be changed."
        )
    line.delete()


@transaction.atomic
def confirm(*, tenant: Tenant, user: User, order: SalesOrder) -> SalesOrder:
    """Confirm a draft: its lines become demand; the order's promised date is its latest line's."""
    require_role(tenant=tenant, user=user, roles=ORDER_TAKERS)
    order = _lock(tenant, order)
    states.machine.check(order, "confirm", tenant=tenant, user=user)
    lines = list(order.lines.select_related("order"))
    if not lines:
        raise OrderError(f"{order.number} has no lines.")
    order.confirmed_at = timezone.now()
    order.promised_date = max(line.promised_date for line in lines)
    states.transition(
        tenant=tenant, user=user, order=order, action="confirm",
        fields=("confirmed_at", "promised_date"),
    )  # fmt: skip
    for line in lines:  # each line's copy of the order is still the draft it was loaded as
        line.order = order
    publish_demand(tenant=tenant, lines=lines)
    webhooks.sales_order_confirmed(tenant=tenant, order=order, lines=lines)
    return order


@transaction.atomic
def release(*, tenant: Tenant, user: User, order: SalesOrder) -> SalesOrder:
    """Release an allocated (or partly allocated) order to the warehouse, where waves take it."""
    require_role(tenant=tenant, user=user, roles=permissions.RELEASERS)
    order = _lock(tenant, order)
    states.machine.check(order, "release", tenant=tenant, user=user)
    if order.customer.credit_hold:
        raise CreditHold(customer=order.customer.name, number=order.number)
    return states.transition(tenant=tenant, user=user, order=order, action="release")


@transaction.atomic
def cancel(*, tenant: Tenant, user: User, order: SalesOrder, reason: str = "") -> SalesOrder:
    """Cancel an order not yet being picked: its reservations are released, its demand withdrawn."""
    require_role(tenant=tenant, user=user, roles=ORDER_TAKERS)
    order = _lock(tenant, order)
    states.machine.check(order, "cancel", tenant=tenant, user=user)
    lines = list(
        SalesOrderLine.objects.select_for_update().filter(tenant=tenant, order=order).order_by("pk")
    )
    for line in lines:
        ledger.release_source(tenant=tenant, user=user, source_type=SOURCE, source_id=line.pk)
        for action, bucket in (
            ("cancel_wanting", line_flows.WANTING),
            ("cancel_allocated", "allocated"),
        ):
            if line_flows.held(line, bucket) > 0:
                line_flows.move(line, action, line_flows.held(line, bucket))
        line.save(update_fields=["cancelled_base", "allocated_base"])
    if reason.strip():
        order.notes = f"{order.notes}\nCancelled: {reason.strip()}".strip()
    states.transition(
        tenant=tenant, user=user, order=order, action="cancel", reason=reason, fields=("notes",)
    )
    publish_demand(tenant=tenant, lines=[line for line in lines])
    return order


@transaction.atomic
def close(*, tenant: Tenant, user: User, order: SalesOrder) -> SalesOrder:
    """Close a shipped (or partly shipped) order with nothing left allocated or picked; what
    is still backordered is cancelled."""
    require_role(tenant=tenant, user=user, roles=ORDER_TAKERS)
    order = _lock(tenant, order)
    lines = list(
        SalesOrderLine.objects.select_for_update().filter(tenant=tenant, order=order).order_by("pk")
    )
    totals = states.Totals.of_lines(lines)
    states.machine.check(order, "close", tenant=tenant, user=user, facts=totals)
    for line in lines:
        if line.unallocated_base > 0:
            line.save(update_fields=line_flows.move(line, "cancel_wanting", line.unallocated_base))
    states.transition(tenant=tenant, user=user, order=order, action="close", totals=totals)
    publish_demand(tenant=tenant, lines=lines)
    return order


def refresh_status(order: SalesOrder, lines: list[SalesOrderLine]) -> str:
    """The status allocation leaves `order` at, from its lines (no save): orders on the
    floor, drafts and finished orders keep theirs (`orders.states.derived_status`)."""
    if order.status not in states.FROM_LINES:
        return order.status
    return states.derived_status(states.Totals.of_lines(lines))
