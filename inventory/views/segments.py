"""ABC/XYZ segments by item and site (inventory.services.segmentation), read by supervisors
and planners, with a button that queues a fresh run."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.idempotency import idempotent
from erp.roles import has_role, roles_required
from erp.tables import Column, build_table
from inventory import selectors
from inventory.filters import SegmentFilter
from inventory.permissions import SEGMENT_READERS, SEGMENT_RECOMPUTERS
from inventory.services import segmentation
from inventory.views.figures import table_and_figures_response


@roles_required(*SEGMENT_READERS)
def segment_list(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request,
        name="segments",
        queryset=selectors.item_segments(tenant=request.tenant),
        filterset_class=SegmentFilter,
        columns=[
            Column("SKU", "item__sku", css="code", value="item.sku"),
            Column("Description", "item__description", css="hide-sm", value="item.description"),
            Column("Site", "site__code", value="site.code"),
            Column("ABC", "abc_class", value="abc_class"),
            Column("XYZ", "xyz_class", value="xyz_class"),
            Column(
                "Shipped in the year", "annual_quantity", css="num hide-md", value="annual_quantity"
            ),
            Column("Consumption value", "annual_value", css="num", value="annual_value"),
            Column("CV of weekly demand", "demand_cv", css="num hide-sm", value="demand_cv"),
            Column(
                "Weeks with demand", "demand_periods", css="num hide-md", value="demand_periods"
            ),
        ],
        row_template="inventory/segment/_row.html",
        default_sort="-annual_value",
        per_page=50,
        empty="No segments match these filters.",
    )
    return table_and_figures_response(
        request,
        template="inventory/segment/list.html",
        figures_template="inventory/segment/_matrix.html",
        table=table,
        figures=selectors.segment_matrix(table.page.paginator.object_list),
        context={
            "computed_on": selectors.segments_computed_on(tenant=request.tenant),
            "can_recompute": has_role(request, SEGMENT_RECOMPUTERS),
            "thresholds": {
                "a": segmentation.A_SHARE_PCT,
                "b": segmentation.B_SHARE_PCT,
                "x": segmentation.X_MAX_CV,
                "y": segmentation.Y_MAX_CV,
                "weeks": segmentation.WEEKS,
                "days": segmentation.WINDOW_DAYS,
            },
        },
    )


@require_POST
@roles_required(*SEGMENT_RECOMPUTERS)
@idempotent
def segment_recompute(request: HttpRequest) -> HttpResponse:
    try:
        segmentation.queue_segmentation(tenant=request.tenant, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            "Segmentation queued: it runs in the background over the last year of shipments "
            "and replaces every item's classes at once. Reload this page in a moment to see "
            "the new date.",
        )
    return redirect("inventory:segment_list")
