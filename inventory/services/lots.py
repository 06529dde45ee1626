"""Lots and serial numbers: the only code that creates them.

Receiving, adjustments and returns name a lot or serial by the code a person scanned; these
find it, or register it the first time it is seen, under the rules the item carries.
"""

from __future__ import annotations

import datetime

from erp.models import Tenant
from inventory.errors import InvalidPosting
from inventory.models import Item, Lot, SerialNumber


def lot_for_receipt(*, tenant: Tenant, item: Item, code: str, expiry: datetime.date | None) -> Lot:
    """The lot `code` of `item`, registered with `expiry` the first time it arrives.

    Raises `InvalidPosting` when the code is blank, a new lot of an item that needs an expiry
    has none, or the lot is on file with another expiry (one lot, one expiry).
    """
    code = (code or "").strip()[:20]
    if not code:
        raise InvalidPosting(f"{item.sku} is lot-tracked: give the lot.", sku=item.sku)
    lot = Lot.objects.filter(tenant=tenant, item=item, code=code).first()
    if lot is None:
        if item.expiry_required and expiry is None:
            raise InvalidPosting(f"{item.sku} needs an expiry date for a new lot.", sku=item.sku)
        return Lot.objects.create(tenant=tenant, item=item, code=code, expiry_date=expiry)
    if expiry is not None and lot.expiry_date not in (None, expiry):
        raise InvalidPosting(
            f"Lot {code} of {item.sku} is on file with expiry {lot.expiry_date:%Y-%m-%d}, "
            f"not {expiry:%Y-%m-%d}.",
            sku=item.sku,
        )
    return lot


def existing_lot(*, tenant: Tenant, item: Item, code: str) -> Lot:
    """The lot `code` of `item`; `InvalidPosting` when there is none (taking stock out)."""
    code = (code or "").strip()
    lot = Lot.objects.filter(tenant=tenant, item=item, code=code).first()
    if lot is None:
        raise InvalidPosting(f"{item.sku} has no lot {code}.", sku=item.sku)
    return lot


def register_serial(*, tenant: Tenant, item: Item, serial: str, lot: Lot | None) -> SerialNumber:
    """The serial number `serial` of `item`, registered (in `lot`) the first time it is seen."""
    serial = (serial or "").strip()[:40]
    if not serial:
        raise InvalidPosting(f"{item.sku} is serial-tracked: give the serial number.", sku=item.sku)
    found = SerialNumber.objects.filter(tenant=tenant, item=item, serial=serial).first()
    return found or SerialNumber.objects.create(tenant=tenant, item=item, serial=serial, lot=lot)


def existing_serial(*, tenant: Tenant, item: Item, serial: str) -> SerialNumber:
    """The serial number `serial` of `item`; `InvalidPosting` when it was never registered."""
    serial = (serial or "").strip()
    found = SerialNumber.objects.filter(tenant=tenant, item=item, serial=serial).first()
    if found is None:
        raise InvalidPosting(f"{item.sku} has no serial {serial}.", sku=item.sku)
    return found
