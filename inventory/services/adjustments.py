"""Stock adjustments: requested with a reason code, posted at once when small, otherwise
approved (or rejected) by a second supervisor; and operators' bin-to-bin moves.

"Small" is measured on the day, not the piece: what one user posts without a second person
for one item and bin since midnight (the tenant's time), plus the new adjustment, must stay
within the tenant's threshold, so a large write-off split into pieces still needs approval.
Reversal requests (`inventory.services.reversals`) share the approval below."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, F, Sum, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.errors import DomainError
from erp.models import Tenant, User
from erp.roles import Role, require_role
from erp.selectors import tenant_settings
from inventory import ledger, units
from inventory.errors import InvalidPosting
from inventory.ledger.posting import Move
from inventory.models import (
    Adjustment,
    AdjustmentKind,
    AdjustmentState,
    CostLayer,
    InventorySettings,
    Item,
    Location,
    LocationKind,
    Lot,
    SerialNumber,
    StockTransaction,
    TransactionKind,
)
from inventory.permissions import ADJUSTERS, FLOOR
from inventory.services import lots
from inventory.states import adjustment_machine


class OwnRequest(DomainError):
    message = _("You requested {document}; another supervisor must approve it.")


def settings_for(tenant: Tenant) -> InventorySettings:
    return tenant_settings(InventorySettings, tenant=tenant)


def unit_cost(tenant: Tenant, item: Item, site_id: int | None) -> Decimal:
    """The site's current average cost of `item` (its standard cost when none is held)."""
    layers = CostLayer.objects.filter(
        tenant=tenant, item=item, site_id=site_id, remaining_quantity__gt=0
    )
    quantity = sum((layer.remaining_quantity for layer in layers), Decimal(0))
    if quantity:
        return sum((layer.remaining_value for layer in layers), Decimal(0)) / quantity
    return item.standard_cost


def _lot(
    tenant: Tenant, item: Item, code: str, expiry: datetime.date | None, create: bool
) -> Lot | None:
    if not (code or "").strip():
        return None
    if create:
        return lots.lot_for_receipt(tenant=tenant, item=item, code=code, expiry=expiry)
    return lots.existing_lot(tenant=tenant, item=item, code=code)


def _serial(
    tenant: Tenant, item: Item, serial: str, lot: Lot | None, create: bool
) -> SerialNumber | None:
    if not (serial or "").strip():
        return None
    if create:
        return lots.register_serial(tenant=tenant, item=item, serial=serial, lot=lot)
    return lots.existing_serial(tenant=tenant, item=item, serial=serial)


@transaction.atomic
def request_adjustment(
    *,
    tenant: Tenant,
    user: User,
    item: Item,
    location: Location,
    quantity: Decimal,
    reason_code: str,
    unit: str | None = None,
    note: str = "",
    status: str = "available",
    lot_code: str = "",
    expiry: datetime.date | None = None,
    serial: str = "",
) -> Adjustment:
    """Record an adjustment of `quantity` (signed, in `unit` or the base unit) in a bin and post it at once
    when its estimated value is within the tenant's threshold; otherwise it waits for
    approval. Raises `InvalidPosting` for bad input and what `ledger.post` raises."""
    require_role(tenant=tenant, user=user, roles=ADJUSTERS)
    quantity = Decimal(quantity)
    if quantity == 0:
        raise InvalidPosting("An adjustment needs a quantity other than zero.")
    if unit:
        quantity = units.to_base(tenant=tenant, item=item, unit=unit, quantity=quantity)
    if not location.is_real:
        raise InvalidPosting("Adjust stock in a bin.")
    adding = quantity > 0
    lot = _lot(tenant, item, lot_code, expiry, create=adding)
    serial_number = _serial(tenant, item, serial, lot, create=adding)
    if reason_code == "other" and not note.strip():
        raise InvalidPosting("Say what happened in the note when the reason is 'Other'.")
    value = (abs(quantity) * unit_cost(tenant, item, location.site_id)).quantize(Decimal("0.0001"))
    _lock_day(tenant, user, item, location)
    so_far = posted_alone_today(tenant=tenant, user=user, item=item, location=location)
    adjustment = Adjustment.objects.create(
        tenant=tenant, item=item, location=location, lot=lot, serial=serial_number, status=status,
        quantity=quantity, estimated_value=value, reason_code=reason_code, note=note.strip()[:300],
        requested_by=user,
    )  # fmt: skip
    if abs(so_far + adjustment.signed_value) <= settings_for(tenant).adjustment_approval_threshold:
        _post(tenant, user, adjustment, action="post")
    return adjustment


def _day_start(tenant: Tenant) -> datetime.datetime:
    zone = zoneinfo.ZoneInfo(tenant.time_zone)
    today = timezone.now().astimezone(zone).date()
    return datetime.datetime.combine(today, datetime.time.min, tzinfo=zone)


