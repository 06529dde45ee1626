"""The scan steps of a pick, shared by outbound picks and transfer picks: the bin, then the
item (GTIN, GS1-128 or SKU), then its lot or serial when the item is tracked and the scan did
not carry it, then the quantity. Scans are checked against what the pick asks for with the
same messages wherever the operator picks, and scans that are right so far but incomplete
(a scanner's Enter after the bin) say what to scan next instead of failing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from erp.models import Tenant
from inventory.models import Item, Location, Lot, SerialNumber
from warehouse.errors import WarehouseError


@dataclass(frozen=True)
class Wanted:
    """What one pick asks for: the bin, the item and its lot or serial when tracked."""

    location: Location
    item: Item
    lot: Lot | None = None
    serial: SerialNumber | None = None


def check_scans(
    *, tenant: Tenant, wanted: Wanted, bin_code: str, item_code: str, quantity: Decimal,
    lot_code: str = "", serial_code: str = "",
) -> tuple[str, str] | None:  # fmt: skip
    """None when the scans are complete and match `wanted`; (field, prompt) of the next scan
    when they are right so far but incomplete. An empty bin (0 found) needs no item scan.
    Changes nothing. Raises `WarehouseError` naming what did not match, with the form field
    it came from (`field`)."""
    from inventory import scanning
    from inventory.errors import InvalidPosting

    try:
        location = scanning.resolve_bin(tenant=tenant, code=bin_code, site=wanted.location.site_id)
    except InvalidPosting as exc:
        raise WarehouseError(str(exc), field="bin") from exc
    if location.pk != wanted.location.pk:
        raise WarehouseError(
            f"Wrong bin: {location.code} scanned; this pick is from {wanted.location.code}.",
            field="bin",
        )
    if not item_code.strip():
        if Decimal(quantity) > 0:
            return "item", f"{location.code} is the right bin: scan the item."
        return None
    try:
        item, _, scan = scanning.resolve_item(tenant=tenant, text=item_code)
    except InvalidPosting as exc:
        raise WarehouseError(str(exc), field="item") from exc
    if item.pk != wanted.item.pk:
        raise WarehouseError(
            f"Wrong item: {item.sku} scanned; pick {wanted.item.sku}.", field="item"
        )
    return _check_tracking(wanted, scan=scan, lot=lot_code, serial=serial_code)


def _check_tracking(wanted: Wanted, *, scan, lot: str, serial: str) -> tuple[str, str] | None:
    """Refuse a lot or serial that is not the pick's (naming the field it came from); say
    which is still to scan (field, prompt) when the item scan did not carry it."""
    for kind, expected, scanned, typed in (
        ("lot", wanted.lot.code if wanted.lot else None, scan.lot, lot.strip()),
        ("serial", wanted.serial.serial if wanted.serial else None, scan.serial, serial.strip()),
    ):
        if expected is None:
            continue
        given = scanned or typed
        if not given:
            how = "scan its GS1 label or type" if kind == "lot" else "scan or type"
            return kind, f"{wanted.item.sku} is {kind}-tracked: {how} {kind} {expected}."
        if given.casefold() != expected.casefold():
            raise WarehouseError(
                f"Wrong {kind}: {given} scanned; this pick is {kind} {expected}.",
                field="item" if scanned else kind,
            )
    return None
