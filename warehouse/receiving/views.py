"""Receiving pages: the operator's scanner pages that receive against a purchase order, and
the supervisor's receiving progress, discrepancies and QC inspection; the admin's receiving
policy."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.idempotency import idempotent
from erp.numbers import plain
from erp.roles import Role, roles_required
from erp.tables import Column, build_table, table_response
from erp.views.settings_page import settings_page
from inventory import scanning
from warehouse.permissions import FLOOR, SUPERVISORS
from warehouse.putaway import rules
from warehouse.putaway import selectors as putaway_selectors
from warehouse.receiving import quality, selectors, services
from warehouse.receiving.forms import (
    STATES,
    DiscrepancyFilter,
    FindOrderForm,
    InboundFilter,
    InspectForm,
    ReceiveForm,
    ReceivingSettingsForm,
    ResolveForm,
    ShortCloseForm,
    state_of,
)
from warehouse.states import available_actions


@roles_required(*FLOOR)
def receive_find(request: HttpRequest) -> HttpResponse:
    form = FindOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        order = selectors.find_order(tenant=request.tenant, text=form.cleaned_data["order"])
        if order is not None:
            return redirect("warehouse:receive_order", order.pk)
        form.add_error(
            "order", f"No order to receive with number or reference '{form.cleaned_data['order']}'."
        )
    orders = (
        selectors.receivable_orders(tenant=request.tenant)
        .exclude(status="received")
        .order_by("expected_date")[:15]
    )
    return render(
        request,
        "warehouse/scan/receive_find.html",
        {"form": form, "orders": orders},
        status=422 if form.errors else 200,
    )


def _summary(receipt, discrepancies) -> str:
    unit = receipt.item.base_unit
    parts = [f"Received {plain(receipt.quantity)} {receipt.unit} of {receipt.item.sku}"]
    if receipt.accepted_base != receipt.quantity_base:
        parts.append(f"{plain(receipt.accepted_base)} {unit} counted on the order")
    parts += [
        f"{d.get_kind_display().lower()}: {plain(d.quantity)} {unit} ({d.reason})"
        for d in discrepancies
    ]
    return "; ".join(parts) + "."


def _receive_needs(item, scan, data) -> tuple[str, str] | None:
    """The field still to scan or type for `item` (and what to say), when neither the form nor
    the scanned label gives it: its lot, expiry or serial, then the quantity."""
    if item.is_lot_tracked and not (data["lot"] or scan.lot):
        return "lot", f"{item.sku} is lot-tracked: scan or type the lot."
    if item.is_lot_tracked and item.expiry_required and not (data["expiry"] or scan.expiry):
        return "expiry", f"{item.sku} needs the lot's expiry date."
    if item.is_serial_tracked and not (data["serial"] or scan.serial):
        return "serial", f"{item.sku} is serial-tracked: scan its serial number."
    if data["quantity"] is None and scan.count is None:
        return "quantity", f"{item.sku}: how many did you receive?"
    return None


@roles_required(*FLOOR)
@idempotent
def receive_order(request: HttpRequest, pk: int) -> HttpResponse:
    """Scan an item (or a GS1-128 label with lot, expiry, serial, count) and post it to the dock."""
    order = get_object_or_404(selectors.receivable_orders(tenant=request.tenant), pk=pk)
    docks = selectors.dock_locations(tenant=request.tenant, site_id=order.site_id)
    form = ReceiveForm(
        request.POST or None, docks=docks, initial={"key": uuid.uuid4().hex, "dock": docks.first()}
    )
    prompt = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item, unit, scan = scanning.resolve_item(tenant=request.tenant, text=data["scan"])
        except DomainError as exc:
            form.refuse("scan", str(exc))
        else:
            # One GS1 scan shows its lot, expiry and serial in their fields.
            form.fill(lot=scan.lot, expiry=scan.expiry, serial=scan.serial)
            needs = _receive_needs(item, scan, data)
            if needs:
                form.focus(needs[0])
                prompt = needs[1]
            else:
                try:
                    receipt = services.receive(
                        tenant=request.tenant, user=request.user, order=order, item=item,
                        quantity=data["quantity"] if data["quantity"] is not None else scan.count,
                        dock=data["dock"], scan_key=data["key"],
                        unit=data["unit"].strip() or unit, lot_code=data["lot"] or (scan.lot or ""),
                        expiry=data["expiry"] or scan.expiry, serial=data["serial"] or (scan.serial or ""),
                        damaged=data["damaged"] or Decimal(0), sscc=scan.sscc or "", note=data["note"],
                    )  # fmt: skip
                except DomainError as exc:
                    form.refuse(None, str(exc))
                else:
                    found = list(receipt.discrepancies.all())
                    (messages.warning if found else messages.success)(
                        request, _summary(receipt, found)
                    )
                    return redirect("warehouse:receive_order", order.pk)
    context = {
        "order": order,
        "form": form,
        "prompt": prompt,
        "lines": selectors.order_lines(tenant=request.tenant, order=order),
        "tasks": putaway_selectors.open_putaway_tasks(tenant=request.tenant).filter(
            receipt_line__order=order
        ),
    }
    return render(
        request, "warehouse/scan/receive_order.html", context, status=422 if form.errors else 200
    )


@roles_required(*SUPERVISORS)
def receiving_list(request: HttpRequest) -> HttpResponse:
    """The orders the dock takes, soonest expected first, with what has arrived of them;
    exported as it is filtered (erp.exports)."""
    table = build_table(
        request,
        name="inbound",
        queryset=selectors.inbound_orders(tenant=request.tenant),
        filterset_class=InboundFilter,
        columns=[
            Column("Order", "number", value="number"),
            Column("Supplier", "supplier__name", value="supplier.name"),
            Column("Site", "site__code", value="site.code"),
            Column("Expected", "expected_date", css="nowrap", value="expected_date"),
            Column("Status", "status", value="get_status_display"),
            Column("Ordered", "ordered", css="num", value="ordered"),
            Column("Received", "received", css="num", value="received"),
            Column(
                "Open discrepancies", "open_discrepancies", css="num", value="open_discrepancies"
            ),
        ],
        row_template="warehouse/receiving/_inbound_row.html",
        extra={"today": timezone.localdate()},
        per_page=50,
        default_sort="expected_date",
        empty="No orders to receive match these filters.",
    )
    return table_response(request, template="warehouse/receiving/list.html", table=table)


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
            services.short_close_line(
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


def _order(row) -> str:
    return f"{row.order.number}/{row.order_line.line_no}" if row.order_line else row.order.number


def _item(row) -> str:
    return f"{row.item.sku} · {row.lot.code}" if row.lot else row.item.sku


def _stock(row) -> str:
    """Where the stock was posted, as the list shows it ("" when nowhere)."""
    text = str(row.get_status_display()) if row.status else ""
    if row.receipt_line:
        text = f"{text or '—'} in {row.receipt_line.location.code}"
    return text


def _reason(row) -> str:
    return f"{row.reason} — {row.note}" if row.note else row.reason


def _state(row) -> str:
    """The state as the list shows it: who decided it, and their note."""
    text = str(row.get_state_display())
    if row.resolved_by:
        text += f" by {row.resolved_by.get_short_name()}"
    if row.resolution:
        text += f": {row.resolution}"
    return text


@roles_required(*SUPERVISORS)
def discrepancy_list(request: HttpRequest) -> HttpResponse:
    """Receiving discrepancies, filtered by state (open unless another is chosen) and kind,
    newest first, each open one with the decision its reader may take; exported as it is
    filtered (erp.exports)."""
    state = state_of(request.GET)
    table = build_table(
        request,
        name="discrepancies",
        queryset=selectors.discrepancies(tenant=request.tenant).filter(state__in=STATES[state][1]),
        filterset_class=DiscrepancyFilter,
        columns=[
            Column("#", "id", value="pk"),
            Column("When", "created_at", css="nowrap", value="created_at"),
            Column("By", css="hide-sm", value=lambda row: row.created_by.get_short_name()),
            Column("Order", "order__number", value=_order),
            Column("Kind", value="get_kind_display"),
            Column("Item", "item__sku", value=_item),
            Column("Quantity", "quantity", css="num", value="quantity"),
            Column("Stock", css="hide-sm", value=_stock),
            Column("Reason", value=_reason),
            Column("State", value=_state),
            Column("Decision", css="col-action"),
        ],
        row_template="warehouse/receiving/_discrepancy_row.html",
        # Rows are rendered with `only`: a decision comes back to this list as filtered.
        extra={"decide": True, "next": request.get_full_path()},
        per_page=50,
        default_sort="-created_at",
        empty="No discrepancies match these filters.",
    ).fetch()
    for row in table.page.object_list:
        row.actions = available_actions(row, tenant=request.tenant, user=request.user)
    return table_response(request, template="warehouse/receiving/discrepancies.html", table=table)


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def discrepancy_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    discrepancy = get_object_or_404(selectors.discrepancies(tenant=request.tenant), pk=pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose accept or reject.")
        return _back_to_list(request)
    try:
        services.resolve_discrepancy(
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
    return _back_to_list(request)


def _back_to_list(request: HttpRequest) -> HttpResponse:
    """To the list as it was filtered when the decision was posted (its `next`), else the
    open discrepancies."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("warehouse:discrepancy_list")


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


@roles_required(Role.ADMIN)
def receiving_settings(request: HttpRequest) -> HttpResponse:
    return settings_page(
        request,
        settings_for=services.settings_for,
        save_settings=rules.save_settings,
        form_class=ReceivingSettingsForm,
        template="warehouse/settings/receiving.html",
        saved="Receiving settings saved.",
        url_name="warehouse:receiving_settings",
    )
