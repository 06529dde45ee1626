"""Supervisor pages: receiving progress, discrepancies, the putaway queue and QC."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.idempotency import idempotent
from erp.numbers import plain
from erp.roles import roles_required
from warehouse import selectors
from warehouse.forms import DiscrepancyFilterForm, InspectForm, ResolveForm, ShortCloseForm
from warehouse.models import DiscrepancyState
from warehouse.permissions import SUPERVISORS
from warehouse.receiving import quality
from warehouse.receiving import services as receiving


@roles_required(*SUPERVISORS)
def receiving_list(request: HttpRequest) -> HttpResponse:
    orders = selectors.receivable_orders(tenant=request.tenant).order_by("expected_date", "number")[
        :200
    ]
    return render(
        request, "warehouse/receiving/list.html", {"orders": orders, "today": timezone.localdate()}
    )


def _detail(request, order, *, short_form=None, status=200):
    context = {
        "order": order,
        "lines": selectors.order_lines(tenant=request.tenant, order=order),
        "receipts": selectors.receipt_lines(tenant=request.tenant, order=order)[:200],
        "discrepancies": selectors.discrepancies(tenant=request.tenant).filter(order=order),
        "short_form": short_form or ShortCloseForm(),
    }
    return render(request, "warehouse/receiving/detail.html", context, status=status)


@roles_required(*SUPERVISORS)
def receiving_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(selectors.receivable_orders(tenant=request.tenant), pk=pk)
    return _detail(request, order)


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def short_close(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    order = get_object_or_404(selectors.receivable_orders(tenant=request.tenant), pk=pk)
    line = get_object_or_404(selectors.order_lines(tenant=request.tenant, order=order), pk=line_pk)
    form = ShortCloseForm(request.POST)
    if form.is_valid():
        try:
            receiving.short_close_line(
                tenant=request.tenant,
                user=request.user,
                line=line,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{order.number}/{line.line_no} short-closed.")
            return redirect("warehouse:receiving_detail", order.pk)
    return _detail(request, order, short_form=form, status=422)


@roles_required(*SUPERVISORS)
def discrepancy_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    filters = DiscrepancyFilterForm(request.GET or None)
    rows = selectors.discrepancies(tenant=request.tenant)
    if state in DiscrepancyState.values:
        rows = rows.filter(state=state)
    if filters.is_valid() and filters.cleaned_data["kind"]:
        rows = rows.filter(kind=filters.cleaned_data["kind"])
    context = {
        "rows": rows[:300],
        "state": state,
        "states": DiscrepancyState.choices,
        "filters": filters,
        "form": ResolveForm(),
    }
    return render(request, "warehouse/receiving/discrepancies.html", context)


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def discrepancy_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    discrepancy = get_object_or_404(selectors.discrepancies(tenant=request.tenant), pk=pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose accept or reject.")
        return redirect("warehouse:discrepancy_list")
    try:
        receiving.resolve_discrepancy(
            tenant=request.tenant,
            user=request.user,
            discrepancy=discrepancy,
            accept=form.cleaned_data["decision"] == "accept",
            resolution=form.cleaned_data["resolution"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Discrepancy #{discrepancy.pk} {form.cleaned_data['decision']}ed."
        )
    return redirect("warehouse:discrepancy_list")


@roles_required(*SUPERVISORS)
def putaway_queue(request: HttpRequest) -> HttpResponse:
    tasks = selectors.open_putaway_tasks(tenant=request.tenant)[:300]
    template = (
        "warehouse/receiving/_putaway_rows.html"
        if request.htmx
        else "warehouse/receiving/putaway_queue.html"
    )
    return render(request, template, {"tasks": tasks, "now": timezone.now()})


@roles_required(*SUPERVISORS)
def qc_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "warehouse/receiving/qc.html",
        {"rows": selectors.qc_stock(tenant=request.tenant)[:300], "form": InspectForm()},
    )


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def qc_inspect(request: HttpRequest, pk: int) -> HttpResponse:
    balance = get_object_or_404(selectors.qc_balances(tenant=request.tenant), pk=pk)
    form = InspectForm(request.POST)
    if form.is_valid():
        try:
            task = quality.inspect(
                tenant=request.tenant, user=request.user, balance=balance, **form.cleaned_data
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            done = f"{plain(form.cleaned_data['quantity'])} of {balance.item.sku} in {balance.location.code}: {form.cleaned_data['decision']}"
            messages.success(request, done + (f"; putaway #{task.pk} created." if task else "."))
    else:
        messages.error(request, "Give a quantity above zero and a decision.")
    return redirect("warehouse:qc_list")
