"""Purchase orders: lines, status changes, and the scheduled receipts they publish.

Status moves only through `purchasing.states` (its table says which and by whom). Open lines publish their open quantity as a scheduled receipt on the line's
expected date (inventory projections), in the same transaction that changes the line.

Above the tenant's approval threshold someone other than the creator approves. Lines change
only in draft, going back to draft withdraws the approval, and sending checks the approval
again, so an order reaches the supplier only with an approval that covers it as sent.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from erp import numbering
from erp.models import Tenant, User
from erp.roles import Role, require_role
from erp.selectors import tenant_settings
from inventory import units
from inventory.ledger import projections
from inventory.models import Item, ProjectionKind, Site
from purchasing import states, webhooks
from purchasing.errors import ApprovalRequired, EmptyOrder, InvalidLine, OrderNotEditable
from purchasing.models import (
    OPEN_STATUSES,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchasingSettings,
    Supplier,
)

BUYERS = states.BUYERS
SOURCE = "purchase_order_line"


def settings_for(tenant: Tenant) -> PurchasingSettings:
    return tenant_settings(PurchasingSettings, tenant=tenant)


def lock_order(*, tenant: Tenant, order: PurchaseOrder) -> PurchaseOrder:
    """The order, locked for the rest of the transaction (lock the order before its lines)."""
    return (
        PurchaseOrder.objects.select_for_update(of=("self",))
        .select_related("supplier", "site")
        .get(tenant=tenant, pk=order.pk)
    )


def publish_line(*, tenant: Tenant, line: PurchaseOrderLine, order: PurchaseOrder) -> None:
    """Keep the line's scheduled receipt equal to what is still to come (none unless open)."""
    remaining = line.open_base if order.status in OPEN_STATUSES else Decimal(0)
    projections.publish(
        tenant=tenant, source_type=SOURCE, source_id=line.pk, item=line.item, site=order.site,
        date=line.expected_date, quantity=remaining, kind=ProjectionKind.SCHEDULED_RECEIPT,
        reference=f"{order.number}/{line.line_no}",
    )  # fmt: skip


def _publish_all(tenant: Tenant, order: PurchaseOrder) -> None:
    for line in order.lines.select_related("item"):
        publish_line(tenant=tenant, line=line, order=order)


def next_number(tenant: Tenant) -> str:
    return numbering.next_number(PurchaseOrder, tenant=tenant, prefix="PO-", width=6, first=1001)


@transaction.atomic
def create_order(
    *, tenant: Tenant, user: User, supplier: Supplier, site: Site, expected_date: datetime.date,
    supplier_reference: str = "", notes: str = "",
) -> PurchaseOrder:  # fmt: skip
    require_role(tenant=tenant, user=user, roles=BUYERS)
    if not supplier.is_active:
        raise InvalidLine(detail=f"Supplier {supplier.code} is inactive.")
    # Numbers come from the highest so far; the unique constraint settles a rare race.
    return PurchaseOrder.objects.create(
        tenant=tenant, number=next_number(tenant), supplier=supplier, site=site,
        expected_date=expected_date, currency=supplier.currency, created_by=user,
        supplier_reference=supplier_reference, notes=notes,
    )  # fmt: skip


def _base_quantity(tenant: Tenant, item: Item, unit: str, quantity: Decimal) -> Decimal:
    if quantity <= 0:
        raise InvalidLine(detail=f"Order a quantity above zero of {item.sku}.")
    return units.to_base(tenant=tenant, item=item, unit=unit, quantity=quantity)


@transaction.atomic
def add_line(
    *, tenant: Tenant, user: User, order: PurchaseOrder, item: Item, quantity: Decimal, unit: str | None = None,
    unit_cost: Decimal, expected_date: datetime.date | None = None,
) -> PurchaseOrderLine:  # fmt: skip
    """Add a line to a draft order (quantity and cost in `unit`, the base unit by default)."""
    require_role(tenant=tenant, user=user, roles=BUYERS)
    order = lock_order(tenant=tenant, order=order)
    if order.status not in states.EDITABLE:
        raise OrderNotEditable(number=order.number, status=order.get_status_display().lower())
    if not item.is_active:
        raise InvalidLine(detail=f"{item.sku} is inactive.")
    if unit_cost < 0:
        raise InvalidLine(detail="A cost cannot be negative.")
    unit = unit or item.base_unit
    base = _base_quantity(tenant, item, unit, Decimal(quantity))
    line_no = (order.lines.aggregate(n=Max("line_no"))["n"] or 0) + 1
    line = PurchaseOrderLine.objects.create(
        tenant=tenant, order=order, line_no=line_no, item=item, unit=unit, quantity=quantity,
        quantity_base=base, unit_cost=unit_cost, expected_date=expected_date or order.expected_date,
    )  # fmt: skip
    return line


@transaction.atomic
def remove_line(*, tenant: Tenant, user: User, line: PurchaseOrderLine) -> None:
    require_role(tenant=tenant, user=user, roles=BUYERS)
    order = lock_order(tenant=tenant, order=line.order)
    if order.status not in states.EDITABLE:
        raise OrderNotEditable(number=order.number, status=order.get_status_display().lower())
    line.delete()


