"""Finance pages in reporting: the adjustment and write-off register."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from erp.replica import read_on_replica
from erp.roles import may_open, roles_required
from erp.tables import Column, build_table
from inventory.permissions import VALUERS
from inventory.views.figures import table_and_figures_response
from reporting import finance
from reporting.finance_filters import RegisterFilter


def _columns() -> list[Column]:
    return [
        Column("Posted at", value=lambda r: r["posted_at"]),
        Column("Site", value=lambda r: r["site_code"] or ""),
        Column("Item", value=lambda r: r["sku"]),
        Column("Category", value=lambda r: r["category"]),
        Column("Quantity", css="num", value=lambda r: r["quantity"]),
        Column("Value", css="num", value=lambda r: r["value"]),
        Column("Reason", value=lambda r: r["reason_label"]),
        Column("Note", value=lambda r: r["note"]),
        Column("Transaction", value=lambda r: r["transaction_id"]),
        Column("Requested by", value=lambda r: r["requested_by"] or ""),
        Column("Requested at", value=lambda r: r["requested_at"]),
        Column("Approved by", value=lambda r: r["approved_by"] or ""),
        Column("Approved at", value=lambda r: r["approved_at"] or ""),
    ]


@roles_required(*VALUERS)
def write_off_register(request: HttpRequest) -> HttpResponse:
    read = read_on_replica(lambda alias: _register(request, alias))
    table, figures = read.result
    return table_and_figures_response(
        request,
        template="reporting/finance/register.html",
        figures_template="reporting/finance/_register_totals.html",
        table=table,
        figures={**figures, "source_note": read.note},
    )


def _register(request: HttpRequest, alias: str):
    table = build_table(
        request,
        name="register",
        queryset=finance.write_off_register(tenant=request.tenant).using(alias),
        filterset_class=RegisterFilter,
        columns=_columns(),
        row_template="reporting/finance/_register_row.html",
        per_page=50,
        # A row names its document; it links there for those who may open adjustments and
        # counts (finance and owners follow the ledger's transaction instead).
        extra={
            "adjustments": may_open(request, "inventory:adjustment_list"),
            "counts": may_open(request, "warehouse:count_list"),
        },
    )
    form = table.filter_form
    valid = form is not None and form.is_valid()
    register = table.page.paginator.object_list
    figures = {
        "valid": valid,
        "errors": [] if valid or form is None else form.non_field_errors(),
        "start": form.cleaned_data.get("start") if valid else None,
        "end": form.cleaned_data.get("end") if valid else None,
        "by_reason": register.by_reason,
        **register.totals(),
    }
    return table.fetch(), figures
