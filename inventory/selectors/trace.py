"""A lot's or a serial's whole life in the ledger, for the recall trace (reporting): every entry
that carried it and what of it is on hand now."""

from __future__ import annotations

from django.db.models import QuerySet

from inventory.models import Item, Lot, SerialNumber, StockBalance, StockEntry


def lot_of(*, tenant, item: Item, code: str) -> Lot | None:
    return Lot.objects.filter(tenant=tenant, item=item, code=code.strip()).first()


def serial_of(*, tenant, item: Item, serial: str) -> SerialNumber | None:
    return (
        SerialNumber.objects.filter(tenant=tenant, item=item, serial=serial.strip())
        .select_related("lot")
        .first()
    )


def traced_entries(
    *, tenant, lot: Lot | None = None, serial: SerialNumber | None = None
) -> QuerySet[StockEntry]:
    """Every entry of `lot` (its serials' included) or of `serial`, oldest posting first, with
    the transaction, location and site (inv_entry_lot_idx / inv_entry_serial_idx)."""
    found = StockEntry.objects.filter(tenant=tenant)
    found = found.filter(serial=serial) if serial is not None else found.filter(lot=lot)
    return found.select_related(
        "transaction__posted_by", "location__bin", "site", "serial"
    ).order_by("transaction__posted_at", "transaction_id", "id")


def traced_balances(
    *, tenant, lot: Lot | None = None, serial: SerialNumber | None = None
) -> QuerySet[StockBalance]:
    """What of `lot` or `serial` is on hand now in real bins, by site, bin and status."""
    found = StockBalance.objects.filter(tenant=tenant, is_real=True, on_hand__gt=0)
    found = found.filter(serial=serial) if serial is not None else found.filter(lot=lot)
    return found.select_related("location__bin__zone", "site", "serial").order_by(
        "site__code", "location__code", "status", "serial__serial"
    )
