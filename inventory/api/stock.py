"""Stock on hand: the balances per bin, lot, serial and status."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Query, Router, Schema

from erp.api.paging import PageQuery, keyset, page_of, where
from erp.api.site import answers, roles
from inventory import permissions, selectors
from inventory.api.fields import BinCode, LotCode, SiteCode, Sku
from inventory.models import StockBalance, StockStatus

router = Router(tags=["Stock"])


class StockOut(Schema):
    id: int
    sku: str
    site: str
    zone: str
    bin: str
    lot: str | None
    lot_expiry: datetime.date | None
    serial: str | None
    status: str
    on_hand: Decimal
    reserved: Decimal
    available: Decimal

    @staticmethod
    def resolve_sku(row: StockBalance) -> str:
        return row.item.sku

    @staticmethod
    def resolve_site(row: StockBalance) -> str:
        return row.site.code

    @staticmethod
    def resolve_zone(row: StockBalance) -> str:
        return row.location.bin.zone.code

    @staticmethod
    def resolve_bin(row: StockBalance) -> str:
        return row.location.bin.code

    @staticmethod
    def resolve_lot(row: StockBalance) -> str | None:
        return row.lot.code if row.lot else None

    @staticmethod
    def resolve_lot_expiry(row: StockBalance) -> datetime.date | None:
        return row.lot.expiry_date if row.lot else None

    @staticmethod
    def resolve_serial(row: StockBalance) -> str | None:
        return row.serial.serial if row.serial else None


@router.get("/stock", response=answers(page_of(StockOut)), summary="Stock on hand")
def list_stock(
    request,
    page: Query[PageQuery],
    site: SiteCode | None = None,
    sku: Sku | None = None,
    bin: BinCode | None = None,
    lot: LotCode | None = None,
    status: StockStatus | None = None,
):
    """What sits in the bins as the stock page shows it: one row per bin, lot, serial and
    status holding or promising stock, in the item's base unit (`available` = on hand -
    reserved). Paged by row id: balances change all the time, so a sync re-reads them."""
    roles(request, permissions.DESK)
    rows = selectors.stock_on_hand(tenant=request.tenant)
    rows = where(
        rows, site__code=site, item__sku=sku, location__bin__code=bin, lot__code=lot, status=status
    )
    return keyset(rows, page, changed=None)
