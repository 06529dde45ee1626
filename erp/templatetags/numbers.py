"""`{% load numbers %}`: exact decimals without padding zeros or exponents."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def plain(value) -> str:
    """12.5000 -> "12.5", 100 -> "100", -3.000 -> "-3"; "" for None. Stored quantities and
    costs are exact, so the page shows them exactly rather than rounded like floatformat."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text
