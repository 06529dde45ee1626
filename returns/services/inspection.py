"""Inspection and disposition of returned goods, and supplier returns.

The inspector grades what arrived (a quantity or a unit) and is shown the disposition the
tenant's routing proposes (`returns.policy`); taking another needs a reason, which is kept.
Each disposition posts once (its idempotency key is the inspection's):
- restock: QC hold -> available in the returns bin, and a putaway task from there;
- quarantine: QC hold -> quarantine in the returns bin;
- scrap: the returns bin -> the `scrap` location, its value leaving the site as loss (taken
  from the cost layer the return made, so the loss is what the goods came back in at);
- return to vendor: QC hold -> quarantine and a supplier return, which ships later from
  there to the `supplier` location, its value leaving the site the same way.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from erp import numbering
from erp.models import Tenant, User
from erp.numbers import plain
from inventory import ledger
from inventory.models import LocationKind, StockEntry, StockStatus, TransactionKind
from returns import policy
from returns.errors import ReturnsError
from returns.models import (
    Disposition,
    Grade,
    Inspection,
    ReturnAuthorisation,
    ReturnReceipt,
    RmaLine,
    RmaStatus,
    SupplierReturn,
    SupplierReturnStatus,
)
from returns.services.rmas import _lock
from returns.states import rma_machine, supplier_return_machine
from warehouse.putaway import services as putaway

R, D = RmaStatus, Disposition


def _graded(line: RmaLine) -> Decimal:
    return line.inspections.aggregate(q=Sum("quantity", default=Decimal(0)))["q"]


def _all_graded(rma: ReturnAuthorisation) -> bool:
    return all(_graded(line) >= line.received for line in rma.lines.all())


@transaction.atomic
def inspect(
    *, tenant: Tenant, user: User, line: RmaLine, grade: str, quantity: Decimal, notes: str = ""
) -> Inspection:
    """Grade `quantity` of what arrived on `line` and record the disposition proposed for
    it. The RMA becomes inspected when it is fully received and every unit is graded.
    Raises `ReturnsError` for more than is received and not yet graded."""
    rma = _lock(tenant, line.rma)
    rma_machine.authorize(tenant=tenant, user=user, action="inspect")
    line = (
        RmaLine.objects.select_for_update(of=("self",))
        .select_related("item")
        .get(tenant=tenant, pk=line.pk)
    )
    if grade not in Grade.values:
        raise ReturnsError(f"Unknown grade '{grade}'.")
    quantity = Decimal(quantity)
    left = line.received - _graded(line)
    if quantity <= 0 or quantity > left:
        raise ReturnsError(
            f"{plain(left)} {line.item.base_unit} of {line.item.sku} wait to be graded; "
            f"{plain(quantity)} cannot be."
        )
    proposal = policy.propose(
        tenant=tenant, item=line.item, grade=grade, reason=rma.reason,
        opened_accepted=rma.opened_accepted,
    )  # fmt: skip
    inspection = Inspection(
        tenant=tenant, line=line, grade=grade, quantity=quantity, notes=notes.strip()[:200],
        proposed=proposal.disposition, creditable=proposal.creditable, inspected_by=user,
    )  # fmt: skip
    inspection._history_user = user
    inspection.save()
    target = R.INSPECTED if rma.status == R.RECEIVED and _all_graded(rma) else None
    rma_machine.move(rma, "inspect", tenant=tenant, user=user, target=target)
    rma.save()
    return inspection


def _receipt_entry(tenant: Tenant, inspection: Inspection) -> tuple[ReturnReceipt, int | None]:
    """The line's first receipt and the ledger entry it made in the returns bin (the cost
    layer a scrap or a supplier return takes its value from)."""
    receipt = (
        ReturnReceipt.objects.filter(tenant=tenant, line=inspection.line)
        .select_related("location")
        .order_by("pk")
        .first()
    )
    entry = (
        StockEntry.objects.filter(
            tenant=tenant, transaction_id=receipt.transaction_id, location=receipt.location,
            quantity__gt=0,
        )
        .values_list("pk", flat=True)
        .first()
    )  # fmt: skip
    return receipt, entry


def _value_out(tenant: Tenant, posting, location) -> Decimal:
    value = StockEntry.objects.filter(
        tenant=tenant, transaction=posting, location=location, quantity__lt=0
    ).aggregate(v=Sum("value", default=Decimal(0)))["v"]
    return -value


@transaction.atomic
def dispose(
    *, tenant: Tenant, user: User, inspection: Inspection, disposition: str, reason: str = ""
) -> Inspection:
    """Carry out `disposition` for a graded quantity (see the module for each one's ledger
    effect). Another disposition than the one proposed needs `reason`. A repeat of the same
    disposition returns the inspection and posts nothing. Lock order: the RMA, the
    inspection, then the ledger's. Raises `ReturnsError` (no supplier takes the item back,
    already decided otherwise) or the ledger's errors, posting nothing."""
    rma = _lock(tenant, inspection.line.rma)
    rma_machine.authorize(tenant=tenant, user=user, action="disposition")
    inspection = (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("line__item", "line__lot", "line__serial")
        .get(tenant=tenant, pk=inspection.pk)
    )
    if inspection.disposition:
        if inspection.disposition == disposition:
            return inspection
        raise ReturnsError(
            f"These {plain(inspection.quantity)} were already sent to "
            f"{D(inspection.disposition).label.lower()}."
        )
    if disposition not in D.values:
        raise ReturnsError(f"Unknown disposition '{disposition}'.")
    rma_machine.check(rma, "disposition", tenant=tenant, user=user)
    reason = reason.strip()
    if disposition != inspection.proposed and not reason:
        raise ReturnsError(
            f"{D(disposition).label} is not the proposed {D(inspection.proposed).label.lower()}: "
            "say why."
        )
    line = inspection.line
    receipt, entry = _receipt_entry(tenant, inspection)
    area = receipt.location
    key = f"rma-dispose:{inspection.pk}"
    reference = f"{rma.number} {D(disposition).label.lower()}"

    def status_change(to: str):
        return ledger.post(
            tenant=tenant, user=user, kind=TransactionKind.STATUS_CHANGE,
            moves=[ledger.Move(
                item=line.item, quantity=inspection.quantity, source=area, destination=area,
                lot=line.lot, serial=line.serial, source_status=StockStatus.QC_HOLD,
                destination_status=to,
            )],
            reference=reference, idempotency_key=key, reason=reason[:200],
        )  # fmt: skip

    if disposition == D.RESTOCK:
        inspection.transaction = status_change(StockStatus.AVAILABLE)
        inspection.putaway_task = putaway.create_for_stock(
            tenant=tenant, item=line.item, lot=line.lot, serial=line.serial,
            quantity=inspection.quantity, location=area,
        )  # fmt: skip
    elif disposition == D.QUARANTINE:
        inspection.transaction = status_change(StockStatus.QUARANTINE)
    elif disposition == D.SCRAP:
        scrap = ledger.virtual_location(tenant=tenant, kind=LocationKind.SCRAP)
        inspection.transaction = ledger.post(
            tenant=tenant, user=user, kind=TransactionKind.SCRAP,
            moves=[ledger.Move(
                item=line.item, quantity=inspection.quantity, source=area, destination=scrap,
                lot=line.lot, serial=line.serial, source_status=StockStatus.QC_HOLD,
                layer_entry=entry,
            )],
            reference=reference, idempotency_key=key, reason=reason[:200],
        )  # fmt: skip
        inspection.value = _value_out(tenant, inspection.transaction, area)
    else:
        supplier = policy.returning_supplier(tenant=tenant, item=line.item)
        if supplier is None:
            raise ReturnsError(
                f"No supplier of {line.item.sku} takes returns: scrap or quarantine it instead."
            )
        inspection.transaction = status_change(StockStatus.QUARANTINE)
        inspection.supplier_return = _supplier_return(
            tenant, user, supplier=supplier, inspection=inspection, location=area
        )
    inspection.disposition = disposition
    inspection.override_reason = reason[:200] if disposition != inspection.proposed else ""
    inspection.dispositioned_by, inspection.dispositioned_at = user, timezone.now()
    inspection._history_user = user
    inspection._change_reason = f"disposition: {disposition}"
    inspection.save()
    done = (
        rma.status == R.INSPECTED
        and not Inspection.objects.filter(tenant=tenant, line__rma=rma, disposition="").exists()
    )
    rma_machine.move(
        rma, "disposition", tenant=tenant, user=user, target=R.DISPOSITIONED if done else None
    )
    rma.save()
    return inspection


