"""Valuation: stock value as of a date by site and category, down to items and cost layers.

The grouped tables have no sortable columns: the groups come sorted from one statement
(`selectors.ValuationGroups`, period snapshots plus the entries since), whose rows also give
the page count and the totals, so a request sums the ledger once. The figures are
read on the replica when there is one (`erp.replica`): seconds-old sums serve a valuation,
and the sums over the ledger are what would load the primary. The site and item in the URL
are looked up on the primary, where a 404 means what it says.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from erp.replica import read_on_replica
from erp.roles import roles_required
from erp.tables import Column, build_table
from inventory import selectors
from inventory.filters import CostLayerFilter, ValuationFilter, ValuationItemFilter
from inventory.permissions import VALUERS
from inventory.selectors.valuation import in_transit
from inventory.templatetags.inventory_format import costing
from inventory.views.figures import as_of_date, table_and_figures_response


def _category(row: dict) -> str:
    return row["item__category"] or "(no category)"


def _layer(row) -> str:
    if row.is_pool:
        return "Moving-average pool"
    return f"From #{row.entry.transaction_id}" if row.entry else "Layer"


@roles_required(*VALUERS)
def valuation(request: HttpRequest) -> HttpResponse:
    read = read_on_replica(lambda alias: _valuation(request, alias))
    table, figures = read.result
    return table_and_figures_response(
        request,
        template="inventory/valuation/summary.html",
        figures_template="inventory/valuation/_totals.html",
        table=table,
        figures={**figures, "source_note": read.note},
    )


def _valuation(request: HttpRequest, alias: str):
    table = build_table(
        request,
        name="valuation",
        queryset=selectors.value_by_site_and_category(tenant=request.tenant).using(alias),
        filterset_class=ValuationFilter,
        columns=[
            Column("Site", value="site__code"),
            Column("Time zone", value="site__time_zone"),
            Column("Category", value=_category),
            Column("Quantity", css="num", value="quantity"),
            Column("Value", css="num", value="value"),
        ],
        row_template="inventory/valuation/_group_row.html",
        per_page=50,
    )
    as_of = as_of_date(table)
    table.extra["as_of"] = as_of  # the rows' drill-down links keep the date
    totals = selectors.valuation_totals(table.page.paginator.object_list)
    return table.fetch(), {
        **totals, "as_of": as_of,
        # Between sites, so in no site's figures: shown beside them, as it stands now.
        "in_transit": in_transit(tenant=request.tenant, using=alias),
    }  # fmt: skip


@roles_required(*VALUERS)
def valuation_items(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = get_object_or_404(selectors.sites(tenant=request.tenant), pk=site_pk)
    read = read_on_replica(lambda alias: _valuation_items(request, site, alias))
    table, totals = read.result
    as_of = table.extra["as_of"]
    return table_and_figures_response(
        request,
        template="inventory/valuation/items.html",
        figures_template="inventory/valuation/_totals.html",
        table=table,
        figures={**totals, "as_of": as_of, "site": site, "source_note": read.note},
        context={"site": site},
    )


def _valuation_items(request: HttpRequest, site, alias: str):
    table = build_table(
        request,
        name="items",
        queryset=selectors.value_by_item(tenant=request.tenant, site=site).using(alias),
        filterset_class=ValuationItemFilter,
        columns=[
            Column("SKU", value="item__sku"),
            Column("Description", value="item__description"),
            Column("Category", value=_category),
            Column("Costing", value=lambda row: costing(row["item__costing_method"])),
            Column("Quantity", css="num", value="quantity"),
            Column("Value", css="num", value="value"),
            Column("Average unit cost", css="num", value="unit_cost"),
            Column("Cost layers"),
        ],
        row_template="inventory/valuation/_item_row.html",
        per_page=50,
    )
    as_of = as_of_date(table)
    table.extra.update(as_of=as_of, site=site)
    return table.fetch(), selectors.valuation_totals(table.page.paginator.object_list)


@roles_required(*VALUERS)
def valuation_layers(request: HttpRequest, site_pk: int, item_pk: int) -> HttpResponse:
    site = get_object_or_404(selectors.sites(tenant=request.tenant), pk=site_pk)
    item = get_object_or_404(selectors.valued_items(tenant=request.tenant), pk=item_pk)
    read = read_on_replica(lambda alias: _valuation_layers(request, site, item, alias))
    table, figures = read.result
    return table_and_figures_response(
        request,
        template="inventory/valuation/layers.html",
        figures_template="inventory/valuation/_layer_figures.html",
        table=table,
        figures={**figures, "source_note": read.note},
        context={"site": site, "item": item},
    )


def _valuation_layers(request: HttpRequest, site, item, alias: str):
    layers = selectors.cost_layers(tenant=request.tenant, item=item, site=site).using(alias)
    table = build_table(
        request,
        name="layers",
        queryset=layers,
        filterset_class=CostLayerFilter,
        columns=[
            Column("Received at (UTC)", "received_at", value="received_at"),
            Column("Layer", value=_layer),
            Column(
                "Original quantity",
                "original_quantity",
                css="num",
                value=lambda row: None if row.is_pool else row.original_quantity,
            ),
            Column("Unit cost", "unit_cost", css="num", value="unit_cost"),
            Column(
                "Remaining quantity", "remaining_quantity", css="num", value="remaining_quantity"
            ),
            Column("Remaining value", "remaining_value", css="num", value="remaining_value"),
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
            tenant=request.tenant, item=item, site=site, day=as_of, using=alias
        )
    return table.fetch(), figures
