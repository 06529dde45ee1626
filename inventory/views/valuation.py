"""Valuation: stock value as of a date by site and category, down to items and cost layers.

The grouped tables have no sortable columns: `build_table` orders by (column, pk), and a pk
in ORDER BY would join the GROUP BY and split every group into its entries.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from erp.roles import roles_required
from erp.tables import Column, build_table
from inventory import selectors
from inventory.filters import CostLayerFilter, ValuationFilter, ValuationItemFilter
from inventory.permissions import VALUERS
from inventory.selectors.valuation import in_transit
from inventory.views.figures import as_of_date, table_and_figures_response


@roles_required(*VALUERS)
def valuation(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request,
        name="valuation",
        queryset=selectors.value_by_site_and_category(tenant=request.tenant),
        filterset_class=ValuationFilter,
        columns=[
            Column("Site"),
            Column("Time zone"),
            Column("Category"),
            Column("Quantity", css="num"),
            Column("Value", css="num"),
        ],
        row_template="inventory/valuation/_group_row.html",
        per_page=50,
    )
    as_of = as_of_date(table)
    table.extra["as_of"] = as_of  # the rows' drill-down links keep the date
    totals = selectors.valuation_totals(table.page.paginator.object_list)
    return table_and_figures_response(
        request,
        template="inventory/valuation/summary.html",
        figures_template="inventory/valuation/_totals.html",
        table=table,
        figures={
            **totals, "as_of": as_of,
            # Between sites, so in no site's figures: shown beside them, as it stands now.
            "in_transit": in_transit(tenant=request.tenant),
        },
    )  # fmt: skip


@roles_required(*VALUERS)
def valuation_items(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = get_object_or_404(selectors.sites(tenant=request.tenant), pk=site_pk)
    table = build_table(
        request,
        name="items",
        queryset=selectors.value_by_item(tenant=request.tenant, site=site),
        filterset_class=ValuationItemFilter,
        columns=[
            Column("SKU"),
            Column("Description"),
            Column("Category"),
            Column("Costing"),
            Column("Quantity", css="num"),
            Column("Value", css="num"),
            Column("Average unit cost", css="num"),
            Column("Cost layers"),
        ],
        row_template="inventory/valuation/_item_row.html",
        per_page=50,
    )
    as_of = as_of_date(table)
    table.extra.update(as_of=as_of, site=site)
    totals = selectors.valuation_totals(table.page.paginator.object_list)
    return table_and_figures_response(
        request,
        template="inventory/valuation/items.html",
        figures_template="inventory/valuation/_totals.html",
        table=table,
        figures={**totals, "as_of": as_of, "site": site},
        context={"site": site},
    )


@roles_required(*VALUERS)
def valuation_layers(request: HttpRequest, site_pk: int, item_pk: int) -> HttpResponse:
    site = get_object_or_404(selectors.sites(tenant=request.tenant), pk=site_pk)
    item = get_object_or_404(selectors.valued_items(tenant=request.tenant), pk=item_pk)
    layers = selectors.cost_layers(tenant=request.tenant, item=item, site=site)
    table = build_table(
        request,
        name="layers",
        queryset=layers,
        filterset_class=CostLayerFilter,
        columns=[
            Column("Received at (UTC)", "received_at"),
            Column("Layer"),
            Column("Original quantity", "original_quantity", css="num"),
            Column("Unit cost", "unit_cost", css="num"),
            Column("Remaining quantity", "remaining_quantity", css="num"),
            Column("Remaining value", "remaining_value", css="num"),
        ],
        row_template="inventory/valuation/_layer_row.html",
        default_sort="received_at",
    )
    as_of = as_of_date(table)
    figures = {
        "item": item,
        "site": site,
        "as_of": as_of,
        "present": selectors.layer_totals(layers),
    }
    if as_of is not None:
        figures["then"] = selectors.item_value_as_of(
            tenant=request.tenant, item=item, site=site, day=as_of
        )
    return table_and_figures_response(
        request,
        template="inventory/valuation/layers.html",
        figures_template="inventory/valuation/_layer_figures.html",
        table=table,
        figures=figures,
        context={"site": site, "item": item},
    )
