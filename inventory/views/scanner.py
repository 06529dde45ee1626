"""Operator scanner pages (phone width): move stock from bin to bin."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from erp.errors import DomainError
from erp.idempotency import idempotent
from erp.numbers import plain
from erp.roles import roles_required
from inventory.forms_stock import MoveForm
from inventory.permissions import FLOOR
from inventory.services import adjustments as service
from inventory.views.sites import bin_from, item_from


@roles_required(*FLOOR)
@idempotent
def move(request: HttpRequest) -> HttpResponse:
    """Scan source bin, item (GTIN/GS1/SKU), lot or serial, quantity, destination bin.

    Bins are found at the current site (a bin label names its own site); the destination
    is at the source's site. Each scan's Enter shows the form again at the next empty
    field. The form carries a key made when it was shown, so a double tap or a retried
    request posts the move once.
    """
    form = MoveForm(request.POST or None, tenant=request.tenant, initial={"key": uuid.uuid4().hex})
    if request.method == "POST":
        form.is_valid()
        site = form.cleaned_data.get("site") or request.site
        source = bin_from(form, "source", tenant=request.tenant, site=site)
        destination = None
        if source is not None:
            destination = bin_from(form, "destination", tenant=request.tenant, site=source.site)
        item_scan = item_from(form, tenant=request.tenant)
        if form.awaiting():
            return render(
                request, "inventory/scan/move.html", {"form": form.next_step(tenant=request.tenant)}
            )
        if not form.errors:
            data = form.cleaned_data
            item, unit, scan = item_scan
            try:
                service.move_stock(
                    tenant=request.tenant, user=request.user, item=item, source=source,
                    destination=destination, quantity=data["quantity"], unit=unit,
                    lot_code=data["lot"] or (scan.lot or ""), serial=data["serial"] or (scan.serial or ""),
                    idempotency_key=data["key"],
                )  # fmt: skip
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                unit_text = unit or item.base_unit
                messages.success(
                    request,
                    f"Moved {plain(data['quantity'])} {unit_text} of {item.sku} from {source.code} to {destination.code} at {source.site.code}.",
                )
                return redirect("inventory:scan_move")
        form.refused()
    return render(
        request, "inventory/scan/move.html", {"form": form}, status=422 if form.errors else 200
    )