def _supplier_return(tenant, user, *, supplier, inspection, location) -> SupplierReturn:
    line = inspection.line
    try:
        with transaction.atomic():
            return SupplierReturn.objects.create(
                tenant=tenant, supplier=supplier, item=line.item, lot=line.lot,
                serial=line.serial, quantity=inspection.quantity, location=location,
                created_by=user,
                number=numbering.next_number(SupplierReturn, tenant=tenant, prefix="RTV-", width=5),
            )  # fmt: skip
    except IntegrityError as exc:
        raise ReturnsError(
            "Another supplier return took that number at the same moment; try again."
        ) from exc


@transaction.atomic
def ship_supplier_return(*, tenant: Tenant, user: User, rtv: SupplierReturn) -> SupplierReturn:
    """Send a supplier return: its quarantined goods go from the returns bin to the
    `supplier` location, their value leaving the site. A repeat returns the shipped return."""
    supplier_return_machine.authorize(tenant=tenant, user=user, action="ship")
    rtv = (
        SupplierReturn.objects.select_for_update(of=("self",))
        .select_related("item", "lot", "serial", "location", "supplier")
        .get(tenant=tenant, pk=rtv.pk)
    )
    if rtv.status == SupplierReturnStatus.SHIPPED:
        return rtv
    supplier_return_machine.check(rtv, "ship", tenant=tenant, user=user)
    inspection = Inspection.objects.filter(tenant=tenant, supplier_return=rtv).first()
    entry = _receipt_entry(tenant, inspection)[1] if inspection is not None else None
    destination = ledger.virtual_location(tenant=tenant, kind=LocationKind.SUPPLIER)
    rtv.transaction = ledger.post(
        tenant=tenant, user=user, kind=TransactionKind.RETURN,
        moves=[ledger.Move(
            item=rtv.item, quantity=rtv.quantity, source=rtv.location, destination=destination,
            lot=rtv.lot, serial=rtv.serial, source_status=StockStatus.QUARANTINE,
            layer_entry=entry,
        )],
        reference=f"{rtv.number} to {rtv.supplier.code}", idempotency_key=f"rtv-ship:{rtv.pk}",
    )  # fmt: skip
    rtv.value = _value_out(tenant, rtv.transaction, rtv.location)
    supplier_return_machine.move(rtv, "ship", tenant=tenant, user=user)
    rtv.shipped_by, rtv.shipped_at = user, timezone.now()
    rtv.save()
    return rtv
