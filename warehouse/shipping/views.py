"""Shipping pages: the operator's shipping station (cartons onto a shipment, confirmed when the
carrier takes them), the supervisor's shipping queue, the shipment's PDFs and the admin's GS1
identity."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from erp import pdf
from erp.errors import DomainError, InvalidTransition
from erp.idempotency import idempotent
from erp.roles import Role, roles_required
from erp.views.settings_page import settings_page
from warehouse import stations
from warehouse.documents import pdf_response, ship_to_party
from warehouse.permissions import FLOOR, SUPERVISORS
from warehouse.shipping import selectors, services
from warehouse.shipping.documents import bill_of_lading_pdf, packing_slip_pdf
from warehouse.shipping.forms import ShipmentForm, ShippingSettingsForm
from warehouse.states import available_actions


@roles_required(*FLOOR)
def ship_find(request: HttpRequest) -> HttpResponse:
    context = {
        "orders": selectors.ship_queue(tenant=request.tenant)[:30],
        "shipments": selectors.open_shipments(tenant=request.tenant)[:30],
    }
    return stations.find_order_page(
        request, "warehouse:ship_order", "warehouse/scan/ship_find.html", context
    )


@roles_required(*FLOOR)
@idempotent
def ship_order(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the order's closed cartons and the carrier: the shipment is created, then
    confirmed on its own page when the carrier takes it."""
    order = get_object_or_404(stations.outbound_orders(tenant=request.tenant), pk=pk)
    ready = [
        c for c in stations.order_cartons(tenant=request.tenant, order=order)
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
            shipment = services.create_shipment(
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
        "actions": available_actions(shipment, tenant=request.tenant, user=request.user),
    }
    return render(request, "warehouse/scan/shipment.html", context)


@require_POST
@roles_required(*FLOOR)
@idempotent
def shipment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = get_object_or_404(selectors.shipments(tenant=request.tenant), pk=pk)
    try:
        shipped = services.confirm_shipment(
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


@roles_required(*SUPERVISORS)
def shipping_queue(request: HttpRequest) -> HttpResponse:
    context = {
        "orders": selectors.ship_queue(tenant=request.tenant)[:200],
        "shipments": selectors.open_shipments(tenant=request.tenant)[:200],
    }
    template = "_shipping_queue.html" if request.htmx else "shipping_queue.html"
    return render(request, f"warehouse/outbound/{template}", context)


@roles_required(Role.ADMIN)
def shipping_settings(request: HttpRequest) -> HttpResponse:
    return settings_page(
        request,
        settings_for=services.settings_for,
        save_settings=services.save_settings,
        form_class=ShippingSettingsForm,
        template="warehouse/settings/shipping.html",
        saved="Shipping settings saved.",
        url_name="warehouse:shipping_settings",
    )


def _shipment_documents(request: HttpRequest, pk: int):
    shipment = get_object_or_404(selectors.shipments(tenant=request.tenant), pk=pk)
    order = shipment.order
    ship_from, prefix = stations.sender(tenant=request.tenant, order=order)
    return shipment, {
        "shipment": shipment,
        "order": order,
        "cartons": selectors.shipment_cartons(tenant=request.tenant, shipment=shipment),
        "ship_from": ship_from,
        "ship_to": ship_to_party(order),
        "tenant_name": request.tenant.name,
        "company_prefix": prefix,
        "pagesize": pdf.page_size(request.tenant),
    }


@roles_required(*FLOOR)
def packing_slip(request: HttpRequest, pk: int) -> HttpResponse:
    shipment, context = _shipment_documents(request, pk)
    lines = list(stations.sales_order_lines(tenant=request.tenant, order=shipment.order))
    content = packing_slip_pdf(lines=lines, **context)
    return pdf_response(content, f"packing-slip-{shipment.number}.pdf")


@roles_required(*FLOOR)
def bill_of_lading(request: HttpRequest, pk: int) -> HttpResponse:
    shipment, context = _shipment_documents(request, pk)
    return pdf_response(bill_of_lading_pdf(**context), f"bill-of-lading-{shipment.number}.pdf")
