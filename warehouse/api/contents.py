"""What a carton holds, as the API shows it: one row per item and lot with the serials in it,
so a serial-tracked item's hundred units are one row, not a hundred."""

from __future__ import annotations

from decimal import Decimal

from ninja import Schema


class ContentOut(Schema):
    sku: str
    quantity: Decimal
    lot: str | None
    serials: list[str]


def grouped(lines) -> list[dict]:
    """`lines` each with `item`, `lot`, `serial` (or None) and `quantity`, in packing order."""
    rows: dict[tuple, dict] = {}
    for line in lines:
        key = (line.item.pk, line.lot.pk if line.lot else None)
        row = rows.get(key)
        if row is None:
            row = rows[key] = {
                "sku": line.item.sku,
                "quantity": Decimal(0),
                "lot": line.lot.code if line.lot else None,
                "serials": [],
            }
        row["quantity"] += line.quantity
        if line.serial is not None:
            row["serials"].append(line.serial.serial)
    return list(rows.values())
