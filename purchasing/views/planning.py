"""The planner's pages: reorder suggestions to review (filter, change a quantity, accept or
reject), planning runs with their progress, and the service levels per segment."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.formats import moment
from erp.idempotency import idempotent
from erp.roles import Role, roles_required
from erp.tables import Column, build_table, table_response
from purchasing.models import SuggestionStatus
from purchasing.permissions import BUYERS
from purchasing.planning import levels, review, selectors
from purchasing.planning import run as planning
from purchasing.planning.filters import SuggestionFilter
from purchasing.planning.forms import (
    PlanningSettingsForm,
    QuantityForm,
    RejectForm,
    ServiceLevelsForm,
)
from purchasing.services import orders

ROW = "purchasing/planning/_suggestion_row.html"


def _status(request: HttpRequest) -> str:
    status = request.GET.get("status") or SuggestionStatus.OPEN
    return status if status in SuggestionStatus.values else SuggestionStatus.OPEN


def _source(row) -> str:
    if row.kind == "transfer":
        return f"Transfer from {row.from_site.code}"
    return row.supplier.code if row.supplier else ""


def _decision(row) -> str:
    parts = [str(row.decided_by or "")]
    if row.decided_at:
        parts.append(moment(row.decided_at))
    if row.purchase_order:
        parts.append(row.purchase_order.number)
    parts += [row.transfer_number or "", row.reason or ""]
    return " · ".join(p for p in parts if p)


@roles_required(*BUYERS)
def suggestion_list(request: HttpRequest) -> HttpResponse:
    status = _status(request)
    table = build_table(
        request,
        name="suggestions",
        queryset=selectors.suggestions(tenant=request.tenant).filter(status=status),
        filterset_class=SuggestionFilter,
        columns=[
            Column("", value=None)
            if status == SuggestionStatus.OPEN
            else Column("Status", value="get_status_display"),
            Column("Item", "item__sku", value="item.sku"),
            Column("Site", "site__code", value="site.code"),
            Column("From", "supplier__code", value=_source),
            Column("Class", "abc_class", value=lambda row: f"{row.abc_class}{row.xyz_class}"),
            Column("Runs out", "stockout_date", value="stockout_date"),
            Column("Why", css="explain", value="explanation"),
            Column("Quantity", "quantity", css="num", value="quantity"),
            Column("Decide", value=None)
            if status == SuggestionStatus.OPEN
            else Column("Decided", value=_decision),
        ],
        row_template=ROW,
        per_page=50,
        default_sort="stockout_date",
        empty="No suggestions match. Run planning to compute them from the latest figures.",
    )
    return table_response(
        request,
        template="purchasing/planning/suggestions.html",
        table=table,
        context={
            "status": status,
            "latest_run": selectors.latest_run(tenant=request.tenant),
            "running": selectors.running(tenant=request.tenant),
        },
    )


def _row_response(request, suggestion, *, form=None, reject_form=None, status=200):
    if request.htmx:
        return render(
            request, ROW,
            {"row": suggestion, "extra": {}, "form": form, "reject_form": reject_form},
            status=status,
        )  # fmt: skip
    return redirect("purchasing:suggestion_list")


@require_POST
@roles_required(*BUYERS)
@idempotent
def suggestion_quantity(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(selectors.suggestions(tenant=request.tenant), pk=pk)
    form = QuantityForm(request.POST)
    if form.is_valid():
        try:
            suggestion = review.change_quantity(
                tenant=request.tenant, user=request.user, suggestion=suggestion,
                quantity=form.cleaned_data["quantity"],
            )  # fmt: skip
        except DomainError as exc:
            form.add_error("quantity", str(exc))
    if form.errors and not request.htmx:
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
    return _row_response(request, suggestion, form=form, status=422 if form.errors else 200)


@require_POST
@roles_required(*BUYERS)
@idempotent
def suggestion_reject(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(selectors.suggestions(tenant=request.tenant), pk=pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            suggestion = review.reject(
                tenant=request.tenant, user=request.user, suggestion=suggestion,
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except DomainError as exc:
            form.add_error("reason", str(exc))
    if form.errors and not request.htmx:
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
    return _row_response(request, suggestion, reject_form=form, status=422 if form.errors else 200)


@require_POST
@roles_required(*BUYERS)
@idempotent
def suggestion_accept(request: HttpRequest) -> HttpResponse:
    ids = [value for value in request.POST.getlist("suggestion") if value.isdigit()]
    chosen = list(selectors.suggestions(tenant=request.tenant).filter(pk__in=ids))
    try:
        orders, transfers = review.accept(
            tenant=request.tenant, user=request.user, suggestions=chosen
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        made = [f"{o.number} ({o.supplier.code})" for o in orders] + transfers
        messages.success(
            request,
            f"Accepted {len(chosen)} suggestion{'s' if len(chosen) != 1 else ''}: draft "
            f"{', '.join(made)}.",
        )
    return redirect("purchasing:suggestion_list")


@require_POST
@roles_required(*BUYERS)
@idempotent
def planning_run_start(request: HttpRequest) -> HttpResponse:
    try:
        run = planning.start_run(tenant=request.tenant, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("purchasing:suggestion_list")
    return redirect("purchasing:planning_run_detail", run.pk)


@roles_required(*BUYERS)
def planning_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(selectors.runs(tenant=request.tenant), pk=pk)
    progress = planning.progress(run)
    total = progress.get("total") or 0
    context = {
        "run": run,
        "progress": progress,
        "percent": int(100 * progress.get("done", 0) / total) if total else 0,
    }
    if request.htmx and request.htmx.target == "run-status":
        return render(request, "purchasing/planning/_run_status.html", context)
    return render(request, "purchasing/planning/run.html", context)


@roles_required(Role.ADMIN)
@idempotent
def service_levels(request: HttpRequest) -> HttpResponse:
    table = levels.levels(tenant=request.tenant)
    form = ServiceLevelsForm(request.POST or None, levels=table)
    options = PlanningSettingsForm(
        request.POST or None, instance=orders.settings_for(request.tenant)
    )
    if request.method == "POST" and form.is_valid() and options.is_valid():
        try:
            with transaction.atomic():
                levels.save_levels(tenant=request.tenant, user=request.user, table=form.table())
                orders.save_settings(
                    tenant=request.tenant, user=request.user, settings=options.save(commit=False)
                )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Planning settings saved.")
            return redirect("purchasing:service_levels")
    rows = [
        (abc, [(form[abc + xyz], xyz) for xyz in "XYZ"]) for abc in "ABC"
    ]  # the grid: one row per ABC class
    return render(
        request, "purchasing/planning/service_levels.html",
        {"form": form, "options": options, "rows": rows, "z": levels.Z},
        status=422 if form.errors or options.errors else 200,
    )  # fmt: skip
