"""Tables that come with figures for the same filters (totals, as-of values).

The figures sit outside the table's results, so an htmx request aimed at the results gets the
rows plus the figures' partial marked `hx-swap-oob`: both change with every filter and page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from erp.tables import Table


def table_and_figures_response(
    request: HttpRequest,
    *,
    template: str,
    figures_template: str,
    table: Table,
    figures: dict,
    context: dict | None = None,
) -> HttpResponse:
    context = {
        **(context or {}),
        "table": table,
        "figures": figures,
        "figures_template": figures_template,
    }
    if getattr(request, "htmx", False) and request.htmx.target == table.results_id:
        return render(request, "inventory/_results_and_figures.html", context)
    return render(request, template, context)


def as_of_date(table: Table):
    """The as-of date the table's filter form applied, or None when the form is invalid."""
    form = table.filter_form
    return form.cleaned_data.get("as_of") if form is not None and form.is_valid() else None
