"""Customer pages: list, create, the customer page (edit, history, ship-tos, recent orders),
and its ship-to addresses."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from erp.errors import DomainError
from erp.exports.cells import active
from erp.history import changes
from erp.idempotency import idempotent
from erp.roles import has_role, roles_required
from erp.tables import Column, build_table, table_response
from orders import selectors
from orders.filters import CustomerFilter
from orders.forms import CustomerForm, ShipToForm
from orders.models import ShipTo
from orders.permissions import EDITORS, VIEWERS
from orders.services import customers as service

RECENT_ORDERS = 10


@roles_required(*VIEWERS)
def customer_list(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request,
        name="customers",
        queryset=selectors.customers_with_counts(tenant=request.tenant),
        filterset_class=CustomerFilter,
        columns=[
            Column("Code", "code", value="code"),
            Column("Name", "name", value="name"),
            Column("Priority", "priority", value="get_priority_display"),
            Column("Carrier", "carrier", value="carrier"),
            Column("Route", "route", value="route"),
            Column(
                "Min. shelf life", "min_shelf_life_days", css="num", value="min_shelf_life_days"
            ),
            Column("Ship-tos", css="num", value="ship_to_count"),
            Column("Open orders", "open_orders", css="num", value="open_orders"),
            Column(
                "State",
                value=lambda row: ("Credit hold · " if row.credit_hold else "") + active(row),
            ),
        ],
        row_template="orders/customer/_row.html",
        default_sort="code",
        empty="No customers match these filters.",
    )
    return table_response(
        request,
        template="orders/customer/list.html",
        table=table,
        context={"can_edit": has_role(request, EDITORS)},
    )


@roles_required(*EDITORS)
@idempotent
def customer_create(request: HttpRequest) -> HttpResponse:
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = service.save_customer(
                tenant=request.tenant, user=request.user, customer=form.save(commit=False)
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Customer {customer.code} saved; add its ship-to address.")
            return redirect("orders:ship_to_create", customer.pk)
    return render(
        request, "orders/customer/form.html", {"form": form}, status=422 if form.errors else 200
    )


@roles_required(*VIEWERS)
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """GET shows the customer (a form for editors); POST saves it (editors only)."""
    customer = get_object_or_404(selectors.customers(tenant=request.tenant), pk=pk)
    can_edit = has_role(request, EDITORS)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied("Your role can view customers but not change them.")
    form = CustomerForm(request.POST or None, instance=customer) if can_edit else None
    if request.method == "POST" and form.is_valid():
        try:
            service.save_customer(
                tenant=request.tenant, user=request.user, customer=form.save(commit=False)
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Customer {customer.code} saved.")
            return redirect(customer)
    context = {
        "customer": customer,
        "form": form,
        "can_edit": can_edit,
        "ship_tos": selectors.ship_tos(tenant=request.tenant, customer=customer),
        "orders": selectors.orders(tenant=request.tenant)
        .filter(customer=customer)
        .order_by("-created_at", "-pk")[:RECENT_ORDERS],
        "history": changes(customer),
    }
    return render(
        request,
        "orders/customer/detail.html",
        context,
        status=422 if form is not None and form.errors else 200,
    )


def _save_ship_to(request, ship_to: ShipTo, *, title: str) -> HttpResponse:
    form = ShipToForm(request.POST or None, instance=ship_to)
    if request.method == "POST" and form.is_valid():
        try:
            service.save_ship_to(
                tenant=request.tenant, user=request.user, ship_to=form.save(commit=False)
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Ship-to {ship_to.name} saved.")
            return redirect(ship_to.customer)
    context = {
        "form": form,
        "customer": ship_to.customer,
        "ship_to": ship_to,
        "title": title,
        "history": changes(ship_to) if ship_to.pk else [],
    }
    return render(
        request, "orders/customer/ship_to_form.html", context, status=422 if form.errors else 200
    )


@roles_required(*EDITORS)
@idempotent
def ship_to_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(selectors.customers(tenant=request.tenant), pk=pk)
    first = not selectors.ship_tos(tenant=request.tenant, customer=customer).exists()
    ship_to = ShipTo(tenant=request.tenant, customer=customer, name=customer.name)
    ship_to.is_default = first
    return _save_ship_to(request, ship_to, title=f"New ship-to for {customer.code}")


@roles_required(*EDITORS)
def ship_to_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ship_to = get_object_or_404(selectors.ship_tos(tenant=request.tenant), pk=pk)
    return _save_ship_to(request, ship_to, title=f"Ship-to {ship_to.name}")
