"""`{% load inventory_format %}`: the shared number filters (`erp.numbers`) under the names
stock pages use, and costing method labels."""

from __future__ import annotations

from django import template

from erp import numbers
from inventory.models import CostingMethod

register = template.Library()


@register.filter
def qty(value, unit: str = "") -> str:
    return numbers.quantity(value, unit)


@register.filter
def money(value, currency: str | None = None) -> str:
    return numbers.money(value, currency or None)


@register.filter
def unit_cost(value, currency: str | None = None) -> str:
    return numbers.price(value, currency or None)


@register.filter
def costing(value) -> str:
    try:
        return str(CostingMethod(value).label)
    except ValueError:
        return value
