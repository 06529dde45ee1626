"""Backorders: open lines of confirmed orders still wanting stock, aged by days past their
promised date in the DOMAIN.md buckets, with totals per bucket for the filtered lines."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from erp.roles import roles_required
from erp.tables import Column, build_table, table_response
from orders import selectors
from orders.filters import BackorderFilter
from orders.permissions import VIEWERS


@roles_required(*VIEWERS)
def backorder_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    table = build_table(
        request,
        name="backorders",
        queryset=selectors.backorder_lines(tenant=request.tenant),
        filterset_class=BackorderFilter,
        columns=[
            Column(
                "Order / line",
                "order__number",
                value=lambda row: f"{row.order.number}/{row.line_no}",
            ),
            Column("Customer", "order__customer__code", css="hide-sm", value="order.customer.code"),
            Column("Item", "item__sku", value="item.sku"),
            Column("Ships from", "order__site__code", css="hide-md", value="order.site.code"),
            Column("Promised", "promised_date", value="promised_date"),
            Column(
                "Days past promise",
                css="num hide-sm",
                value=lambda row: max((today - row.promised_date).days, 0),
            ),
            Column(
                "Backordered since", "backordered_since", css="hide-md", value="backordered_since"
            ),
            Column(
                "Age (days)",
                css="num",
                value=lambda row: selectors.days_between(row.backordered_since, today),
            ),
            Column("Backordered", "backordered", css="num", value="backordered"),
            Column("Value", "backordered_value", css="num", value="backordered_value"),
        ],
        row_template="orders/backorder/_row.html",
        default_sort="promised_date",
        extra={"today": today},
        per_page=50,
        empty="No backorders match these filters.",
    )
    # The totals cover every filtered line, not just this page.
    totals = selectors.backorder_totals(table.page.paginator.object_list, today=today)
    if request.htmx and request.htmx.target == table.results_id:
        # Filtering swaps the rows; the totals come along out of band.
        return render(request, "orders/backorder/_results.html", {"table": table, "totals": totals})
    return table_response(
        request,
        template="orders/backorder/list.html",
        table=table,
        context={"totals": totals, "today": today},
    )
