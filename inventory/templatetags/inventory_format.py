"""Number formats for stock pages: quantities without trailing zeros, money to the cent,
unit costs to the precision the ledger keeps (six places) but no less than cents."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

from inventory.models import CostingMethod

register = template.Library()

CENT = Decimal("0.01")
COST_PLACES = Decimal("0.000001")


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def qty(value) -> str:
    number = _decimal(value)
    if number is None:
        return "—"
    # normalize() alone would print 10 as 1E+1; ",f" keeps plain digits.
    return format(number.normalize() + 0, ",f")


@register.filter
def money(value) -> str:
    number = _decimal(value)
    if number is None:
        return "—"
    # + 0 turns a negative zero (a rounded -0.004) into 0.00.
    return format(number.quantize(CENT, rounding=ROUND_HALF_UP) + 0, ",f")


@register.filter
def unit_cost(value) -> str:
    number = _decimal(value)
    if number is None:
        return "—"
    number = number.quantize(COST_PLACES, rounding=ROUND_HALF_UP).normalize()
    if number.as_tuple().exponent > -2:
        number = number.quantize(CENT) + 0
    return format(number, ",f")


@register.filter
def costing(value) -> str:
    try:
        return str(CostingMethod(value).label)
    except ValueError:
        return value
