"""Packing pages: the operator's packing station (scan picked goods into cartons, close each
with its SSCC and label, finish the order), and the supervisor's packing queue."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.idempotency import idempotent
from erp.numbers import plain
from erp.roles import roles_required
from inventory import scanning
from warehouse import stations
from warehouse.documents import pdf_response, ship_to_party, sscc_text
from warehouse.models import CartonStatus
from warehouse.packing import selectors, services
from warehouse.packing.documents import carton_contents, carton_label_pdf
from warehouse.packing.forms import CloseCartonForm, PackForm
from warehouse.permissions import FLOOR, SUPERVISORS
from warehouse.states import available_actions


@roles_required(*FLOOR)
def pack_find(request: HttpRequest) -> HttpResponse:
    context = {
        "ready": selectors.packing_queue(tenant=request.tenant)[:30],
        "picking": selectors.still_picking(tenant=request.tenant)[:30],
    }
    return stations.find_order_page(
        request, "warehouse:pack_order", "warehouse/scan/pack_find.html", context
    )


def _tracking(lines) -> set[str]:
    return {line.item.tracking for line in lines if line.picked_base > 0}


def _pack_page(request, order, *, form=None, close_form=None, status=200) -> HttpResponse:
    """The packing station of `order`; `close_form` is a refused close of one carton."""
    cartons = stations.order_cartons(tenant=request.tenant, order=order)
    for number, carton in enumerate(cartons, start=1):
        carton.number = number
        carton.actions = [
            action.name
            for action in available_actions(carton, tenant=request.tenant, user=request.user)
        ]
        if not carton.closed:
            # A prefix per carton keeps each close form's fields apart on the page.
            carton.close_form = (
                close_form
                if close_form is not None and close_form.prefix == f"carton{carton.pk}"
                else CloseCartonForm(prefix=f"carton{carton.pk}")
            )
    settings = stations.shipping_settings(tenant=request.tenant)
    prefix = settings.gs1_company_prefix if settings else ""
    for carton in cartons:
        carton.sscc_text = sscc_text(carton.sscc, prefix) if carton.sscc else ""
    lines = selectors.pack_lines(tenant=request.tenant, order=order)
    context = {
        "order": order,
        "form": form or PackForm(cartons=cartons, tracking=_tracking(lines)),
        "cartons": cartons,
        "open_cartons": [c for c in cartons if not c.closed],
        "lines": lines,
        "differences": [line for line in lines if line.picked_base and line.to_pack],
        "still_picking": selectors.still_picking(tenant=request.tenant)
        .filter(pk=order.pk)
        .exists(),
    }
    return render(request, "warehouse/scan/pack_order.html", context, status=status)


@roles_required(*FLOOR)
@idempotent
def pack_order(request: HttpRequest, pk: int) -> HttpResponse:
    """Scan items into the current carton (or a new one)."""
    order = get_object_or_404(stations.outbound_orders(tenant=request.tenant), pk=pk)
    if request.method != "POST":
        return _pack_page(request, order)
    form = PackForm(
        request.POST,
        cartons=stations.order_cartons(tenant=request.tenant, order=order),
        tracking=_tracking(stations.sales_order_lines(tenant=request.tenant, order=order)),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            scanning.resolve_item(tenant=request.tenant, text=data["item"])
        except DomainError as exc:
            form.refuse("item", str(exc))
            return _pack_page(request, order, form=form, status=422)
        try:
            carton, item, quantity = services.pack_scanned(
                tenant=request.tenant, user=request.user, order=order, code=data["item"],
                quantity=data["quantity"], carton=data["carton"], lot_code=data.get("lot", ""),
                serial_code=data.get("serial", ""),
            )  # fmt: skip
        except DomainError as exc:
            form.refuse(getattr(exc, "field", None), str(exc))
        else:
            number = selectors.carton_number(tenant=request.tenant, carton=carton)
            messages.success(
                request,
                f"Packed {plain(quantity)} {item.base_unit} of {item.sku} into carton {number}.",
            )
            return redirect("warehouse:pack_order", order.pk)
    return _pack_page(request, order, form=form, status=422)


@require_POST
@roles_required(*FLOOR)
@idempotent
def carton_close(request: HttpRequest, pk: int, carton_pk: int) -> HttpResponse:
    order = get_object_or_404(stations.outbound_orders(tenant=request.tenant), pk=pk)
    carton = get_object_or_404(
        stations.cartons(tenant=request.tenant).filter(order=order), pk=carton_pk
    )
    form = CloseCartonForm(request.POST, prefix=f"carton{carton.pk}")
    if form.is_valid():
        try:
            carton = services.close_carton(
                tenant=request.tenant, user=request.user, carton=carton, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Carton closed with SSCC {carton.sscc}: print its label.")
            return redirect("warehouse:pack_order", order.pk)
    return _pack_page(request, order, close_form=form, status=422)


@require_POST
@roles_required(*FLOOR)
@idempotent
def carton_unpack(request: HttpRequest, pk: int, carton_pk: int) -> HttpResponse:
    order = get_object_or_404(stations.outbound_orders(tenant=request.tenant), pk=pk)
    carton = get_object_or_404(
        stations.cartons(tenant=request.tenant).filter(order=order), pk=carton_pk
    )
    number = selectors.carton_number(tenant=request.tenant, carton=carton)
    try:
        services.unpack_carton(tenant=request.tenant, user=request.user, carton=carton)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        label = f" (SSCC {carton.sscc}: throw its label away)" if carton.sscc else ""
        messages.success(request, f"Carton {number} unpacked{label}; pack its goods again.")
    return redirect("warehouse:pack_order", order.pk)


@require_POST
@roles_required(*FLOOR)
@idempotent
def pack_finish(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(stations.outbound_orders(tenant=request.tenant), pk=pk)
    try:
        flagged = services.finish_packing(tenant=request.tenant, user=request.user, order=order)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("warehouse:pack_order", order.pk)
    if flagged:
        differences = "; ".join(f"{f.item.sku}: {f.outcome}" for f in flagged)
        messages.warning(
            request,
            f"{order.number} packed with differences, flagged for the supervisor: {differences}.",
        )
    else:
        messages.success(request, f"{order.number} packed; ready to ship.")
    return redirect("warehouse:ship_order", order.pk)


@roles_required(*SUPERVISORS)
def packing_queue(request: HttpRequest) -> HttpResponse:
    context = {
        "ready": selectors.packing_queue(tenant=request.tenant)[:200],
        "picking": selectors.still_picking(tenant=request.tenant)[:200],
    }
    template = "_packing_queue.html" if request.htmx else "packing_queue.html"
    return render(request, f"warehouse/outbound/{template}", context)


@roles_required(*FLOOR)
def carton_label(request: HttpRequest, pk: int) -> HttpResponse:
    carton = get_object_or_404(
        stations.cartons(tenant=request.tenant).exclude(status=CartonStatus.OPEN), pk=pk
    )
    order = carton.order
    siblings = stations.order_cartons(tenant=request.tenant, order=order)
    carton = next(c for c in siblings if c.pk == carton.pk)
    ship_from, prefix = stations.sender(tenant=request.tenant, order=order)
    gtins = selectors.base_gtins(
        tenant=request.tenant, item_ids={line.item_id for line in carton.contents}
    )
    content = carton_label_pdf(
        carton=carton, ship_from=ship_from, ship_to=ship_to_party(order), order=order,
        company_prefix=prefix, contents=carton_contents(carton, gtins),
        index=siblings.index(carton) + 1, total=len(siblings),
        carrier=carton.shipment.carrier if carton.shipment_id else order.carrier,
    )  # fmt: skip
    return pdf_response(content, f"label-{carton.sscc}.pdf")
