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
from django.shortcuts import get_object_or_404, render

from erp.replica import read_on_replica
from erp.roles import roles_required
from erp.tables import Column, build_table, window_start
from inventory import selectors
from inventory.filters import CostLayerFilter, ValuationFilter, ValuationItemFilter
from inventory.forms import LayerEntriesForm
from inventory.models import CostLayer
from inventory.permissions import VALUERS
from inventory.selectors.valuation import in_transit
from inventory.templatetags.inventory_format import costing
from inventory.views.figures import as_of_date, table_and_figures_response


def _category(row: dict) -> str:
    return row["item__category"] or "(no category)"


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


ITEMS_PAGE = 50


def _valuation_items(request: HttpRequest, site, alias: str):
    items = selectors.value_by_item(tenant=request.tenant, site=site).using(alias)
    table = build_table(
        request,
        name="items",
        # The page asked for is read with the count and totals, in one statement.
        queryset=items.window(window_start(request, ITEMS_PAGE)),
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
        per_page=ITEMS_PAGE,
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
    # The date comes first: the layers' queryset is built for it (one statement per page).
    dated = CostLayerFilter(request.GET or None, queryset=CostLayer.objects.none(), request=request)
    as_of = dated.form.cleaned_data.get("as_of") if dated.is_valid() else None
    then = None
    if as_of is not None:
        then = selectors.item_value_as_of(
            tenant=request.tenant, item=item, site=site, day=as_of, using=alias
        )
        layers = selectors.cost_layers_as_of(
            tenant=request.tenant, item=item, site=site, day=as_of,
            quantity=then["quantity"], value=then["value"],
        )  # fmt: skip
    else:
        layers = selectors.cost_layers_present(tenant=request.tenant, item=item, site=site)
    layers = layers.using(alias)
    table = build_table(
        request,
        name="layers",
        queryset=layers,
        filterset_class=CostLayerFilter,
        columns=[
            Column("Received at", "received_at", value="received_at"),
            Column("Layer", value=lambda row: "pool" if row.is_pool else row.entry_id),
            Column("Original quantity", "original_quantity", css="num", value="original_quantity"),
            Column("Unit cost", "unit_cost", css="num", value="unit_cost"),
            Column("Quantity then", "then_quantity", css="num", value="then_quantity"),
            Column("Value then", "then_value", css="num", value="then_value"),
            Column("Remaining now", "remaining_quantity", css="num", value="remaining_quantity"),
            Column("Entries"),
        ],
        row_template="inventory/valuation/_layer_row.html",
        default_sort="received_at",
        extra={
            "as_of": as_of,
            "site": site,
            "item": item,
            "pool_unit_cost": then["unit_cost"] if then else None,
        },
    )
    figures = {
        "item": item,
        "site": site,
        "as_of": as_of,
        "present": selectors.layer_totals(
            selectors.cost_layers(tenant=request.tenant, item=item, site=site).using(alias)
        ),
    }
    if then is not None:
        figures["then"] = then
        # The layers' own sum as of the day, to show where it differs from the ledger's
        # (a named layer taken out of FIFO order) — from the rows of this one page when it
        # holds them all, else one more sum.
        figures["layers_then"] = selectors.layer_totals_then(layers)
    return table.fetch(), figures


@roles_required(*VALUERS)
def valuation_layer_entries(
    request: HttpRequest, site_pk: int, item_pk: int, layer_pk: int
) -> HttpResponse:
    """The ledger entries behind one cost layer (FIFO: the inflow and the outflows that took
    from it; a moving-average pool: every valued entry at the site), up to an as-of date."""
    site = get_object_or_404(selectors.sites(tenant=request.tenant), pk=site_pk)
    item = get_object_or_404(selectors.valued_items(tenant=request.tenant), pk=item_pk)
    layer = get_object_or_404(
        selectors.cost_layers(tenant=request.tenant, item=item, site=site), pk=layer_pk
    )
    form = LayerEntriesForm(request.GET or None)
    as_of = None
    if form.is_valid():
        as_of = form.cleaned_data["as_of"]
    read = read_on_replica(lambda alias: _layer_entries(request, layer, as_of, alias))
    table = read.result
    return render(
        request,
        "inventory/valuation/layer_entries.html",
        {"site": site, "item": item, "layer": layer, "as_of": as_of, "form": form,
         "table": table, "source_note": read.note},
        status=200 if form.is_valid() or not request.GET else 400,
    )  # fmt: skip


def _layer_entries(request: HttpRequest, layer, as_of, alias: str):
    if layer.is_pool:
        queryset = selectors.pool_entries(
            tenant=request.tenant, item=layer.item, site=layer.site, day=as_of
        ).using(alias)
        columns = [
            Column("Posted at", value="transaction.posted_at"),
            Column("Transaction", value="transaction_id"),
            Column("Kind", value="transaction.kind"),
            Column("Location", value="location.code"),
            Column("Quantity", css="num", value="quantity"),
            Column("Unit cost", css="num", value="unit_cost"),
            Column("Value", css="num", value="value"),
        ]
        return build_table(
            request, name="pool-entries", queryset=queryset, columns=columns,
            row_template="inventory/valuation/_pool_entry_row.html", per_page=50,
            default_sort="-pk", keyset=True,
        ).fetch()  # fmt: skip
    layer = layer.__class__.objects.using(alias).select_related("site").get(pk=layer.pk)
    rows = Rows(selectors.layer_entries(tenant=request.tenant, layer=layer, day=as_of))
    columns = [
        Column("Posted at", value=lambda r: r["posted_at"]),
        Column("Role", value=lambda r: r["role"]),
        Column("Transaction", value=lambda r: r["transaction_id"]),
        Column("Kind", value=lambda r: r["kind"]),
        Column("Location", value=lambda r: r["location"]),
        Column("Entry quantity", css="num", value=lambda r: r["quantity"]),
        Column("Entry value", css="num", value=lambda r: r["value"]),
        Column("From this layer", css="num", value=lambda r: r["layer_quantity"]),
        Column("Value from this layer", css="num", value=lambda r: r["layer_value"]),
    ]
    return build_table(
        request, name="layer-entries", queryset=rows, columns=columns,
        row_template="inventory/valuation/_layer_entry_row.html", per_page=100,
    ).fetch()  # fmt: skip


class Rows(list):
    """A list of rows already in their order, paged like a queryset by `build_table`."""

    ordered = True
