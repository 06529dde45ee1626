"""Receiving against purchase orders, with every discrepancy captured where it happens.

A receipt line posts supplier -> the site's dock bin in the same transaction that records
it. What is good and within the supplier's over-receipt tolerance counts toward the order
line (available, or QC hold when the supplier item needs inspection); damaged units go to
`damaged`; the part above tolerance, goods not on the order and (by tenant policy) expired or
short-dated goods go to `quarantine`, each with a discrepancy for a supervisor.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.db import transaction
from django.utils import timezone

from erp import outbox
from erp.models import Tenant, User
from erp.numbers import plain
from erp.roles import require_role
from erp.selectors import tenant_settings
from inventory import ledger, units
from inventory.models import (
    Item,
    Location,
    LocationKind,
    Lot,
    SerialNumber,
    StockStatus,
    TransactionKind,
)
from inventory.services import lots
from purchasing import selectors as purchasing_selectors
from purchasing import states as order_states
from purchasing.models import PurchaseOrder, PurchaseOrderLine
from purchasing.services import orders as order_service
from purchasing.services import receipts as order_receipts
from warehouse import permissions, webhooks
from warehouse.errors import ReceivingError
from warehouse.models import (
    Discrepancy,
    DiscrepancyKind,
    DiscrepancyState,
    ReceiptLine,
    ReceivingSettings,
    ShelfLifePolicy,
)
from warehouse.putaway import services as putaway
from warehouse.states import discrepancy_machine

RECEIVERS = permissions.FLOOR


@dataclass
class Split:
    accepted: Decimal = Decimal(0)
    accepted_status: str = StockStatus.AVAILABLE
    damaged: Decimal = Decimal(0)
    held: Decimal = Decimal(0)  # above tolerance or not on the order: quarantine


def settings_for(tenant: Tenant) -> ReceivingSettings:
    return tenant_settings(ReceivingSettings, tenant=tenant)


def _lot(tenant: Tenant, item: Item, code: str, expiry: datetime.date | None) -> Lot | None:
    code = (code or "").strip()
    if not item.is_lot_tracked:
        return None
    if not code:
        raise ReceivingError(f"{item.sku} is lot-tracked: scan or type the lot (GS1 AI 10).")
    if item.expiry_required and expiry is None:
        raise ReceivingError(f"{item.sku} needs the expiry date of lot {code} (GS1 AI 17).")
    return lots.lot_for_receipt(tenant=tenant, item=item, code=code, expiry=expiry)


def _serial(tenant: Tenant, item: Item, serial: str, lot: Lot | None) -> SerialNumber | None:
    serial = (serial or "").strip()
    if not item.is_serial_tracked:
        return None
    if not serial:
        raise ReceivingError(f"{item.sku} is serial-tracked: scan the serial number (GS1 AI 21).")
    return lots.register_serial(tenant=tenant, item=item, serial=serial, lot=lot)


def _shelf_life_problem(
    item: Item, expiry: datetime.date | None, today: datetime.date
) -> tuple[str, str] | None:
    if expiry is None:
        return None
    if expiry < today:
        return DiscrepancyKind.EXPIRED, f"expired on {expiry:%Y-%m-%d}"
    minimum = item.min_shelf_life_on_receipt_days
    if minimum and (expiry - today).days < minimum:
        return (
            DiscrepancyKind.SHORT_SHELF_LIFE,
            f"{(expiry - today).days} days of shelf life left; at least {minimum} needed",
        )
    return None


def _split(
    line: PurchaseOrderLine | None, good: Decimal, damaged: Decimal, tolerance_pct: Decimal
) -> Split:
    if line is None:
        return Split(damaged=damaged, held=good)
    allowed = line.quantity_base * (1 + tolerance_pct / 100)
    if not line.item.divisible:
        # 2 % of 24 each is not half a unit more: the tolerance rounds down to whole units.
        allowed = allowed.to_integral_value(rounding=ROUND_FLOOR)
    room = max(allowed - line.received_base, Decimal(0))
    accepted = min(good, room)
    return Split(accepted=accepted, damaged=damaged, held=good - accepted)


def _record(
    tenant,
    user,
    order,
    line,
    receipt,
    item,
    lot,
    kind,
    quantity,
    status,
    reason,
    needs_approval=False,
) -> Discrepancy:
    return Discrepancy.objects.create(
        tenant=tenant, order=order, order_line=line, receipt_line=receipt, item=item, lot=lot,
        kind=kind, quantity=quantity, status=status, reason=reason[:200], created_by=user,
        needs_approval=needs_approval,
        state=DiscrepancyState.OPEN if needs_approval else DiscrepancyState.ACCEPTED,
    )  # fmt: skip


@transaction.atomic
def receive(
    *,
    tenant: Tenant,
    user: User,
    order: PurchaseOrder,
    item: Item,
    quantity: Decimal,
    dock: Location,
    scan_key: str,
    unit: str | None = None,
    lot_code: str = "",
    expiry: datetime.date | None = None,
    serial: str = "",
    damaged: Decimal = Decimal(0),
    sscc: str = "",
    note: str = "",
) -> ReceiptLine:
    """Receive `quantity` (in `unit`) of `item` against `order` into the `dock` bin.

    A repeated `scan_key` returns the first receipt line (a scanner retry posts once). Locks
    the order row, then the order's line for the item, so two receivers of one line cannot
    both fill the tolerance. Raises `ReceivingError` for input the dock must fix (missing lot
    or expiry, unknown unit, closed order, refused shelf life) and what `ledger.post` raises.
    """
    require_role(tenant=tenant, user=user, roles=RECEIVERS)
    existing = ReceiptLine.objects.filter(tenant=tenant, scan_key=scan_key).first()
    if existing is not None:
        return existing
    order = order_service.lock_order(tenant=tenant, order=order)
    # Again under the order's lock: a double tap's second request waited here for the first
    # to commit, and now finds its line instead of failing on the scan-once constraint.
    existing = ReceiptLine.objects.filter(tenant=tenant, scan_key=scan_key).first()
    if existing is not None:
        return existing
    if order.status not in order_states.RECEIVABLE:
        raise ReceivingError(
            f"{order.number} is {order.get_status_display().lower()}; it cannot be received against."
        )
    if not dock.is_real or dock.site_id != order.site_id:
        raise ReceivingError(
            f"{dock.code} is not a bin at {order.site.code}, where {order.number} is delivered."
        )
    unit = unit or item.base_unit
    quantity, damaged = Decimal(quantity), Decimal(damaged or 0)
    if quantity <= 0:
        raise ReceivingError("Receive a quantity above zero.")
    if damaged < 0 or damaged > quantity:
        raise ReceivingError(
            f"Damaged ({damaged}) must be between 0 and the quantity received ({quantity})."
        )
    base = units.to_base(tenant=tenant, item=item, unit=unit, quantity=quantity)
    damaged_base = units.to_base(tenant=tenant, item=item, unit=unit, quantity=damaged)
    lot = _lot(tenant, item, lot_code, expiry)
    serial_number = _serial(tenant, item, serial, lot)
    expiry = expiry or (lot.expiry_date if lot else None)
    today = timezone.localdate()
    problem = _shelf_life_problem(item, expiry, today)
    if problem and settings_for(tenant).shelf_life_policy == ShelfLifePolicy.REFUSE:
        raise ReceivingError(
            f"Refused: {item.sku} lot {lot.code if lot else '-'} is {problem[1]} (receiving policy: refuse)."
        )

    line = order_receipts.line_for_item(tenant=tenant, order=order, item=item)
    split = _split(
        line, base - damaged_base, damaged_base, order.supplier.over_receipt_tolerance_pct
    )
    supplier_item = (
        purchasing_selectors.supplier_items(tenant=tenant, supplier=order.supplier)
        .filter(item=item)
        .first()
    )
    if problem:
        split.accepted_status = StockStatus.QUARANTINE
    elif supplier_item is not None and supplier_item.inspection_required:
        split.accepted_status = StockStatus.QC_HOLD
    cost = (
        line.cost_per_base
        if line is not None
        else (supplier_item.price if supplier_item else item.standard_cost)
    )

    source = ledger.virtual_location(tenant=tenant, kind=LocationKind.SUPPLIER)
    moves = []
    for portion, status in (
        (split.accepted, split.accepted_status),
        (split.damaged, StockStatus.DAMAGED),
        (split.held, StockStatus.QUARANTINE),
    ):
        if portion > 0:
            moves.append(
                ledger.Move(
                    item=item,
                    quantity=portion,
                    source=source,
                    destination=dock,
                    lot=lot,
                    serial=serial_number,
                    destination_status=status,
                    unit_cost=cost,
                )
            )
    txn = ledger.post(
        tenant=tenant, user=user, kind=TransactionKind.RECEIPT, moves=moves,
        reference=f"{order.number}/{line.line_no}" if line else f"{order.number} (not on order)",
        idempotency_key=f"receipt:{scan_key}", reason=note,
    )  # fmt: skip
    receipt = ReceiptLine.objects.create(
        tenant=tenant, order=order, order_line=line, item=item, unit=unit, quantity=quantity,
        quantity_base=base, accepted_base=split.accepted, lot=lot, serial=serial_number, location=dock,
        transaction=txn, sscc=sscc[:18], scan_key=scan_key, received_by=user,
    )  # fmt: skip

    if split.accepted > 0 and split.accepted_status == StockStatus.AVAILABLE:
        putaway.create_for_receipt(tenant=tenant, receipt=receipt, quantity=split.accepted)
    if line is None:
        _record(
            tenant,
            user,
            order,
            None,
            receipt,
            item,
            lot,
            DiscrepancyKind.WRONG_ITEM,
            base,
            StockStatus.QUARANTINE,
            f"{item.sku} is not on {order.number}",
            needs_approval=True,
        )
    else:
        if split.held > 0:
            _record(
                tenant,
                user,
                order,
                line,
                receipt,
                item,
                lot,
                DiscrepancyKind.OVER_RECEIPT,
                split.held,
                StockStatus.QUARANTINE,
                f"{plain(split.held)} above the {plain(order.supplier.over_receipt_tolerance_pct)}% tolerance; held for approval",
                needs_approval=True,
            )
        over = line.received_base + split.accepted - line.quantity_base
        if split.accepted > 0 and over > 0:
            _record(
                tenant,
                user,
                order,
                line,
                receipt,
                item,
                lot,
                DiscrepancyKind.OVER_RECEIPT,
                min(over, split.accepted),
                split.accepted_status,
                "within tolerance; accepted",
            )
        if split.accepted > 0:
            line = order_receipts.record_receipt(
                tenant=tenant, user=user, order=order, line=line, quantity=split.accepted,
                reference=f"receipt {scan_key}",
            )  # fmt: skip
    if split.damaged > 0:
        _record(
            tenant,
            user,
            order,
            line,
            receipt,
            item,
            lot,
            DiscrepancyKind.DAMAGED,
            split.damaged,
            StockStatus.DAMAGED,
            note or "damaged on arrival",
            needs_approval=True,
        )
    if problem:
        _record(
            tenant,
            user,
            order,
            line,
            receipt,
            item,
            lot,
            problem[0],
            split.accepted,
            StockStatus.QUARANTINE,
            problem[1],
            needs_approval=True,
        )
    if line is not None and split.accepted <= 0:
        # Nothing counted (all damaged or held), yet goods came: the order is under way.
        order_receipts.refresh_received_status(tenant=tenant, user=user, order=order)
    webhooks.receipt_posted(tenant=tenant, receipt=receipt, status=split.accepted_status)
    from warehouse.tasks import offer_receipt_to_demand_task

    outbox.enqueue(offer_receipt_to_demand_task, tenant.pk, receipt.pk)
    return receipt


@transaction.atomic
def resolve_discrepancy(
    *, tenant: Tenant, user: User, discrepancy: Discrepancy, accept: bool, resolution: str = ""
) -> Discrepancy:
    """A supervisor's decision. Accepting held over-receipt makes it available and counts it
    toward the order line; other decisions record the outcome (the stock stays where it is
    for returns or scrap). Raises `InvalidTransition` for one already decided."""
    action = "accept" if accept else "reject"
    discrepancy_machine.authorize(tenant=tenant, user=user, action=action)
    discrepancy = (
        Discrepancy.objects.select_for_update(of=("self",))
        .select_related("order", "order_line", "receipt_line__location", "item", "lot")
        .get(tenant=tenant, pk=discrepancy.pk)
    )
    discrepancy_machine.check(discrepancy, action, tenant=tenant, user=user)
    if accept and discrepancy.kind == DiscrepancyKind.OVER_RECEIPT and discrepancy.order_line_id:
        line = discrepancy.order_line
        receipt = discrepancy.receipt_line
        ledger.post(
            tenant=tenant, user=user, kind=TransactionKind.STATUS_CHANGE,
            moves=[ledger.Move(item=discrepancy.item, quantity=discrepancy.quantity, source=receipt.location, destination=receipt.location, lot=discrepancy.lot, serial=receipt.serial, source_status=StockStatus.QUARANTINE, destination_status=StockStatus.AVAILABLE)],
            reference=f"{discrepancy.order.number}/{line.line_no} over-receipt accepted",
            idempotency_key=f"discrepancy:{discrepancy.pk}",
        )  # fmt: skip
        order_receipts.record_receipt(
            tenant=tenant, user=user, order=discrepancy.order, line=line,
            quantity=discrepancy.quantity, reference=f"over-receipt accepted #{discrepancy.pk}",
        )  # fmt: skip
        receipt.accepted_base += discrepancy.quantity
        receipt.save(update_fields=["accepted_base"])
        putaway.create_for_receipt(tenant=tenant, receipt=receipt, quantity=discrepancy.quantity)
    discrepancy_machine.move(discrepancy, action, tenant=tenant, user=user, reason=resolution)
    discrepancy.resolved_by, discrepancy.resolved_at = user, timezone.now()
    discrepancy.resolution = resolution.strip()[:300]
    discrepancy.save(update_fields=["state", "resolved_by", "resolved_at", "resolution"])
    return discrepancy


@transaction.atomic
def short_close_line(
    *, tenant: Tenant, user: User, line: PurchaseOrderLine, reason: str
) -> Discrepancy:
    """Stop expecting the rest of a line: a short-receipt discrepancy, and no more projection.
    Raises `ReceivingError` without a reason, `InvalidLine` when nothing more is expected."""
    require_role(tenant=tenant, user=user, roles=permissions.SUPERVISORS)
    if not reason.strip():
        raise ReceivingError("Say why the rest will not come.")
    line = order_receipts.close_short(tenant=tenant, user=user, line=line, reason=reason)
    missing = line.quantity_base - line.received_base
    discrepancy = _record(
        tenant,
        user,
        line.order,
        line,
        None,
        line.item,
        None,
        DiscrepancyKind.SHORT_RECEIPT,
        missing,
        "",
        reason,
    )
    discrepancy.resolved_by, discrepancy.resolved_at = user, timezone.now()
    discrepancy.save(update_fields=["resolved_by", "resolved_at"])
    return discrepancy


def receive_all(
    *, tenant: Tenant, user: User, order: PurchaseOrder, dock: Location, scan_key: str
) -> list[ReceiptLine]:
    """Receive what every open line of `order` still expects (an ASN that matches the order),
    one receipt line per order line, each as `receive` would. Idempotent per `scan_key`."""
    lines = list(order.lines.select_related("item").order_by("line_no"))
    return [
        receive(
            tenant=tenant,
            user=user,
            order=order,
            item=line.item,
            quantity=line.open_base,
            dock=dock,
            scan_key=f"{scan_key}:{line.line_no}",
        )
        for line in lines
        if line.open_base > 0 and not line.item.is_serial_tracked
    ]
