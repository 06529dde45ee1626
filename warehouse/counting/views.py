"""Counting pages: the operator's blind count on the scanner, the supervisor's counts (with
"Count this bin"), a count's reconciliation and decision."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.history import changes
from erp.idempotency import idempotent
from erp.numbers import plain
from erp.parsing import parse_id
from erp.roles import roles_required
from erp.tables import Column, build_table, table_response
from erp.views.settings_page import settings_page
from inventory import scanning, units
from warehouse.counting import accuracy, selectors, services
from warehouse.counting.forms import (
    BinScanForm,
    CountFilter,
    CountLineForm,
    CountSettingsForm,
    DecisionForm,
    RequestCountForm,
)
from warehouse.models import CountStatus
from warehouse.permissions import FLOOR, SETTINGS, SUPERVISORS
from warehouse.states import available_actions


def _record(request: HttpRequest, round, form: CountLineForm) -> str:
    """Record the scanned line; returns a prompt when the scan needs more (lot, quantity)."""
    tenant = request.tenant
    item, unit, scan = scanning.resolve_item(tenant=tenant, text=form.cleaned_data["item"])
    form.fill(lot=scan.lot, expiry=scan.expiry, serial=scan.serial)
    lot_code = form.cleaned_data["lot"].strip() or (scan.lot or "")
    expiry = form.cleaned_data["expiry"] or scan.expiry
    serial_code = form.cleaned_data["serial"].strip() or (scan.serial or "")
    if item.is_lot_tracked and not lot_code:
        form.focus("lot")
        return f"{item.sku} is lot-tracked: scan or key the lot."
    if item.is_serial_tracked and not serial_code:
        form.focus("serial")
        return f"{item.sku} is serial-tracked: scan its serial number."
    if (
        item.is_lot_tracked
        and item.expiry_required
        and expiry is None
        and not selectors.lot_on_file(tenant=tenant, item=item, code=lot_code)
    ):
        form.focus("expiry")
        return f"Lot {lot_code} of {item.sku} is new: key its expiry date."
    quantity = form.cleaned_data["quantity"]
    if quantity is None and (scan.count is not None or item.is_serial_tracked):
        quantity = scan.count if scan.count is not None else 1
    if quantity is None:
        form.focus("quantity")
        return f"How many {unit or item.base_unit} of {item.sku}?"
    if unit:
        quantity = units.to_base(tenant=tenant, item=item, unit=unit, quantity=quantity)
    # A lot or serial not on file is counted by what was scanned (a blind count may find
    # stock nobody booked in); approving the count registers it.
    line = services.record_line(
        tenant=tenant, user=request.user, round=round, item=item, quantity=quantity,
        lot_code=lot_code, lot_expiry=expiry, serial_code=serial_code,
    )  # fmt: skip
    lot_label = line.lot.code if line.lot else line.lot_code
    serial_label = line.serial.serial if line.serial else line.serial_code
    label = (
        f" lot {lot_label}" if lot_label else (f" serial {serial_label}" if serial_label else "")
    )
    messages.success(request, f"Counted {plain(quantity)} {item.base_unit} of {item.sku}{label}.")
    return ""


@roles_required(*FLOOR)
@idempotent
def count_round(request: HttpRequest, pk: int) -> HttpResponse:
    """The blind count: the operator never sees what the bin should hold."""
    tenant = request.tenant
    round = get_object_or_404(selectors.rounds(tenant=tenant), pk=pk)
    count = round.count
    if round.finished_at is not None and request.method == "GET":
        messages.info(request, f"The count of {count.location.code} is finished.")
        return redirect("warehouse:my_work")
    action = request.POST.get("action", "line") if request.method == "POST" else ""
    bin_form = BinScanForm(request.POST if action == "bin" else None)
    line_form = CountLineForm(request.POST if action == "line" else None)
    prompt = problem = ""
    try:
        if action == "bin" and bin_form.is_valid():
            location = scanning.resolve_bin(
                tenant=tenant, code=bin_form.cleaned_data["bin"], site=count.site_id
            )
            services.scan_bin(tenant=tenant, user=request.user, round=round, location=location)
            return redirect("warehouse:count_round", round.pk)
        if action == "line" and line_form.is_valid():
            prompt = _record(request, round, line_form)
            if not prompt:
                return redirect("warehouse:count_round", round.pk)
        if action in ("empty", "finish"):
            services.finish_round(
                tenant=tenant, user=request.user, round=round, empty=action == "empty"
            )
            word = "empty" if action == "empty" else "counted"
            messages.success(request, f"Bin {count.location.code} {word}: count sent for review.")
            return redirect("warehouse:my_work")
    except DomainError as exc:
        if action == "bin":
            bin_form.refuse("bin", str(exc))
        elif action == "line":
            line_form.refuse("item", str(exc))
        else:
            problem = str(exc)
    round.refresh_from_db()
    context = {
        "round": round,
        "count": count,
        "bin_form": bin_form,
        "form": line_form,
        "prompt": prompt,
        "problem": problem,
        "lines": round.lines.select_related("item", "lot", "serial"),
    }
    failed = bin_form.errors or line_form.errors or problem
    return render(
        request, "warehouse/scan/count_round.html", context, status=422 if failed else 200
    )


@roles_required(*SUPERVISORS)
def count_list(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request,
        name="counts",
        queryset=selectors.counts(tenant=request.tenant),
        filterset_class=CountFilter,
        columns=[
            Column("Count", "id", value="pk"),
            Column("Bin", "location__code", value="location.code"),
            Column("Site", "site__code", css="hide-sm", value="site.code"),
            Column("Status", "status", value="get_status_display"),
            Column("Why", css="hide-sm", value="reason"),
            Column("Opened", "created_at", css="nowrap hide-md", value="created_at"),
        ],
        row_template="warehouse/counting/_row.html",
        per_page=50,
        default_sort="-created_at",
        empty="No counts match these filters.",
    )
    # The bin page's "Count this bin" link names the bin; the POST below asks for the count.
    site = parse_id(request.GET.get("site")) or getattr(request.site, "pk", None)
    initial = {"site": site, "bin": request.GET.get("bin", "")[:60]}
    form = RequestCountForm(tenant=request.tenant, initial=initial)
    return table_response(
        request, template="warehouse/counting/list.html", table=table, context={"form": form}
    )


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def count_create(request: HttpRequest) -> HttpResponse:
    """A supervisor's "Count this bin"."""
    form = RequestCountForm(request.POST, tenant=request.tenant)
    if form.is_valid():
        try:
            location = scanning.resolve_bin(
                tenant=request.tenant, code=form.cleaned_data["bin"], site=form.cleaned_data["site"]
            )
            count = services.open_count(
                tenant=request.tenant, user=request.user, location=location,
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except DomainError as exc:
            form.add_error("bin", str(exc))
        else:
            messages.success(request, f"Count #{count.pk} of {location.code} is in the queue.")
            return redirect("warehouse:count_detail", count.pk)
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("warehouse:count_list")


def _detail(request: HttpRequest, count, form: DecisionForm, status: int = 200) -> HttpResponse:
    tenant = request.tenant
    round = selectors.last_round(count)
    lines = selectors.reconciliation(tenant=tenant, count=count, round=round) if round else []
    context = {
        "count": count,
        "rounds": count.rounds.select_related("counter"),
        "round": round,
        "lines": lines,
        "settings": selectors.settings_for(tenant),
        "actions": available_actions(count, tenant=tenant, user=request.user),
        "form": form,
        "history": changes(count),
    }
    return render(request, "warehouse/counting/detail.html", context, status=status)


@roles_required(*SUPERVISORS)
def count_detail(request: HttpRequest, pk: int) -> HttpResponse:
    count = get_object_or_404(selectors.counts(tenant=request.tenant), pk=pk)
    return _detail(request, count, DecisionForm())


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def count_decide(request: HttpRequest, pk: int) -> HttpResponse:
    count = get_object_or_404(selectors.counts(tenant=request.tenant), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        decide = services.approve if form.cleaned_data["action"] == "approve" else services.reject
        try:
            count = decide(
                tenant=request.tenant,
                user=request.user,
                count=count,
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            word = "approved and posted" if count.status == CountStatus.APPROVED else "rejected"
            messages.success(request, f"Count #{count.pk} {word}.")
            return redirect("warehouse:count_detail", count.pk)
    return _detail(request, count, form, status=422)


PERIODS = (30, 90, 365)


@roles_required(*SUPERVISORS)
def count_accuracy(request: HttpRequest) -> HttpResponse:
    by = request.GET.get("by", "site")
    by = by if by in accuracy.GROUPS else "site"
    days = request.GET.get("days", "90")
    days = int(days) if days in {str(p) for p in PERIODS} else 90
    end = timezone.now()
    start = end - datetime.timedelta(days=days)
    rows = accuracy.record_accuracy(tenant=request.tenant, start=start, end=end, by=by)
    context = {"rows": rows, "by": by, "days": days, "periods": PERIODS, "start": start, "end": end}
    return render(request, "warehouse/counting/accuracy.html", context)


@roles_required(*SETTINGS)
@idempotent
def count_settings(request: HttpRequest) -> HttpResponse:
    return settings_page(
        request,
        settings_for=selectors.settings_for,
        save_settings=services.save_settings,
        form_class=CountSettingsForm,
        template="warehouse/settings/counting.html",
        saved="Count settings saved.",
        url_name="warehouse:count_settings",
    )
