"""Exact decimals as people write them: 12.5000 -> "12.5", 10.0000 -> "10" (not "1E+1")."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def plain(value) -> str:
    if value is None or value == "":
        return ""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text
