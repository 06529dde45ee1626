"""Floor exception pages: the supervisor sees short picks and packing differences (and the
bins flagged for a count) and acknowledges them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.roles import roles_required
from warehouse.exceptions import selectors, services
from warehouse.models import ExceptionKind
from warehouse.permissions import SUPERVISORS


@roles_required(*SUPERVISORS)
def exception_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    kind = request.GET.get("kind", "")
    rows = selectors.floor_exceptions(tenant=request.tenant)
    if state == "open":
        rows = rows.filter(acknowledged_at__isnull=True)
    if kind in ExceptionKind.values:
        rows = rows.filter(kind=kind)
    context = {
        "rows": rows[:300],
        "state": state,
        "kind": kind,
        "kinds": ExceptionKind.choices,
        "counts": selectors.open_count_requests(tenant=request.tenant)[:300],
    }
    return render(request, "warehouse/outbound/exceptions.html", context)


@require_POST
@roles_required(*SUPERVISORS)
def exception_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    exception = get_object_or_404(selectors.floor_exceptions(tenant=request.tenant), pk=pk)
    try:
        services.acknowledge(tenant=request.tenant, user=request.user, exception=exception)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        on = (
            exception.order.number
            if exception.order_id
            else f"replenishment #{exception.replenishment_id}"
        )
        messages.success(
            request,
            f"{exception.get_kind_display()} on {on} ({exception.item.sku}) acknowledged.",
        )
    return redirect("warehouse:exception_list")
