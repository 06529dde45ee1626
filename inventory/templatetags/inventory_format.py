"""`{% load inventory_format %}`: the unit-cost and costing-method labels of the valuation
pages. `qty` and `money` are template builtins (erp.templatetags.numbers)."""

from __future__ import annotations

from django import template

from erp import numbers
from inventory.models import CostingMethod

register = template.Library()


@register.filter
def unit_cost(value, currency: str | None = None) -> str:
    return numbers.price(value, currency or None)


@register.filter
def costing(value) -> str:
    try:
        return str(CostingMethod(value).label)
    except ValueError:
        return value
