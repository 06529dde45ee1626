"""The operator's scanner pages: find an RMA (scan its number), then receive its goods into
the site's returns area."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from erp.errors import DomainError
from erp.idempotency import idempotent
from erp.numbers import plain
from erp.roles import roles_required
from returns import selectors
from returns.forms import FindRmaForm, ReceiveForm
from returns.models import RmaStatus
from returns.permissions import FLOOR
from returns.services import receipt
from returns.views.rmas import rma_or_404


@roles_required(*FLOOR)
@idempotent
def receive_find(request: HttpRequest) -> HttpResponse:
    """Scan an RMA (or tap one expected at the operator's site). Finding writes nothing."""
    form = FindRmaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rma = selectors.rma_by_number(tenant=request.tenant, text=form.cleaned_data["rma"])
        if rma is None:
            form.refuse("rma", f"No RMA {form.cleaned_data['rma']}: scan the RMA on the parcel.")
        else:
            return redirect("returns:receive", rma.pk)
    context = {
        "form": form,
        "site": request.site,
        "expected": selectors.to_receive(tenant=request.tenant, site=request.site),
    }
    return render(request, "returns/scan/find.html", context, status=422 if form.errors else 200)


@roles_required(*FLOOR)
@idempotent
def receive(request: HttpRequest, pk: int) -> HttpResponse:
    rma = rma_or_404(request, pk)
    form = ReceiveForm(request.POST or None, initial={"key": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = receipt.receive_scanned(
                tenant=request.tenant, user=request.user, rma=rma, item_code=data["item"],
                lot_code=data["lot"], serial_code=data["serial"], quantity=data["quantity"],
                scan_key=f"{rma.pk}:{data['key']}",
            )  # fmt: skip
        except DomainError as exc:
            form.refuse(getattr(exc, "field", None), str(exc))
        else:
            if result.receipt is not None:
                line = result.receipt.line
                messages.success(
                    request,
                    f"Received {plain(result.receipt.quantity)} {line.item.base_unit} "
                    f"{line.item.sku} into {result.receipt.location.code} (QC hold).",
                )
            if result.discrepancy is not None:
                messages.warning(
                    request,
                    f"Discrepancy: {result.discrepancy.note}. Set it aside for the supervisor.",
                )
            return redirect("returns:receive", rma.pk)
    context = {
        "rma": rma,
        "form": form,
        "lines": selectors.lines(tenant=request.tenant, rma=rma),
        "area": selectors.returns_bin(tenant=request.tenant, site=rma.site),
        "receiving": rma.status in (RmaStatus.AUTHORISED, RmaStatus.PARTIALLY_RECEIVED),
    }
    return render(request, "returns/scan/receive.html", context, status=422 if form.errors else 200)
