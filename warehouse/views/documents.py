"""Outbound PDFs: carton labels, packing slips, bills of lading and pick lists."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from erp import pdf
from erp.roles import roles_required
from warehouse import documents, selectors
from warehouse.permissions import FLOOR


def _identity(request: HttpRequest, order) -> tuple[documents.Party, str]:
    """The ship-from party of the order's site and the GS1 company prefix."""
    settings = selectors.shipping_settings(tenant=request.tenant)
    name = (settings.ship_from_name if settings else "") or request.tenant.name
    recipient = order.ship_to.country if order.ship_to_id else ""
    party = documents.site_party(name, order.site, recipient_country=recipient)
    return party, settings.gs1_company_prefix if settings else ""


@roles_required(*FLOOR)
def carton_label(request: HttpRequest, pk: int) -> HttpResponse:
    carton = get_object_or_404(selectors.cartons(tenant=request.tenant).filter(closed=True), pk=pk)
    order = carton.order
    siblings = selectors.order_cartons(tenant=request.tenant, order=order)
    carton = next(c for c in siblings if c.pk == carton.pk)
    ship_from, prefix = _identity(request, order)
    gtins = selectors.base_gtins(
        tenant=request.tenant, item_ids={line.item_id for line in carton.contents}
    )
    content = documents.carton_label_pdf(
        carton=carton, ship_from=ship_from, ship_to=documents.ship_to_party(order), order=order,
        company_prefix=prefix, contents=documents.carton_contents(carton, gtins),
        index=siblings.index(carton) + 1, total=len(siblings),
        carrier=carton.shipment.carrier if carton.shipment_id else order.carrier,
    )  # fmt: skip
    return documents.pdf_response(content, f"label-{carton.sscc}.pdf")


def _shipment_documents(request: HttpRequest, pk: int):
    shipment = get_object_or_404(selectors.shipments(tenant=request.tenant), pk=pk)
    order = shipment.order
    ship_from, prefix = _identity(request, order)
    return shipment, {
        "shipment": shipment,
        "order": order,
        "cartons": selectors.shipment_cartons(tenant=request.tenant, shipment=shipment),
        "ship_from": ship_from,
        "ship_to": documents.ship_to_party(order),
        "tenant_name": request.tenant.name,
        "company_prefix": prefix,
        "pagesize": pdf.page_size(request.tenant),
    }


@roles_required(*FLOOR)
def packing_slip(request: HttpRequest, pk: int) -> HttpResponse:
    shipment, context = _shipment_documents(request, pk)
    lines = list(selectors.sales_order_lines(tenant=request.tenant, order=shipment.order))
    content = documents.packing_slip_pdf(lines=lines, **context)
    return documents.pdf_response(content, f"packing-slip-{shipment.number}.pdf")


@roles_required(*FLOOR)
def bill_of_lading(request: HttpRequest, pk: int) -> HttpResponse:
    shipment, context = _shipment_documents(request, pk)
    return documents.pdf_response(
        documents.bill_of_lading_pdf(**context), f"bill-of-lading-{shipment.number}.pdf"
    )
