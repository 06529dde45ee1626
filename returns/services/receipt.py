"""Receiving returned goods at the site's returns area (the scanner page).

Each unit authorised comes in from the tenant's `customer` location to the returns area in
QC hold, at the cost it left the warehouse with, so the site's value rises by exactly what
shipping took off it. What was not authorised (another item, lot or serial, or more than the
RMA allows) is recorded as a discrepancy and posts nothing: it is set aside for a decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from erp.models import Tenant, User
from erp.numbers import plain
from inventory import ledger, units
from inventory.errors import InvalidPosting, UnitConversionError
from inventory.models import Item, LocationKind, Lot, SerialNumber, StockStatus, TransactionKind
from returns import selectors
from returns.errors import ReturnsError
from returns.models import ReturnAuthorisation, ReturnDiscrepancy, ReturnReceipt, RmaLine, RmaStatus
from returns.services.rmas import _lock
from returns.states import rma_machine

R = RmaStatus


@dataclass
class Received:
    receipt: ReturnReceipt | None
    discrepancy: ReturnDiscrepancy | None


def _repeat(tenant: Tenant, scan_key: str) -> Received | None:
    receipt = ReturnReceipt.objects.filter(tenant=tenant, scan_key=scan_key).first()
    extra = ReturnDiscrepancy.objects.filter(tenant=tenant, scan_key=scan_key).first()
    if receipt is None and extra is None:
        return None
    return Received(receipt, extra)


@transaction.atomic
def receive(
    *, tenant: Tenant, user: User, rma: ReturnAuthorisation, item: Item, lot: Lot | None,
    serial: SerialNumber | None, quantity: Decimal, scan_key: str, scanned: str = "",
    unit: str = "",
) -> Received:  # fmt: skip
    """Post `quantity` of `item` (`lot`, `serial`) customer -> returns area in QC hold against
    the RMA line authorising it; the excess or an unauthorised unit becomes a discrepancy. A
    repeated `scan_key` returns the first result and posts nothing. Lock order: the RMA, its
    lines, then the ledger's. Raises `ReturnsError` for an RMA not expecting goods or a site
    without a returns area."""
    done = _repeat(tenant, scan_key)
    if done is not None:
        return done
    rma = _lock(tenant, rma)
    # A retry of the same scan waited on the lock above while the first one posted.
    done = _repeat(tenant, scan_key)
    if done is not None:
        return done
    rma_machine.authorize(tenant=tenant, user=user, action="receive")
    if rma.status not in (R.AUTHORISED, R.PARTIALLY_RECEIVED):
        raise ReturnsError(
            f"{rma.number} is {rma_machine.display(rma.status)}: it is not expecting goods."
        )
    area = selectors.returns_area(tenant=tenant, site=rma.site)
    if area is None:
        raise ReturnsError(
            f"{rma.site.code} has no returns area: add a bin in a zone of type Returns."
        )
    try:
        base = units.to_base(
            tenant=tenant, item=item, unit=unit or item.base_unit, quantity=Decimal(quantity)
        )
    except (UnitConversionError, InvalidPosting) as exc:
        raise ReturnsError(str(exc), field="quantity") from exc
    if base <= 0:
        raise ReturnsError("Receive a quantity above zero.", field="quantity")
    lines = list(
        RmaLine.objects.select_for_update(of=("self",))
        .filter(tenant=tenant, rma=rma, item=item, lot=lot, serial=serial)
        .order_by("pk")
    )
    what = (
        item.sku
        + (f" lot {lot.code}" if lot else "")
        + (f" serial {serial.serial}" if serial else "")
    )
    line = next((row for row in lines if row.to_receive > 0), None)
    taken = min(base, line.to_receive) if line is not None else Decimal(0)
    receipt = extra = None
    if taken > 0:
        customer = ledger.virtual_location(tenant=tenant, kind=LocationKind.CUSTOMER)
        posting = ledger.post(
            tenant=tenant, user=user, kind=TransactionKind.RETURN,
            moves=[ledger.Move(
                item=item, quantity=taken, source=customer, destination=area, lot=lot,
                serial=serial, source_status=StockStatus.AVAILABLE,
                destination_status=StockStatus.QC_HOLD, unit_cost=line.unit_cost,
            )],
            reference=f"{rma.number} in", idempotency_key=f"rma-receive:{scan_key}"[:100],
        )  # fmt: skip
        receipt = ReturnReceipt.objects.create(
            tenant=tenant, line=line, quantity=taken, location=area, transaction=posting,
            scan_key=scan_key[:100], received_by=user,
        )  # fmt: skip
        line.received += taken
        line.save(update_fields=["received"])
    if base > taken:
        note = (
            f"{plain(base - taken)} {item.base_unit} more {what} than {rma.number} authorises"
            if lines
            else f"{what} is not on {rma.number}"
        )
        extra = ReturnDiscrepancy.objects.create(
            tenant=tenant, rma=rma, scanned=(scanned or what)[:200], item=item,
            quantity=base - taken, note=note[:200], scan_key=scan_key[:100], created_by=user,
        )  # fmt: skip
    if receipt is not None:
        complete = all(row.received >= row.quantity for row in rma.lines.all())
        rma_machine.move(
            rma, "receive", tenant=tenant, user=user,
            target=R.RECEIVED if complete else R.PARTIALLY_RECEIVED,
        )  # fmt: skip
        rma.save()
    return Received(receipt, extra)


@transaction.atomic
def record_unexpected(
    *, tenant: Tenant, user: User, rma: ReturnAuthorisation, item: Item, quantity: Decimal,
    scan_key: str, scanned: str, note: str, unit: str = "",
) -> Received:  # fmt: skip
    """Record goods that arrived for the RMA but cannot be received against it (a lot or
    serial the tenant has never seen): a discrepancy, nothing posted. A repeated `scan_key`
    returns the first record."""
    done = _repeat(tenant, scan_key)
    if done is not None:
        return done
    rma = _lock(tenant, rma)
    done = _repeat(tenant, scan_key)
    if done is not None:
        return done
    rma_machine.authorize(tenant=tenant, user=user, action="receive")
    if rma.status not in (R.AUTHORISED, R.PARTIALLY_RECEIVED):
        raise ReturnsError(
            f"{rma.number} is {rma_machine.display(rma.status)}: it is not expecting goods."
        )
    try:
        base = units.to_base(
            tenant=tenant, item=item, unit=unit or item.base_unit, quantity=Decimal(quantity)
        )
    except (UnitConversionError, InvalidPosting) as exc:
        raise ReturnsError(str(exc), field="quantity") from exc
    extra = ReturnDiscrepancy.objects.create(
        tenant=tenant, rma=rma, scanned=scanned[:200], item=item, quantity=base,
        note=note[:200], scan_key=scan_key[:100], created_by=user,
    )  # fmt: skip
    return Received(None, extra)


def receive_scanned(
    *, tenant: Tenant, user: User, rma: ReturnAuthorisation, item_code: str, quantity: Decimal,
    scan_key: str, lot_code: str = "", serial_code: str = "",
) -> Received:  # fmt: skip
    """`receive` from what the operator scanned: a GTIN, GS1-128 label or SKU, with the lot
    and serial typed or carried by the scan. An item, lot or serial the tenant does not know
    is refused with the field to scan again; a lot or serial it has never seen, or one it
    knows but the RMA does not name, is recorded as a discrepancy."""
    from inventory import scanning

    try:
        item, unit, scan = scanning.resolve_item(tenant=tenant, text=item_code)
    except InvalidPosting as exc:
        raise ReturnsError(str(exc), field="item") from exc
    lot = serial = None
    lot_text = (lot_code or "").strip() or (scan.lot or "")
    serial_text = (serial_code or "").strip() or (scan.serial or "")
    if item.is_lot_tracked:
        if not lot_text:
            raise ReturnsError(f"{item.sku} is lot-tracked: scan or type its lot.", field="lot")
        lot = Lot.objects.filter(tenant=tenant, item=item, code=lot_text).first()
        if lot is None:
            return record_unexpected(
                tenant=tenant, user=user, rma=rma, item=item, quantity=quantity,
                scan_key=scan_key, scanned=item_code, unit=unit or "",
                note=f"{item.sku} lot {lot_text} was never shipped (an unknown lot)",
            )  # fmt: skip
    if item.is_serial_tracked:
        if not serial_text:
            raise ReturnsError(
                f"{item.sku} is serial-tracked: scan or type its serial.", field="serial"
            )
        serial = SerialNumber.objects.filter(tenant=tenant, item=item, serial=serial_text).first()
        if serial is None:
            return record_unexpected(
                tenant=tenant, user=user, rma=rma, item=item, quantity=quantity,
                scan_key=scan_key, scanned=item_code, unit=unit or "",
                note=f"{item.sku} serial {serial_text} was never shipped (an unknown serial)",
            )  # fmt: skip
    return receive(
        tenant=tenant, user=user, rma=rma, item=item, lot=lot, serial=serial, quantity=quantity,
        scan_key=scan_key, scanned=item_code, unit=unit or "",
    )  # fmt: skip
