"""`{% load stock_measures %}`: ratios as the stock and supplier KPI pages show them."""

from django import template

from reporting.figures import percent

register = template.Library()


@register.filter
def share(value) -> str:
    """A ratio (0.875) as a percent to one place ("87.5 %"); None (nothing under it) as "—"."""
    return percent(value)
