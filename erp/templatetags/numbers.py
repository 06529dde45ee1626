"""`{% load numbers %}` (also a builtin): the filters every page formats numbers and dates
with; the rules live in `erp.numbers` and `erp.formats`.

    {{ line.quantity|qty }}               1,230        {{ line.quantity|qty:item.base_unit }}  24.48 kg
    {{ order.total|money }}               1,230.00 USD {{ po.total|money:po.currency }}        99.00 EUR
    {{ line.price|price }}                12.345 USD   {{ supplier.tolerance_pct|percent }}   2.5%
    {{ order.order_date|day }}            30/11/2026   {{ event.created_at|moment }}          30/11/2026 14:05
    {{ stock.free|plain }}                1230.5 (form inputs: exact, no grouping)
"""

from __future__ import annotations

from django import template

from erp import formats, numbers

register = template.Library()


@register.filter
def plain(value) -> str:
    """12.5000 -> "12.5", 100 -> "100", -3.000 -> "-3"; "" for None. Stored quantities and
    costs are exact, so the page shows them exactly rather than rounded like floatformat."""
    return numbers.plain(value)


@register.filter
def qty(value, unit: str = "") -> str:
    return numbers.quantity(value, unit)


@register.filter
def money(value, currency: str | None = None) -> str:
    return numbers.money(value, currency or None)


@register.filter
def price(value, currency: str | None = None) -> str:
    return numbers.price(value, currency or None)


@register.filter
def percent(value) -> str:
    return numbers.percent(value)


@register.filter(expects_localtime=True)
def day(value) -> str:
    return formats.day(value)


@register.filter(expects_localtime=True)
def moment(value) -> str:
    return formats.moment(value)
