"""Sales order pages: list, entry (with the customer's ship-tos), the order page with its lines,
the ATP check while a line is typed, and the actions its status allows."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.formats import day
from erp.history import changes
from erp.idempotency import idempotent
from erp.numbers import quantity
from erp.roles import has_role, roles_required
from erp.tables import Column, build_table, table_response
from inventory import scanning
from orders import selectors
from orders.filters import OrderFilter
from orders.forms import LineCheckForm, OrderActionForm, OrderForm, OrderLineForm
from orders.models import ALLOCATABLE, SalesOrder
from orders.permissions import EDITORS, VIEWERS
from orders.services import allocation, sales_orders


def carrier_route(row) -> str:
    return f"{row.carrier or '—'} / {row.route or '—'}"


def _backordered(row):
    if row.status in ("draft", "cancelled", "closed") or not row.wanting_base:
        return None
    return row.wanting_base


@roles_required(*VIEWERS)
def order_list(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request,
        name="orders",
        queryset=selectors.orders(tenant=request.tenant),
        filterset_class=OrderFilter,
        columns=[
            Column("Number", "number", value="number"),
            Column("Customer", "customer__code", value="customer.code"),
            Column("Status", "status", value="get_status_display"),
            Column("Ordered", "order_date", css="hide-md", value="order_date"),
            Column("Promised", "promised_date", value="promised_date"),
            Column("Carrier / route", "carrier", css="hide-md", value=carrier_route),
            Column("Lines", css="num hide-sm", value="line_count"),
            Column("Backordered", "wanting_base", css="num", value=_backordered),
            Column("Total", "total", css="num", value=lambda row: row.total or 0),
        ],
        row_template="orders/order/_row.html",
        default_sort="-number",
        empty="No sales orders match these filters.",
    )
    return table_response(
        request,
        template="orders/order/list.html",
        table=table,
        context={"can_edit": has_role(request, EDITORS)},
    )


@roles_required(*EDITORS)
@idempotent
def order_create(request: HttpRequest) -> HttpResponse:
    # A link from a customer's page names it by id; the input shows its code.
    customer = selectors.customer_by_code_or_id(
        tenant=request.tenant, value=request.GET.get("customer")
    )
    initial = {"customer": customer, "requested_date": timezone.localdate()}
    form = OrderForm(request.POST or None, tenant=request.tenant, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            order = sales_orders.create_order(
                tenant=request.tenant, user=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"{order.number} created for {order.customer.name}; add its lines."
            )
            return redirect(order)
    return render(
        request, "orders/order/form.html", {"form": form}, status=422 if form.errors else 200
    )


@roles_required(*EDITORS)
def order_ship_tos(request: HttpRequest) -> HttpResponse:
    """The ship-to options of the customer chosen on the new-order form (htmx swaps them in)."""
    customer = selectors.customer_by_code_or_id(
        tenant=request.tenant, value=request.GET.get("customer")
    )
    ship_tos = (
        selectors.ship_tos(tenant=request.tenant).filter(customer=customer) if customer else []
    )
    return render(request, "orders/order/_ship_to_options.html", {"ship_tos": ship_tos})


def _detail(request, order, *, line_form=None, action_form=None, status=200) -> HttpResponse:
    order = selectors.orders(tenant=request.tenant).get(pk=order.pk)
    can_edit = has_role(request, EDITORS)
    context = {
        "order": order,
        "lines": selectors.order_lines(tenant=request.tenant, order=order),
        "live": order.status in ALLOCATABLE,
        "today": timezone.localdate(),
        "can_edit": can_edit,
        "editable": can_edit and order.status in sales_orders.EDITABLE,
        "actions": selectors.available_actions(
            tenant=request.tenant, order=order, user=request.user
        ),
        "line_form": line_form or OrderLineForm(),
        "action_form": action_form or OrderActionForm(),
        "history": changes(order),
    }
    return render(request, "orders/order/detail.html", context, status=status)


@roles_required(*VIEWERS)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(selectors.orders(tenant=request.tenant), pk=pk)
    return _detail(request, order)


def _resolve(request, order, data: dict):
    """The item, unit and requested date the line form names (raises `DomainError`)."""
    item, scanned_unit, _ = scanning.resolve_item(tenant=request.tenant, text=data["item"])
    unit = (data.get("unit") or "").strip() or scanned_unit or item.base_unit
    return item, unit, data.get("requested_date") or order.requested_date


@require_POST
@roles_required(*EDITORS)
@idempotent
def order_add_line(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(selectors.orders(tenant=request.tenant), pk=pk)
    form = OrderLineForm(request.POST)
    if not form.is_valid():
        return _detail(request, order, line_form=form, status=422)
    data = form.cleaned_data
    try:
        item, unit, requested = _resolve(request, order, data)
        # What ATP says about the line, for the message (and the default price).
        check = selectors.line_check(
            tenant=request.tenant, order=order, item=item, quantity=data["quantity"],
            unit=unit, requested=requested,
        )  # fmt: skip
        price = data["price"] if data["price"] is not None else check.price
        if price is None:
            form.add_error(
                "price",
                f"Enter a price: {item.sku} has never been sold, so there is none to default to.",
            )
            return _detail(request, order, line_form=form, status=422)
        line = sales_orders.add_line(
            tenant=request.tenant, user=request.user, order=order, item=item,
            quantity=data["quantity"], price=price, unit=unit, requested_date=requested,
        )  # fmt: skip
    except DomainError as exc:
        form.add_error(None, str(exc))
        return _detail(request, order, line_form=form, status=422)
    messages.success(request, _added_message(line, check))
    return redirect(order)


def _added_message(line, check: selectors.LineCheck) -> str:
    what = f"Line {line.line_no}: {quantity(line.quantity, line.unit)} of {line.item.sku}"
    promised = day(line.promised_date)
    if check.covered:
        return f"{what} promised for {promised}, as requested."
    promisable = quantity(check.on_requested, line.item.base_unit)
    if check.first_date is None:
        return (
            f"{what} kept at the requested {promised}, but ATP covers it on no date in sight "
            f"({promisable} promisable): it will be backordered."
        )
    return (
        f"{what} promised for {promised}, {check.days_late} day(s) after the requested date: "
        f"only {promisable} can be promised by then."
    )


@roles_required(*EDITORS)
def order_line_check(request: HttpRequest, pk: int) -> HttpResponse:
    """ATP for the line being typed: promisable on the requested date and the first date the
    whole quantity can be promised (htmx calls it as the line form changes)."""
    order = get_object_or_404(selectors.orders(tenant=request.tenant), pk=pk)
    form = LineCheckForm(request.GET)
    context = {"order": order, "check": None, "problem": ""}
    if form.is_valid() and form.cleaned_data["item"]:
        data = form.cleaned_data
        try:
            item, unit, requested = _resolve(request, order, data)
            context["check"] = selectors.line_check(
                tenant=request.tenant, order=order, item=item,
                quantity=data["quantity"] or Decimal(1), unit=unit, requested=requested,
            )  # fmt: skip
        except DomainError as exc:
            context["problem"] = str(exc)
    elif form.errors:
        context["problem"] = " ".join(e for errors in form.errors.values() for e in errors)
    return render(request, "orders/order/_atp_check.html", context)


@require_POST
@roles_required(*EDITORS)
@idempotent
def order_remove_line(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    order = get_object_or_404(selectors.orders(tenant=request.tenant), pk=pk)
    line = get_object_or_404(selectors.order_lines(tenant=request.tenant, order=order), pk=line_pk)
    try:
        sales_orders.remove_line(tenant=request.tenant, user=request.user, line=line)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Line {line.line_no} removed.")
    return redirect(order)


def _act(request, order: SalesOrder, action: str, reason: str) -> str:
    """Run one action through its service; returns what to tell the user."""
    tenant, user = request.tenant, request.user
    if action == "allocate":
        result = allocation.allocate(tenant=tenant, user=user, orders=[order])
        order.refresh_from_db()
        return (
            f"{order.number}: {quantity(result.allocated)} allocated over {result.lines} line(s); "
            f"{result.backordered_lines} line(s) backordered. Now {order.get_status_display().lower()}."
        )
    if action == "cancel":
        order = sales_orders.cancel(tenant=tenant, user=user, order=order, reason=reason)
        return f"{order.number} cancelled; its reservations are released."
    service = {
        "confirm": sales_orders.confirm,
        "release": sales_orders.release,
        "close": sales_orders.close,
    }[action]
    order = service(tenant=tenant, user=user, order=order)
    if action == "confirm":
        return f"{order.number} confirmed, promised for {order.promised_date:%Y-%m-%d}."
    return f"{order.number} is now {order.get_status_display().lower()}."


@require_POST
@roles_required(*EDITORS)
@idempotent
def order_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, allocate now, release, cancel (with a reason) or close; the services check
    role and status."""
    order = get_object_or_404(selectors.orders(tenant=request.tenant), pk=pk)
    form = OrderActionForm(request.POST)
    if form.is_valid():
        try:
            done = _act(request, order, form.cleaned_data["action"], form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect(order)
    return _detail(request, order, action_form=form, status=422)
