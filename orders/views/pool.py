"""The order pool: confirmed orders waiting for stock or for the floor, an allocation run for
all of them, and release of allocated orders (one, or several ticked at once)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.idempotency import idempotent
from erp.roles import has_role, roles_required
from erp.tables import Column, build_table, table_response
from orders import selectors
from orders.filters import PoolFilter
from orders.forms import ReleaseForm
from orders.permissions import EDITORS, RELEASERS
from orders.services import pool as service
from orders.views.sales_orders import carrier_route


@roles_required(*EDITORS)
def order_pool(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request,
        name="pool",
        queryset=selectors.pool(tenant=request.tenant),
        filterset_class=PoolFilter,
        columns=[
            Column(""),
            Column("Order", "number", value="number"),
            Column("Customer", "customer__code", value="customer.code"),
            Column("Priority", "priority", css="hide-sm", value="priority"),
            Column("Status", "status", value="get_status_display"),
            Column("Promised", "promised_date", value="promised_date"),
            Column("Carrier / route", "carrier", css="hide-md", value=carrier_route),
            Column(
                "Lines allocated",
                css="num hide-sm",
                value=lambda row: f"{row.ready_lines} of {row.line_count}",
            ),
            Column(
                "Backordered", "wanting_base", css="num", value=lambda row: max(row.wanting_base, 0)
            ),
            Column("", css="col-action"),
        ],
        row_template="orders/pool/_row.html",
        # Rows are rendered with `only`: their release forms get the token from here.
        extra={"can_release": has_role(request, RELEASERS), "csrf_token": get_token(request)},
        per_page=50,
        empty="No confirmed orders match these filters.",
    )
    return table_response(
        request,
        template="orders/pool/list.html",
        table=table,
        context={"can_release": has_role(request, RELEASERS)},
    )


@require_POST
@roles_required(*EDITORS)
@idempotent
def pool_allocate(request: HttpRequest) -> HttpResponse:
    try:
        service.queue_allocation(tenant=request.tenant, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            "Allocation queued for every open order: it runs in the background and takes "
            "stock by customer priority, promised date and order date. Reload the pool in a "
            "moment to see the result.",
        )
    return redirect("orders:order_pool")


@require_POST
@roles_required(*RELEASERS)
@idempotent
def pool_release(request: HttpRequest) -> HttpResponse:
    form = ReleaseForm(request.POST)
    ids = form.cleaned_data["orders"] if form.is_valid() else []
    chosen = list(selectors.pool(tenant=request.tenant).filter(pk__in=ids))
    try:
        result = service.release_orders(tenant=request.tenant, user=request.user, orders=chosen)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        if result.released:
            numbers = ", ".join(order.number for order in result.released)
            messages.success(request, f"Released to warehouse: {numbers}.")
        for order, reason in result.refused:
            messages.error(request, f"{order.number} not released to warehouse: {reason}")
    return redirect("orders:order_pool")
