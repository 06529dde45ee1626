"""Inspection and disposition pages (phone width): the backlog, grading an RMA's received
goods, deciding each graded quantity, and the supplier returns waiting to ship."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.idempotency import idempotent
from erp.numbers import plain
from erp.roles import roles_required
from erp.tables import Column, build_table, table_partial
from returns import selectors
from returns.forms import DisposeForm, InspectForm, ShippedReturnFilter
from returns.models import Disposition, RmaStatus, SupplierReturnStatus
from returns.permissions import FLOOR
from returns.services import inspection
from returns.views.rmas import rma_or_404

GRADING = (RmaStatus.PARTIALLY_RECEIVED, RmaStatus.RECEIVED)
DECIDING = (*GRADING, RmaStatus.INSPECTED)


@roles_required(*FLOOR)
def inspection_list(request: HttpRequest) -> HttpResponse:
    context = {
        "to_grade": selectors.inspection_backlog(tenant=request.tenant),
        "to_decide": selectors.disposition_backlog(tenant=request.tenant),
    }
    return render(request, "returns/inspection/list.html", context)


def _inspect_page(request, rma, *, form=None, dispose_forms=None, status=200):
    tenant = request.tenant
    lines = selectors.lines(tenant=tenant, rma=rma)
    rows = list(selectors.inspections(tenant=tenant, rma=rma))
    dispose_forms = dispose_forms or {}
    for row in rows:
        row.form = dispose_forms.get(row.pk) or DisposeForm(
            initial={"disposition": row.proposed}, prefix=f"i{row.pk}"
        )
    left = [line for line in lines if line.received > line.inspected]
    if form is None and left:
        first = left[0]
        form = InspectForm(
            lines=lines,
            initial={"line": first.pk, "quantity": plain(first.received - first.inspected)},
        )
    context = {
        "rma": rma,
        "lines": lines,
        "form": form if rma.status in GRADING and left else None,
        "inspections": rows,
        "deciding": rma.status in DECIDING,
    }
    return render(request, "returns/inspection/rma.html", context, status=status)


@roles_required(*FLOOR)
@idempotent
def rma_inspect(request: HttpRequest, pk: int) -> HttpResponse:
    rma = rma_or_404(request, pk)
    if request.method != "POST":
        return _inspect_page(request, rma)
    lines = selectors.lines(tenant=request.tenant, rma=rma)
    form = InspectForm(request.POST, lines=lines)
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = inspection.inspect(
                tenant=request.tenant, user=request.user, line=data["line"], grade=data["grade"],
                quantity=data["quantity"], notes=data["notes"],
            )  # fmt: skip
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Graded {plain(row.quantity)} {row.get_grade_display().lower()}: proposed "
                f"{Disposition(row.proposed).label.lower()}.",
            )
            return redirect("returns:rma_inspect", rma.pk)
    return _inspect_page(request, rma, form=form, status=422)


@require_POST
@roles_required(*FLOOR)
@idempotent
def inspection_dispose(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(selectors.inspections(tenant=request.tenant), pk=pk)
    rma = row.line.rma
    form = DisposeForm(request.POST, prefix=f"i{row.pk}")
    if form.is_valid():
        try:
            done = inspection.dispose(
                tenant=request.tenant, user=request.user, inspection=row,
                disposition=form.cleaned_data["disposition"], reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            what = Disposition(done.disposition).label.lower()
            extra = (
                f"; putaway #{done.putaway_task_id} queued" if done.putaway_task_id else
                f"; {done.supplier_return.number} waits to ship" if done.supplier_return_id else
                f"; {done.value:.2f} written off" if done.value else ""
            )  # fmt: skip
            messages.success(request, f"{plain(done.quantity)} sent to {what}{extra}.")
            return redirect("returns:rma_inspect", rma.pk)
    return _inspect_page(request, rma, dispose_forms={row.pk: form}, status=422)


def _item(rtv) -> str:
    """The item with its lot or serial, as the lists show it."""
    tracked = rtv.lot.code if rtv.lot else rtv.serial.serial if rtv.serial else ""
    return f"{rtv.item.sku} {tracked}" if tracked else rtv.item.sku


@roles_required(*FLOOR)
def supplier_return_list(request: HttpRequest) -> HttpResponse:
    """The supplier returns waiting to ship, oldest first, and those shipped, newest first and
    filtered; each table exports as it shows (erp.exports)."""
    found = selectors.supplier_returns(tenant=request.tenant)
    waiting = build_table(
        request,
        name="rtv-open",
        prefix="open",
        export_name="supplier-returns-waiting",
        queryset=found.filter(status=SupplierReturnStatus.OPEN),
        columns=[
            Column("Return", "number", value="number"),
            Column("Supplier", "supplier__name", value="supplier.name"),
            Column("Item", "item__sku", value=_item),
            Column("Quantity", "quantity", css="num", value="quantity"),
            Column("Bin", "location__code", value="location.code"),
            Column("Waiting since", "created_at", css="nowrap hide-sm", value="created_at"),
            Column("", css="col-action"),
        ],
        row_template="returns/inspection/_rtv_open_row.html",
        per_page=50,
        default_sort="created_at",
        empty="Nothing waits to go back.",
    )
    shipped = build_table(
        request,
        name="rtv-shipped",
        prefix="shipped",
        export_name="supplier-returns-shipped",
        queryset=found.filter(status=SupplierReturnStatus.SHIPPED),
        filterset_class=ShippedReturnFilter,
        columns=[
            Column("Return", "number", value="number"),
            Column("Supplier", "supplier__name", value="supplier.name"),
            Column("Item", "item__sku", value=_item),
            Column("Quantity", "quantity", css="num", value="quantity"),
            Column("Value", "value", css="num", value="value"),
            Column("Shipped", "shipped_at", css="nowrap hide-sm", value="shipped_at"),
        ],
        row_template="returns/inspection/_rtv_shipped_row.html",
        per_page=50,
        default_sort="-shipped_at",
        empty="No shipped return matches these filters.",
    )
    if (partial := table_partial(request, waiting, shipped)) is not None:
        return partial
    return render(
        request,
        "returns/inspection/supplier_returns.html",
        {"waiting": waiting, "shipped": shipped},
    )


@require_POST
@roles_required(*FLOOR)
@idempotent
def supplier_return_ship(request: HttpRequest, pk: int) -> HttpResponse:
    rtv = get_object_or_404(selectors.supplier_returns(tenant=request.tenant), pk=pk)
    try:
        rtv = inspection.ship_supplier_return(tenant=request.tenant, user=request.user, rtv=rtv)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{rtv.number} shipped to {rtv.supplier.name}.")
    return redirect("returns:supplier_return_list")