def _lock_day(tenant: Tenant, user: User, item: Item, location: Location) -> None:
    """Serialize one user's adjustments of one item and bin until commit: two at the same
    moment would each read the day's sum without the other and both slip under."""
    key = f"adjustment-day:{tenant.pk}:{user.pk}:{item.pk}:{location.pk}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def posted_alone_today(*, tenant: Tenant, user: User, item: Item, location: Location) -> Decimal:
    """The signed value `user` adjusted today at `location` for `item` without a second
    person (posted at once, so they decided it themselves)."""
    signed = Case(When(quantity__lt=0, then=-F("estimated_value")), default=F("estimated_value"))
    total = Adjustment.objects.filter(
        tenant=tenant, kind=AdjustmentKind.ADJUSTMENT, state=AdjustmentState.POSTED,
        requested_by=user, decided_by=user, item=item, location=location,
        requested_at__gte=_day_start(tenant),
    ).aggregate(total=Sum(signed))["total"]  # fmt: skip
    return total or Decimal(0)


def _post(tenant: Tenant, user: User, adjustment: Adjustment, *, action: str) -> StockTransaction:
    adjustment_machine.check(adjustment, action, tenant=tenant, user=user)
    if adjustment.kind == AdjustmentKind.REVERSAL:
        txn = ledger.reverse(
            tenant=tenant,
            user=user,
            original=adjustment.reverses,
            reason=adjustment.note,
            idempotency_key=f"reversal-request:{adjustment.pk}",
        )
        return _posted(tenant, user, adjustment, txn, action)
    virtual = ledger.virtual_location(tenant=tenant, kind=LocationKind.ADJUSTMENT)
    quantity = abs(adjustment.quantity)
    common = {
        "item": adjustment.item,
        "quantity": quantity,
        "lot": adjustment.lot,
        "serial": adjustment.serial,
    }
    if adjustment.quantity > 0:
        move = Move(
            source=virtual,
            destination=adjustment.location,
            destination_status=adjustment.status,
            **common,
        )
    else:
        move = Move(
            source=adjustment.location,
            destination=virtual,
            source_status=adjustment.status,
            **common,
        )
    txn = ledger.post(
        tenant=tenant,
        user=user,
        kind=TransactionKind.ADJUSTMENT,
        moves=[move],
        reference=f"ADJ-{adjustment.pk}",
        reason=f"{adjustment.get_reason_code_display()}: {adjustment.note}".strip(": "),
        idempotency_key=f"adjustment:{adjustment.pk}",
    )
    return _posted(tenant, user, adjustment, txn, action)


def _posted(
    tenant: Tenant, user: User, adjustment: Adjustment, txn: StockTransaction, action: str
) -> StockTransaction:
    adjustment_machine.move(adjustment, action, tenant=tenant, user=user)
    adjustment.transaction = txn
    adjustment.decided_by = user
    adjustment.decided_at = timezone.now()
    adjustment.save(update_fields=["state", "transaction", "decided_by", "decided_at"])
    return txn


def _lock(tenant: Tenant, adjustment: Adjustment) -> Adjustment:
    return (
        Adjustment.objects.select_for_update(of=("self",))
        .select_related("item", "location", "lot", "serial", "reverses")
        .get(tenant=tenant, pk=adjustment.pk)
    )


@transaction.atomic
def approve_adjustment(*, tenant: Tenant, user: User, adjustment: Adjustment) -> Adjustment:
    """Post a pending adjustment or reversal. The requester cannot approve their own; a repeat
    is refused. Raises what `ledger.post` or `ledger.reverse` raise, leaving it pending."""
    locked = _lock(tenant, adjustment)
    adjustment_machine.check(locked, "approve", tenant=tenant, user=user)
    if locked.requested_by_id == user.pk:
        raise OwnRequest(document=str(locked).lower())
    _post(tenant, user, locked, action="approve")
    return locked


@transaction.atomic
def reject_adjustment(
    *, tenant: Tenant, user: User, adjustment: Adjustment, note: str = ""
) -> Adjustment:
    locked = _lock(tenant, adjustment)
    adjustment_machine.move(locked, "reject", tenant=tenant, user=user, reason=note)
    locked.decided_by = user
    locked.decided_at = timezone.now()
    if note.strip():
        locked.note = f"{locked.note} — rejected: {note.strip()}"[:300]
    locked.save(update_fields=["state", "decided_by", "decided_at", "note"])
    return locked


@transaction.atomic
def move_stock(
    *,
    tenant: Tenant,
    user: User,
    item: Item,
    source: Location,
    destination: Location,
    quantity: Decimal,
    unit: str | None = None,
    lot_code: str = "",
    serial: str = "",
    idempotency_key: str,
) -> StockTransaction:
    """An operator's bin-to-bin move (available stock). A rescan with the same key posts once."""
    require_role(tenant=tenant, user=user, roles=FLOOR)
    if not (source.is_real and destination.is_real):
        raise InvalidPosting("Move between bins.")
    if source.site_id != destination.site_id:
        raise InvalidPosting(
            f"{source.code} and {destination.code} are at different sites; use a transfer."
        )
    lot = _lot(tenant, item, lot_code, None, create=False)
    serial_number = _serial(tenant, item, serial, lot, create=False)
    return ledger.post(
        tenant=tenant,
        user=user,
        kind=TransactionKind.MOVE,
        moves=[
            Move(
                item=item,
                quantity=Decimal(quantity),
                unit=unit,
                source=source,
                destination=destination,
                lot=lot,
                serial=serial_number,
            )
        ],
        reference=f"{source.code}→{destination.code}",
        idempotency_key=f"move:{idempotency_key}",
    )


@transaction.atomic
def save_settings(*, tenant: Tenant, user: User, settings: InventorySettings) -> InventorySettings:
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    settings.tenant = tenant
    settings.save()
    return settings
