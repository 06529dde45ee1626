"""Floor exception pages: the supervisor sees short picks and packing differences (and the
bins flagged for a count) and acknowledges them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.roles import roles_required
from erp.tables import Column, build_table, table_partial
from warehouse.exceptions import selectors, services
from warehouse.exceptions.forms import STATES, ExceptionFilter, state_of
from warehouse.permissions import SUPERVISORS


def _document(row) -> str:
    """What the exception happened on, as the page shows it: the order (and its pick batch) or
    the replenishment."""
    if row.order_id:
        text = row.order.number
    elif row.replenishment_id:
        text = f"Replenishment #{row.replenishment_id}"
    else:
        text = ""
    return f"{text} · {row.task.batch}" if row.task else text


@roles_required(*SUPERVISORS)
def exception_list(request: HttpRequest) -> HttpResponse:
    """Floor exceptions, not yet acknowledged unless another choice is made, newest first,
    and the bins flagged for a count; each table exports as it shows (erp.exports)."""
    state = state_of(request.GET)
    exceptions = build_table(
        request,
        name="exceptions",
        export_name="floor-exceptions",
        queryset=selectors.floor_exceptions(tenant=request.tenant).filter(STATES[state][1]),
        filterset_class=ExceptionFilter,
        columns=[
            Column("When", "created_at", css="nowrap", value="created_at"),
            Column("Kind", value="get_kind_display"),
            Column("Order", "order__number", value=_document),
            Column("Item", "item__sku", value="item.sku"),
            Column("Bin", "location__code", value="location.code"),
            Column("Expected", css="num", value="expected"),
            Column("Found", css="num", value="found"),
            Column("Outcome", value="outcome"),
            Column("By", css="hide-sm", value=lambda row: row.created_by.get_short_name()),
            Column(
                "Seen by",
                css="col-action",
                value=lambda row: (
                    row.acknowledged_by.get_short_name() if row.acknowledged_by else ""
                ),
            ),
            Column("Seen at", "acknowledged_at", css="nowrap hide-sm", value="acknowledged_at"),
        ],
        row_template="warehouse/outbound/_exception_row.html",
        # Rows are rendered with `only`: an acknowledgement comes back to this page as filtered.
        extra={"next": request.get_full_path()},
        per_page=50,
        default_sort="-created_at",
        empty="No exceptions match these filters.",
    )
    counts = build_table(
        request,
        name="count-requests",
        prefix="counts",
        export_name="bins-to-count",
        queryset=selectors.open_count_requests(tenant=request.tenant),
        columns=[
            Column("Since", "created_at", css="nowrap", value="created_at"),
            Column("Site", "location__site__code", value="location.site.code"),
            Column("Bin", "location__code", value="location.code"),
            Column("Reason", value="reason"),
        ],
        row_template="warehouse/outbound/_count_request_row.html",
        per_page=50,
        default_sort="created_at",
        empty="No bins waiting for a count.",
    )
    if (partial := table_partial(request, exceptions, counts)) is not None:
        return partial
    return render(
        request,
        "warehouse/outbound/exceptions.html",
        {"exceptions": exceptions, "counts": counts},
    )


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
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("warehouse:exception_list")
