"""The stock ledger read back, entry by entry: append-only, so a client pages by id."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Query, Router, Schema

from erp.api.paging import PageQuery, keyset, page_of, where
from erp.api.site import Id, answers, roles
from inventory import permissions
from inventory.api.fields import SiteCode, Sku
from inventory.models import LocationKind, StockEntry

router = Router(tags=["Ledger"])


class LedgerEntryOut(Schema):
    id: int
    transaction_id: int
    transaction_type: str
    reference: str
    reason: str
    reverses_transaction_id: int | None
    sku: str
    site: str | None
    location: str
    location_kind: str
    bin: str | None
    lot: str | None
    serial: str | None
    quantity: Decimal
    status: str
    unit_cost: Decimal
    value: Decimal
    posted_at: datetime.datetime

    @staticmethod
    def resolve_transaction_type(entry: StockEntry) -> str:
        return entry.transaction.kind

    @staticmethod
    def resolve_reference(entry: StockEntry) -> str:
        return entry.transaction.reference

    @staticmethod
    def resolve_reason(entry: StockEntry) -> str:
        return entry.transaction.reason

    @staticmethod
    def resolve_reverses_transaction_id(entry: StockEntry) -> int | None:
        return entry.transaction.reverses_id

    @staticmethod
    def resolve_sku(entry: StockEntry) -> str:
        return entry.item.sku

    @staticmethod
    def resolve_site(entry: StockEntry) -> str | None:
        return entry.site.code if entry.site else None

    @staticmethod
    def resolve_location(entry: StockEntry) -> str:
        return entry.location.code

    @staticmethod
    def resolve_location_kind(entry: StockEntry) -> str:
        return entry.location.kind

    @staticmethod
    def resolve_bin(entry: StockEntry) -> str | None:
        return entry.location.code if entry.location.kind == LocationKind.BIN else None

    @staticmethod
    def resolve_lot(entry: StockEntry) -> str | None:
        return entry.lot.code if entry.lot else None

    @staticmethod
    def resolve_serial(entry: StockEntry) -> str | None:
        return entry.serial.serial if entry.serial else None

    @staticmethod
    def resolve_posted_at(entry: StockEntry) -> datetime.datetime:
        return entry.transaction.posted_at


@router.get(
    "/ledger-entries", response=answers(page_of(LedgerEntryOut)), summary="List ledger entries"
)
def list_ledger_entries(
    request,
    page: Query[PageQuery],
    sku: Sku | None = None,
    site: SiteCode | None = None,
    since_id: Id | None = None,
):
    """Posted ledger entries in the order they were written (by id): each a signed quantity
    in the item's base unit at one location, with its transaction. Entries never change, so
    `since_id` (the last id a client has) gives what was posted since. `site` keeps the
    entries at that site's bins; the virtual counterparts (supplier, customer, adjustment)
    have no site."""
    roles(request, permissions.LEDGER_READERS)
    entries = StockEntry.objects.filter(tenant=request.tenant).select_related(
        "transaction", "item", "location", "lot", "serial", "site"
    )
    entries = where(entries, item__sku=sku, site__code=site, pk__gt=since_id)
    return keyset(entries, page, changed=None)
