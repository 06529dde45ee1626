"""Operator pages of outbound at phone width: picking a batch, the packing station and the
shipping station."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from erp.errors import DomainError, InvalidTransition
from erp.idempotency import idempotent
from erp.numbers import plain
from erp.roles import roles_required
from inventory import scanning
from warehouse import selectors
from warehouse.documents import sscc_text
from warehouse.forms import CloseCartonForm, FindOutboundOrderForm, PackForm, ShipmentForm
from warehouse.packing import services as packing
from warehouse.permissions import FLOOR
from warehouse.shipping import services as shipping

# Picking ---------------------------------------------------------------------------------


# Packing ---------------------------------------------------------------------------------


def _find(request: HttpRequest, next_view: str, template: str, context: dict) -> HttpResponse:
    form = FindOutboundOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        order = selectors.find_outbound_order(
            tenant=request.tenant, text=form.cleaned_data["order"]
        )
        if order is not None:
            return redirect(next_view, order.pk)
        form.add_error("order", f"No order on the floor matches '{form.cleaned_data['order']}'.")
    return render(request, template, {"form": form, **context}, status=422 if form.errors else 200)


@roles_required(*FLOOR)
def pack_find(request: HttpRequest) -> HttpResponse:
    context = {
        "ready": selectors.packing_queue(tenant=request.tenant)[:30],
        "picking": selectors.still_picking(tenant=request.tenant)[:30],
    }
    return _find(request, "warehouse:pack_order", "warehouse/scan/pack_find.html", context)


def _tracking(lines) -> set[str]:
    return {line.item.tracking for line in lines if line.picked_base > 0}


def _pack_page(request, order, *, form=None, close_form=None, status=200) -> HttpResponse:
    """The packing station of `order`; `close_form` is a refused close of one carton."""
    cartons = selectors.order_cartons(tenant=request.tenant, order=order)
    for number, carton in enumerate(cartons, start=1):
        carton.number = number
        if not carton.closed:
            # A prefix per carton keeps each close form's fields apart on the page.
            carton.close_form = (
                close_form
                if close_form is not None and close_form.prefix == f"carton{carton.pk}"
                else CloseCartonForm(prefix=f"carton{carton.pk}")
            )
    settings = selectors.shipping_settings(tenant=request.tenant)
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
    order = get_object_or_404(selectors.outbound_orders(tenant=request.tenant), pk=pk)
    if request.method != "POST":
        return _pack_page(request, order)
    form = PackForm(
        request.POST,
        cartons=selectors.order_cartons(tenant=request.tenant, order=order),
        tracking=_tracking(selectors.sales_order_lines(tenant=request.tenant, order=order)),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            scanning.resolve_item(tenant=request.tenant, text=data["item"])
        except DomainError as exc:
            form.refuse("item", str(exc))
            return _pack_page(request, order, form=form, status=422)
        try:
            carton, item, quantity = packing.pack_scanned(
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
    order = get_object_or_404(selectors.outbound_orders(tenant=request.tenant), pk=pk)
    carton = get_object_or_404(
        selectors.cartons(tenant=request.tenant).filter(order=order), pk=carton_pk
    )
    form = CloseCartonForm(request.POST, prefix=f"carton{carton.pk}")
    if form.is_valid():
        try:
            carton = packing.close_carton(
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
    order = get_object_or_404(selectors.outbound_orders(tenant=request.tenant), pk=pk)
    carton = get_object_or_404(
        selectors.cartons(tenant=request.tenant).filter(order=order), pk=carton_pk
    )
    number = selectors.carton_number(tenant=request.tenant, carton=carton)
    try:
        packing.unpack_carton(tenant=request.tenant, user=request.user, carton=carton)
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
    order = get_object_or_404(selectors.outbound_orders(tenant=request.tenant), pk=pk)
    try:
        flagged = packing.finish_packing(tenant=request.tenant, user=request.user, order=order)
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


# Shipping --------------------------------------------------------------------------------


@roles_required(*FLOOR)
def ship_find(request: HttpRequest) -> HttpResponse:
    context = {
        "orders": selectors.ship_queue(tenant=request.tenant)[:30],
        "shipments": selectors.open_shipments(tenant=request.tenant)[:30],
    }
    return _find(request, "warehouse:ship_order", "warehouse/scan/ship_find.html", context)


@roles_required(*FLOOR)
@idempotent
def ship_order(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the order's closed cartons and the carrier: the shipment is created, then
    confirmed on its own page when the carrier takes it."""
    order = get_object_or_404(selectors.outbound_orders(tenant=request.tenant), pk=pk)
    ready = [
        c for c in selectors.order_cartons(tenant=request.tenant, order=order)
        if c.closed and not c.shipment_id
    ]  # fmt: skip
    if request.method == "POST":
        # A double submit finds its cartons on the shipment the first one created.
        earlier = selectors.shipment_of_cartons(
            tenant=request.tenant, order=order, carton_ids=request.POST.getlist("cartons")
        )
        if earlier is not None:
            messages.info(request, f"{earlier.number} already holds these cartons.")
            return redirect("warehouse:shipment_detail", earlier.pk)
    form = ShipmentForm(
        request.POST or None, cartons=ready,
        initial={"cartons": [str(c.pk) for c in ready], "carrier": order.carrier},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            shipment = shipping.create_shipment(
                tenant=request.tenant, user=request.user, order=order, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"{shipment.number} created with {len(form.cleaned_data['cartons'])} carton(s); confirm it when the carrier takes them.",
            )
            return redirect("warehouse:shipment_detail", shipment.pk)
    context = {
        "order": order,
        "form": form,
        "ready": ready,
        "shipments": selectors.shipments(tenant=request.tenant).filter(order=order),
    }
    return render(
        request, "warehouse/scan/ship_order.html", context, status=422 if form.errors else 200
    )


@roles_required(*FLOOR)
def shipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = get_object_or_404(selectors.shipments(tenant=request.tenant), pk=pk)
    context = {
        "shipment": shipment,
        "cartons": selectors.shipment_cartons(tenant=request.tenant, shipment=shipment),
    }
    return render(request, "warehouse/scan/shipment.html", context)


@require_POST
@roles_required(*FLOOR)
@idempotent
def shipment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = get_object_or_404(selectors.shipments(tenant=request.tenant), pk=pk)
    try:
        shipped = shipping.confirm_shipment(
            tenant=request.tenant, user=request.user, shipment=shipment
        )
    except InvalidTransition:
        messages.info(request, f"{shipment.number} was already shipped.")
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{shipment.number} shipped: {shipment.carton_count} carton(s) of {shipment.order.number} "
            f"to {shipment.order.customer.name}{'' if shipped.on_time else ' (late)'}.",
        )
    return redirect("warehouse:shipment_detail", shipment.pk)
