"""Stock adjustments through the desk's service: posted at once within the approval
threshold, otherwise left pending for a second supervisor, exactly as on the page."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Router, Schema, Status

from erp.api.fields import text
from erp.api.site import answers, roles
from inventory import permissions, scanning
from inventory.api.fields import BinCode, LotCode, SiteCode, Sku, item_by_sku, site_by_code
from inventory.models import Adjustment, ReasonCode, StockStatus
from inventory.services import adjustments as service

router = Router(tags=["Adjustments"])

# The ledger's quantity column: 18 digits, 4 after the point.
Quantity = Annotated[Decimal, Field(max_digits=18, decimal_places=4, allow_inf_nan=False)]
Text = text(300)
Serial = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[^\x00-\x20\x7f]+$")]
UnitCode = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[^\x00-\x20\x7f]+$")]


class AdjustmentIn(Schema):
    site: SiteCode
    bin: BinCode
    sku: Sku
    quantity: Quantity = Field(..., description="signed: + adds stock, - removes it")
    unit: UnitCode | None = Field(None, description="one of the item's units; else its base unit")
    status: StockStatus = StockStatus.AVAILABLE
    reason: ReasonCode
    note: Text = Field("", description="required when the reason is 'other'")
    lot: LotCode | None = None
    expiry: datetime.date | None = Field(None, description="of a new lot that stock adds")
    serial: Serial | None = None


class AdjustmentOut(Schema):
    id: int
    state: str
    sku: str
    site: str
    bin: str
    lot: str | None
    serial: str | None
    status: str
    quantity: Decimal = Field(..., description="signed, in the item's base unit")
    reason: str
    note: str
    estimated_value: Decimal
    transaction_id: int | None = Field(..., description="the ledger transaction once posted")
    requested_at: datetime.datetime

    @staticmethod
    def resolve_sku(adjustment: Adjustment) -> str:
        return adjustment.item.sku

    @staticmethod
    def resolve_site(adjustment: Adjustment) -> str:
        return adjustment.location.bin.site.code

    @staticmethod
    def resolve_bin(adjustment: Adjustment) -> str:
        return adjustment.location.bin.code

    @staticmethod
    def resolve_lot(adjustment: Adjustment) -> str | None:
        return adjustment.lot.code if adjustment.lot else None

    @staticmethod
    def resolve_serial(adjustment: Adjustment) -> str | None:
        return adjustment.serial.serial if adjustment.serial else None

    @staticmethod
    def resolve_reason(adjustment: Adjustment) -> str:
        return adjustment.reason_code


@router.post(
    "/adjustments", response=answers(AdjustmentOut, status=201), summary="Adjust stock in a bin"
)
def create_adjustment(request, body: AdjustmentIn):
    """Add stock to or remove it from a bin with a reason, as the adjustment page does: it
    posts at once (state `posted`, with its ledger `transaction_id`) while what this token
    adjusted of the item in the bin today stays within the organisation's approval
    threshold; above it, it waits (`pending`) for a supervisor to approve it. The service's
    refusals come back as 400 with their code and facts (`insufficient_stock`,
    `invalid_posting`, ...). Send an Idempotency-Key: a retry then posts once."""
    roles(request, permissions.ADJUSTERS)
    site = site_by_code(request, body.site)
    item = item_by_sku(request, body.sku)
    location = scanning.resolve_bin(tenant=request.tenant, code=body.bin, site=site)
    adjustment = service.request_adjustment(
        tenant=request.tenant, user=request.user, item=item, location=location,
        quantity=body.quantity, unit=body.unit, status=body.status, reason_code=body.reason,
        note=body.note, lot_code=body.lot or "", expiry=body.expiry, serial=body.serial or "",
    )  # fmt: skip
    # Read back: the row's quantities as stored, and its relations in the same query.
    stored = Adjustment.objects.select_related("item", "location__bin__site", "lot", "serial")
    return Status(201, stored.get(tenant=request.tenant, pk=adjustment.pk))
