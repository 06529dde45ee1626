"""`{% load numbers %}`: exact decimals without padding zeros or exponents."""

from __future__ import annotations

from django import template

from erp import numbers

register = template.Library()


@register.filter
def plain(value) -> str:
    """12.5000 -> "12.5", 100 -> "100", -3.000 -> "-3"; "" for None. Stored quantities and
    costs are exact, so the page shows them exactly rather than rounded like floatformat."""
    return numbers.plain(value)
