"""Purchase order pages: list, create, the order with its lines and actions, and its PDF."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from erp import pdf
from erp.errors import DomainError
from erp.history import changes
from erp.idempotency import idempotent
from erp.roles import has_role, roles_required
from erp.tables import Column, build_table, table_response
from inventory import scanning
from purchasing import selectors
from purchasing.documents import purchase_order_pdf
from purchasing.forms import OrderActionForm, OrderForm, OrderLineForm
from purchasing.models import OrderStatus, PurchaseOrder
from purchasing.permissions import ACTORS, BUYERS, VIEWERS
from purchasing.services import orders as service

ACTIONS = {
    "approve": service.approve,
    "send": service.send,
    "cancel": service.cancel,
    "close": service.close,
    "reopen": service.reopen,
}


class OrderFilter(django_filters.FilterSet):
    number = django_filters.CharFilter(
        label="Number",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "PO number"}),
    )
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices, empty_label="Any status")
    supplier = django_filters.ModelChoiceFilter(
        queryset=lambda request: selectors.suppliers(tenant=request.tenant),
        empty_label="Any supplier",
    )

    class Meta:
        model = PurchaseOrder
        fields = ["number", "status", "supplier"]


@roles_required(*VIEWERS)
def order_list(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request,
        name="orders",
        queryset=selectors.orders(tenant=request.tenant),
        filterset_class=OrderFilter,
        columns=[
            Column("Number", "number", value="number"),
            Column("Supplier", "supplier__code", value="supplier.code"),
            Column("Site", "site__code", value="site.code"),
            Column("Expected", "expected_date", value="expected_date"),
            Column("Status", "status", value="get_status_display"),
            Column("Lines", css="num", value="line_count"),
            Column("Total", "total", css="num", value=lambda row: row.total or 0),
        ],
        row_template="purchasing/order/_row.html",
        default_sort="-number",
    )
    return table_response(
        request,
        template="purchasing/order/list.html",
        table=table,
        context={"can_edit": has_role(request, BUYERS)},
    )


@roles_required(*BUYERS)
@idempotent
def order_create(request: HttpRequest) -> HttpResponse:
    form = OrderForm(request.POST or None, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        try:
            order = service.create_order(
                tenant=request.tenant, user=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{order.number} created; add its lines.")
            return redirect(order)
    return render(
        request, "purchasing/order/form.html", {"form": form}, status=422 if form.errors else 200
    )


def _detail(request, order, *, line_form=None, action_form=None, status=200):
    order = selectors.orders(tenant=request.tenant).get(pk=order.pk)
    who = {"tenant": request.tenant, "order": order, "user": request.user}
    context = {
        "order": order,
        "lines": selectors.order_lines(tenant=request.tenant, order=order),
        "line_form": line_form or OrderLineForm(),
        "action_form": action_form,
        "can_edit_lines": selectors.lines_editable(**who),
        "actions": selectors.available_actions(**who),
        "history": changes(order),
        "threshold": service.settings_for(request.tenant).approval_threshold,
        "own_approval_refused": selectors.approval_withheld(**who),
    }
    return render(request, "purchasing/order/detail.html", context, status=status)


@roles_required(*VIEWERS)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(selectors.orders(tenant=request.tenant), pk=pk)
    return _detail(request, order)


@require_POST
@roles_required(*BUYERS)
@idempotent
def order_add_line(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(selectors.orders(tenant=request.tenant), pk=pk)
    form = OrderLineForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            item, scanned_unit, _ = scanning.resolve_item(tenant=request.tenant, text=data["item"])
            unit = data["unit"].strip() or scanned_unit or item.base_unit
            cost = data["unit_cost"]
            if cost is None:
                cost = service.default_unit_cost(
                    tenant=request.tenant,
                    order=order,
                    item=item,
                    unit=unit,
                    quantity=data["quantity"],
                )
            service.add_line(
                tenant=request.tenant,
                user=request.user,
                order=order,
                item=item,
                quantity=data["quantity"],
                unit=unit,
                unit_cost=cost,
                expected_date=data["expected_date"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(order)
    return _detail(request, order, line_form=form, status=422)


@require_POST
@roles_required(*BUYERS)
@idempotent
def order_remove_line(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    order = get_object_or_404(selectors.orders(tenant=request.tenant), pk=pk)
    line = get_object_or_404(selectors.order_lines(tenant=request.tenant, order=order), pk=line_pk)
    try:
        service.remove_line(tenant=request.tenant, user=request.user, line=line)
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(order)


@require_POST
@roles_required(*ACTORS)
@idempotent
def order_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve, send, cancel, close or reopen; the service checks role and status."""
    order = get_object_or_404(selectors.orders(tenant=request.tenant), pk=pk)
    form = OrderActionForm(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            order = ACTIONS[action](tenant=request.tenant, user=request.user, order=order)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"{order.number} is now {order.get_status_display().lower()}."
            )
            return redirect(order)
    return _detail(request, order, action_form=form, status=422)


@roles_required(*VIEWERS)
def order_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(selectors.orders(tenant=request.tenant), pk=pk)
    lines = list(selectors.order_lines(tenant=request.tenant, order=order))
    response = HttpResponse(
        purchase_order_pdf(
            order=order,
            lines=lines,
            tenant_name=request.tenant.name,
            pagesize=pdf.page_size(request.tenant),
        ),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
    return response
