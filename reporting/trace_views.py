"""The recall trace page and its one-page PDF for the recall coordinator (GET only: reading)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from erp import pdf
from erp.replica import read_on_replica
from erp.roles import roles_required
from erp.tables import Column, Table, build_table, table_partial
from reporting import trace as tracing
from reporting.documents import recall_pdf, reconciliation_text
from reporting.permissions import TRACERS


class TraceForm(forms.Form):
    scan = forms.CharField(
        required=False, max_length=200, label="Scan",
        help_text="A GS1 label: GTIN (01) with lot (10) or serial (21)",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )  # fmt: skip
    item = forms.CharField(required=False, max_length=60, label="Item (SKU or GTIN)")
    lot = forms.CharField(required=False, max_length=20)
    serial = forms.CharField(required=False, max_length=40)


class Rows(list):
    """Computed rows that `build_table` (and the shared export) take as they take a queryset:
    already in the page's order, counted without an argument."""

    ordered = True

    def count(self) -> int:  # type: ignore[override]
        return len(self)


def _column(label: str, path: str, css: str = "") -> Column:
    return Column(label, css=css, value=path)


def _tables(request: HttpRequest, result: tracing.Trace) -> list[Table]:
    date = _column("Date", "posted_at")
    site = _column("Site", "sites")
    quantity = _column("Quantity", "quantity", css="num")
    posting = _column("Posting", "transaction_id", css="num")
    specs = [
        ("trace-receipts", "rec", result.receipts, "_receipt_row.html", [
            date, _column("Supplier", "party"), _column("Purchase order / line", "order"),
            _column("Dock", "detail"), site, quantity, posting,
        ], "Not received from a supplier."),
        ("trace-returns", "rma", result.returns, "_return_row.html", [
            date, _column("RMA", "document"), _column("Customer", "party"),
            _column("Sales order", "order"), site, quantity, posting,
        ], "Never returned by a customer."),
        ("trace-shipments", "shp", result.shipments, "_shipment_row.html", [
            date, _column("Shipment", "document"), _column("Sales order", "order"),
            _column("Customer", "party"), site, quantity, posting,
        ], "Not shipped to any customer."),
        ("trace-transfers", "trf", result.transfers, "_transfer_row.html", [
            date, _column("Transfer", "document"), _column("Route", "detail"), site,
            _column("Quantity (+ in, - out)", "inflow", css="num"), posting,
        ], "Not moved between sites."),
        ("trace-write-offs", "adj", result.write_offs, "_write_off_row.html", [
            date, _column("Kind", "label"), _column("Document", "document"),
            _column("Reason", "reason"), site, _column("Quantity (+ in, - out)", "inflow", css="num"),
            posting,
        ], "No scrap, adjustment, return to supplier or reversal."),
        ("trace-on-hand", "oh", result.on_hand, "_on_hand_row.html", [
            _column("Site", "site"), _column("Zone", "zone"), _column("Bin", "bin"),
            _column("Status", "status"), _column("Serial", "serial"), quantity,
        ], "None on hand in any bin."),
    ]  # fmt: skip
    return [
        build_table(
            request,
            name=name,
            prefix=prefix,
            queryset=Rows(rows),
            columns=columns,
            row_template=f"reporting/trace/{template}",
            per_page=100,
            empty=empty,
        )
        for name, prefix, rows, template, columns, empty in specs
    ]


def _traced(request: HttpRequest) -> tuple[TraceForm, tracing.Trace | None]:
    form = TraceForm(request.GET or None)
    if not form.is_bound or not form.is_valid():
        return form, None
    try:
        target = tracing.resolve(tenant=request.tenant, **form.cleaned_data)
    except tracing.TraceError as exc:
        form.add_error(None, str(exc))
        return form, None
    # The lookups above are a few rows on the primary; the trace itself reads the lot's whole
    # history, which may be seconds stale: on the replica when there is one.
    read = read_on_replica(
        lambda alias: tracing.trace(tenant=request.tenant, target=target, using=alias)
    )
    read.result.note = read.note
    return form, read.result


@roles_required(*TRACERS)
def trace(request: HttpRequest) -> HttpResponse:
    form, result = _traced(request)
    tables = _tables(request, result) if result is not None else []
    partial = table_partial(request, *tables)
    if partial is not None:
        return partial
    context = {"form": form, "trace": result}
    if result is not None:
        names = ("receipts", "returns", "shipments", "transfers", "write_offs", "on_hand")
        context["tables"] = dict(zip(names, tables, strict=True))
        context["reconciliation"] = reconciliation_text(result)
        context["query"] = urlencode(result.target.query())
    return render(request, "reporting/trace/page.html", context, status=422 if form.errors else 200)


@roles_required(*TRACERS)
def trace_pdf(request: HttpRequest) -> HttpResponse:
    form, result = _traced(request)
    if result is None:
        if not form.is_bound:
            # Nothing asked yet (a bookmark, the menu): the form to ask with, not an error.
            return render(request, "reporting/trace/page.html", {"form": form})
        if form.is_valid():
            form.add_error(None, "Give the lot or serial to trace before printing the recall.")
        return render(request, "reporting/trace/page.html", {"form": form}, status=422)
    response = HttpResponse(
        recall_pdf(trace=result, tenant_name=request.tenant.name, pagesize=pdf.page_size(request.tenant)),
        content_type="application/pdf",
    )  # fmt: skip
    target = result.target
    code = target.serial.serial if target.serial else target.lot.code
    filename = "".join(
        c if c.isalnum() or c in "-_" else "_" for c in f"recall-{target.item.sku}-{code}"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response
