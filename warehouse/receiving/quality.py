"""Quality inspection of stock received into QC hold: release to available (then put away)
or reject to quarantine or damaged, all or part of it."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from erp.models import Tenant, User
from erp.roles import require_role
from inventory import ledger
from inventory.models import StockBalance, StockStatus, TransactionKind
from warehouse import permissions
from warehouse.errors import ReceivingError
from warehouse.models import PutawayTask
from warehouse.putaway import services as putaway

INSPECTORS = permissions.SUPERVISORS
DECISIONS = {
    "release": StockStatus.AVAILABLE,
    "quarantine": StockStatus.QUARANTINE,
    "damaged": StockStatus.DAMAGED,
}


@transaction.atomic
def inspect(
    *,
    tenant: Tenant,
    user: User,
    balance: StockBalance,
    quantity: Decimal,
    decision: str,
    note: str = "",
) -> PutawayTask | None:
    """Move `quantity` out of QC hold in the same bin. Released stock gets a putaway task."""
    require_role(tenant=tenant, user=user, roles=INSPECTORS)
    if balance.status != StockStatus.QC_HOLD or not balance.is_real:
        raise ReceivingError("Only stock in QC hold can be inspected here.")
    if decision not in DECISIONS:
        raise ReceivingError(f"Unknown decision '{decision}'.")
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise ReceivingError("Inspect a quantity above zero.")
    ledger.post(
        tenant=tenant, user=user, kind=TransactionKind.STATUS_CHANGE,
        moves=[ledger.Move(item=balance.item, quantity=quantity, source=balance.location, destination=balance.location, lot=balance.lot, serial=balance.serial, source_status=StockStatus.QC_HOLD, destination_status=DECISIONS[decision])],
        reference=f"QC {decision}", reason=note.strip()[:200],
    )  # fmt: skip
    if decision != "release":
        return None
    suggestion = putaway.suggest(
        tenant=tenant,
        item=balance.item,
        lot=balance.lot,
        quantity=quantity,
        unit=balance.item.base_unit,
        site_id=balance.location.site_id,
    )
    task = PutawayTask.objects.create(
        tenant=tenant, item=balance.item, lot=balance.lot, serial=balance.serial, quantity=quantity,
        from_location=balance.location, suggested_location=suggestion.location, rule=suggestion.rule,
        suggestion_note=suggestion.note[:200],
    )  # fmt: skip
    putaway.queue(tenant=tenant, task=task)
    return task
