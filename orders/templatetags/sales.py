"""`{% load sales %}`: ages of backorders and the look of order statuses."""

from __future__ import annotations

import datetime

from django import template

from orders import selectors

register = template.Library()

# Statuses that need someone's attention (warn), that are done (ok), or neither.
WARN = {"draft", "confirmed", "partially_allocated", "partially_shipped"}
OK = {"allocated", "released", "picking", "packed", "shipped", "closed"}


@register.filter
def days_since(value, today: datetime.date) -> int | str:
    """Whole days from `value` (a date or a moment) to `today`; "" when there is no value."""
    days = selectors.days_between(value, today)
    return "" if days is None else days


@register.filter
def aging_bucket(promised: datetime.date, today: datetime.date) -> str:
    """The backorder aging bucket (DOMAIN.md) of a line promised on `promised`."""
    return selectors.bucket_for((today - promised).days).label


@register.filter
def status_css(status: str) -> str:
    return "warn" if status in WARN else "ok" if status in OK else ""
