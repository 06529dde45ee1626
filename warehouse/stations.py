"""What the packing and shipping stations share: the orders on the floor and their cartons,
the step that finds an order by a scan, and the sender (ship-from and GS1 prefix) their
labels and documents print."""

from __future__ import annotations

from django import forms
from django.db.models import Count, IntegerField, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from orders.models import OrderStatus, SalesOrder, SalesOrderLine
from warehouse import documents
from warehouse.models import Carton, CartonLine, ShippingSettings
from warehouse.scanner import STEP, ScannerForm


def outbound_orders(*, tenant) -> QuerySet[SalesOrder]:
    """Orders on the floor (being picked, packed or partly shipped), for the stations."""
    return SalesOrder.objects.filter(
        tenant=tenant,
        status__in=[OrderStatus.PICKING, OrderStatus.PACKED, OrderStatus.SHIPPED],
    ).select_related("customer", "site", "ship_to")


def find_outbound_order(*, tenant, text: str) -> SalesOrder | None:
    """An order on the floor by its number, the customer's reference, or a carton's SSCC."""
    from inventory.scanning import parse_scan

    text = text.strip()
    if not text:
        return None
    orders = outbound_orders(tenant=tenant)
    scan = parse_scan(text)
    sscc = scan.sscc or (text if text.isascii() and text.isdigit() and len(text) == 18 else None)
    if sscc:
        return orders.filter(
            pk__in=Carton.objects.filter(tenant=tenant, sscc=sscc).values("order_id")
        ).first()
    # An order-number label read by a scanner that sends symbology identifiers: scan.raw.
    return (
        orders.filter(number__iexact=scan.raw).first()
        or orders.filter(customer_reference__iexact=scan.raw).first()
    )


def cartons(*, tenant) -> QuerySet[Carton]:
    return Carton.objects.filter(tenant=tenant).select_related(
        "order__customer", "order__site", "order__ship_to", "shipment"
    )


def order_cartons(*, tenant, order: SalesOrder) -> list[Carton]:
    """The order's cartons, oldest first, each with `contents` (its lines) loaded."""
    return with_contents(cartons(tenant=tenant).filter(order=order))


def with_contents(queryset: QuerySet[Carton]) -> list[Carton]:
    return list(
        queryset.prefetch_related(
            Prefetch(
                "lines",
                queryset=CartonLine.objects.select_related("item", "lot", "serial", "order_line"),
                to_attr="contents",
            )
        ).order_by("pk")
    )


def sales_order_lines(*, tenant, order: SalesOrder) -> QuerySet[SalesOrderLine]:
    return (
        SalesOrderLine.objects.filter(tenant=tenant, order=order)
        .select_related("item")
        .order_by("line_no")
    )


def shipping_settings(*, tenant) -> ShippingSettings | None:
    return ShippingSettings.objects.filter(tenant=tenant).first()


def count_of(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of `queryset` (so other joins cannot multiply it)."""
    counted = queryset.order_by().annotate(one=Value(1)).values("one")
    return Coalesce(
        Subquery(counted.annotate(n=Count("*")).values("n")[:1], output_field=IntegerField()), 0
    )


def sender(*, tenant, order) -> tuple[documents.Party, str]:
    """The ship-from party of the order's site and the GS1 company prefix."""
    settings = shipping_settings(tenant=tenant)
    name = (settings.ship_from_name if settings else "") or tenant.name
    recipient = order.ship_to.country if order.ship_to_id else ""
    party = documents.site_party(name, order.site, recipient_country=recipient)
    return party, settings.gs1_company_prefix if settings else ""


class FindOutboundOrderForm(ScannerForm):
    order = forms.CharField(
        label=_("Sales order"),
        max_length=60,
        help_text=_("Order number, customer reference or a carton's SSCC"),
        widget=forms.TextInput(attrs={"autofocus": True, **STEP}),
    )


def find_order_page(
    request: HttpRequest, next_view: str, template: str, context: dict
) -> HttpResponse:
    """A station's first page: an order on the floor scanned or typed, then `next_view` for it."""
    form = FindOutboundOrderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        order = find_outbound_order(tenant=request.tenant, text=form.cleaned_data["order"])
        if order is not None:
            return redirect(next_view, order.pk)
        form.add_error("order", f"No order on the floor matches '{form.cleaned_data['order']}'.")
    return render(request, template, {"form": form, **context}, status=422 if form.errors else 200)
