"""Operator scanner pages (phone width): receive against a PO, put away."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from erp.errors import DomainError
from erp.idempotency import idempotent
from erp.numbers import plain
from erp.roles import roles_required
from inventory import scanning
from warehouse import selectors
from warehouse.forms import FindOrderForm, PutawayForm, ReceiveForm
from warehouse.models import PutawayTask, TaskState
from warehouse.permissions import FLOOR
from warehouse.putaway import services as putaway
from warehouse.receiving import services as receiving


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
                    receipt = receiving.receive(
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
        "tasks": selectors.open_putaway_tasks(tenant=request.tenant).filter(
            receipt_line__order=order
        ),
    }
    return render(
        request, "warehouse/scan/receive_order.html", context, status=422 if form.errors else 200
    )


@roles_required(*FLOOR)
def putaway_next(request: HttpRequest) -> HttpResponse:
    task = selectors.open_putaway_tasks(tenant=request.tenant, site=request.site).first()
    if task is not None:
        return redirect("warehouse:putaway_task", task.pk)
    return render(request, "warehouse/scan/putaway_none.html", {"site": request.site})


@roles_required(*FLOOR)
@idempotent
def putaway_task(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(selectors.putaway_tasks(tenant=request.tenant), pk=pk)
    form = PutawayForm(request.POST or None)
    if not putaway.task_machine.can(task, "complete") and request.method == "GET":
        messages.info(request, f"Putaway #{task.pk} is {task.get_state_display().lower()}.")
        return redirect("warehouse:putaway_next")
    prompt = ""
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            location = scanning.resolve_bin(
                tenant=request.tenant, code=form.cleaned_data["bin"], site=task.from_location.site
            )
        except DomainError as exc:
            form.refuse("bin", str(exc))
        else:
            suggested = task.suggested_location
            if suggested and location.pk != suggested.pk and not reason.strip():
                # A real bin, not the one suggested: ask why rather than refuse the scan.
                form.focus("reason")
                prompt = f"{location.code} is not the suggested bin {suggested.code}; say why you chose it."
            else:
                try:
                    task = putaway.complete(
                        tenant=request.tenant, user=request.user, task=task, location=location,
                        override_reason=reason,
                    )  # fmt: skip
                except putaway.PutawayError as exc:
                    form.refuse("bin", str(exc))
                except DomainError as exc:
                    form.refuse(None, str(exc))
                else:
                    messages.success(
                        request,
                        f"Put {plain(task.quantity)} {task.item.base_unit} of {task.item.sku} into {task.to_location.code}.",
                    )
                    return redirect("warehouse:putaway_next")
    remaining = PutawayTask.objects.filter(tenant=request.tenant, state=TaskState.OPEN).count()
    return render(
        request,
        "warehouse/scan/putaway_task.html",
        {"task": task, "form": form, "remaining": remaining, "prompt": prompt},
        status=422 if form.errors else 200,
    )