def order_value(order: PurchaseOrder) -> Decimal:
    return sum((line.value for line in order.lines.all()), Decimal(0))


def _check_approver(tenant: Tenant, order: PurchaseOrder, *, approver: User | None) -> None:
    """Raise `ApprovalRequired` unless `approver` may approve `order` as it stands now."""
    value = order_value(order)
    threshold = settings_for(tenant).approval_threshold
    if approver is None or (value > threshold and order.created_by_id == approver.pk):
        raise ApprovalRequired(
            number=order.number,
            value=f"{value:.2f}",
            currency=order.currency,
            threshold=f"{threshold:.2f}",
        )


def needs_other_approver(*, tenant: Tenant, order: PurchaseOrder, user: User) -> bool:
    """Whether `user` created `order` and its value is above the threshold (for the page)."""
    return (
        order.created_by_id == user.pk
        and order_value(order) > settings_for(tenant).approval_threshold
    )


@transaction.atomic
def approve(*, tenant: Tenant, user: User, order: PurchaseOrder, reason: str = "") -> PurchaseOrder:
    """Approve a draft. Above the tenant's threshold the creator cannot approve it; its lines
    start publishing scheduled receipts."""
    states.machine.authorize(tenant=tenant, user=user, action="approve")
    order = lock_order(tenant=tenant, order=order)
    if not order.lines.exists():
        raise EmptyOrder(number=order.number)
    states.machine.move(order, "approve", tenant=tenant, user=user, reason=reason)
    _check_approver(tenant, order, approver=user)
    order.approved_by, order.approved_at = user, timezone.now()
    order.save(update_fields=["status", "approved_by", "approved_at"])
    _publish_all(tenant, order)
    return order


@transaction.atomic
def send(*, tenant: Tenant, user: User, order: PurchaseOrder, reason: str = "") -> PurchaseOrder:
    """Commit the order to the supplier. Its approval is checked again as it stands now (the
    threshold may have fallen since), so no order above it leaves approved by its creator."""
    order = lock_order(tenant=tenant, order=order)
    states.machine.move(order, "send", tenant=tenant, user=user, reason=reason)
    _check_approver(tenant, order, approver=order.approved_by)
    order.sent_at = timezone.now()
    order.save(update_fields=["status", "sent_at"])
    webhooks.purchase_order_sent(tenant=tenant, order=order)
    return order


@transaction.atomic
def cancel(*, tenant: Tenant, user: User, order: PurchaseOrder, reason: str = "") -> PurchaseOrder:
    order = lock_order(tenant=tenant, order=order)
    states.machine.move(order, "cancel", tenant=tenant, user=user, reason=reason)
    order.closed_at = timezone.now()
    order.save(update_fields=["status", "closed_at"])
    _publish_all(tenant, order)
    return order


@transaction.atomic
def close(*, tenant: Tenant, user: User, order: PurchaseOrder, reason: str = "") -> PurchaseOrder:
    """Close an order; lines still open are short-closed (nothing more is expected)."""
    order = lock_order(tenant=tenant, order=order)
    states.machine.move(order, "close", tenant=tenant, user=user, reason=reason)
    order.closed_at = timezone.now()
    order.save(update_fields=["status", "closed_at"])
    for line in order.lines.filter(received_base__lt=F("quantity_base"), short_closed=False):
        line.short_closed = True
        line.save(update_fields=["short_closed"])  # saved one by one so history records it
    _publish_all(tenant, order)
    return order


@transaction.atomic
def save_settings(
    *, tenant: Tenant, user: User, settings: PurchasingSettings
) -> PurchasingSettings:
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    settings.tenant = tenant
    settings.save()
    return settings


@transaction.atomic
def reopen(*, tenant: Tenant, user: User, order: PurchaseOrder, reason: str = "") -> PurchaseOrder:
    """Take an approved (not yet sent) order back to draft to change it; it needs approval again."""
    order = lock_order(tenant=tenant, order=order)
    states.machine.move(order, "reopen", tenant=tenant, user=user, reason=reason)
    order.approved_by, order.approved_at = None, None
    order.save(update_fields=["status", "approved_by", "approved_at"])
    _publish_all(tenant, order)
    return order


def default_unit_cost(
    *, tenant: Tenant, order: PurchaseOrder, item: Item, unit: str, quantity: Decimal
) -> Decimal:
    """The supplier's price for this quantity, per `unit` (its price is per base unit)."""
    from purchasing.models import SupplierItem

    supplier_item = (
        SupplierItem.objects.filter(tenant=tenant, supplier=order.supplier, item=item)
        .prefetch_related("price_breaks")
        .first()
    )
    # Refuses a quantity the order line would refuse (zero, unknown unit, split unit).
    base = _base_quantity(tenant, item, unit, Decimal(quantity))
    per_base = supplier_item.price_for(base) if supplier_item else item.standard_cost
    return units.per_unit(tenant=tenant, item=item, unit=unit, per_base=per_base)
