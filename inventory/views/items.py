"""Item master pages: list, create, edit, the item page (units, stock, ATP, ledger, history)
and its units of measure."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from erp.errors import DomainError
from erp.exports.cells import active
from erp.history import changes
from erp.idempotency import idempotent
from erp.roles import may_open, roles_required
from erp.tables import Column, build_table, table_partial, table_response
from inventory import selectors
from inventory.filters import ItemFilter
from inventory.forms import ItemForm, ItemUnitForm
from inventory.models import ItemUnit
from inventory.permissions import DESK, ITEM_EDITORS
from inventory.services import items


@roles_required(*DESK)
def item_list(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request,
        name="items",
        queryset=selectors.items_with_on_hand(tenant=request.tenant),
        filterset_class=ItemFilter,
        columns=[
            Column("SKU", "sku", css="code", value="sku"),
            Column("Description", "description", value="description"),
            Column("Category", "category", css="hide-md", value="category"),
            Column("Unit", value="base_unit"),
            Column("Tracking", "tracking", css="hide-md", value="get_tracking_display"),
            Column("ABC", "abc_class", css="hide-sm", value="abc_class"),
            Column("Velocity", "velocity_class", css="hide-sm", value="get_velocity_class_display"),
            Column("On hand", "on_hand", css="num", value="on_hand"),
            Column("Active", value=active),
        ],
        row_template="inventory/item/_row.html",
        default_sort="sku",
    )
    can_edit = request.membership.role in ITEM_EDITORS
    return table_response(
        request, template="inventory/item/list.html", table=table, context={"can_edit": can_edit}
    )


def _save_item(request, *, form, save, template, context) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            item = save(tenant=request.tenant, user=request.user, item=form.save(commit=False))
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Item {item.sku} saved.")
            return redirect(item)
    return render(request, template, {**context, "form": form}, status=422 if form.errors else 200)


@roles_required(*ITEM_EDITORS)
@idempotent
def item_create(request: HttpRequest) -> HttpResponse:
    return _save_item(
        request,
        form=ItemForm(request.POST or None),
        save=items.create_item,
        template="inventory/item/form.html",
        context={},
    )


@roles_required(*ITEM_EDITORS)
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.items(tenant=request.tenant), pk=pk)
    return _save_item(
        request,
        form=ItemForm(request.POST or None, instance=item),
        save=items.update_item,
        template="inventory/item/form.html",
        context={"object": item},
    )


def _lot_and_serial(row) -> str:
    lot = row.lot.code if row.lot else ""
    return f"{lot} SN {row.serial.serial}".strip() if row.serial else lot


def _stock_table(request, item):
    # A URL name only: inventory imports no warehouse code.
    can_count = may_open(request, "warehouse:count_list")
    return build_table(
        request,
        name="stock",
        prefix="stock",
        export_name=f"{item.sku}-stock",
        queryset=selectors.item_balances(tenant=request.tenant, item=item),
        columns=[
            Column("Site", "site__code", value="site.code"),
            Column("Bin", "location__code", value="location.code"),
            Column("Lot", "lot__code", value="lot.code"),
            Column("Expiry", "lot__expiry_date", value="lot.expiry_date"),
            Column("Status", "status", value="get_status_display"),
            Column("On hand", "on_hand", css="num", value="on_hand"),
            Column("Reserved", "reserved", css="num", value="reserved"),
            *([Column("")] if can_count else []),
        ],
        row_template="inventory/item/_balance_row.html",
        extra={"can_count": can_count},
        default_sort="location__code",
        empty="No stock in any bin.",
    )


def _ledger_table(request, item):
    return build_table(
        request,
        name="ledger",
        prefix="ledger",
        export_name=f"{item.sku}-ledger",
        queryset=selectors.item_entries(tenant=request.tenant, item=item),
        columns=[
            Column("Posted", value="transaction.posted_at"),
            Column("Kind", value="transaction.get_kind_display"),
            Column("Reference", value="transaction.reference"),
            Column("By", value=lambda row: str(row.transaction.posted_by or "system")),
            Column("Location", value="location.code"),
            Column("Lot", value=_lot_and_serial),
            Column("Status", value="get_status_display"),
            Column("Quantity", css="num", value="quantity"),
            Column("Value", css="num", value="value"),
        ],
        row_template="inventory/item/_entry_row.html",
        empty="No stock movements yet.",
        # Keyset pages over (tenant, item, transaction) of inv_entry_item_idx: flat however long
        # the item's history (see item_entries for why the order is by transaction).
        default_sort="-transaction_id",
        keyset=True,
    )


def _projection_table(request, item):
    return build_table(
        request,
        name="projections",
        prefix="projections",
        export_name=f"{item.sku}-supply-and-demand",
        queryset=selectors.item_projections(tenant=request.tenant, item=item),
        columns=[
            Column("Date", "date", value="date"),
            Column("Site", "site__code", value="site.code"),
            Column("Kind", "kind", value="get_kind_display"),
            Column("Reference", value="reference"),
            Column("Quantity", "quantity", css="num", value="quantity"),
        ],
        row_template="inventory/item/_projection_row.html",
        default_sort="date",
        empty="No open supply or demand.",
    )


@roles_required(*DESK)
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.items(tenant=request.tenant), pk=pk)
    stock = _stock_table(request, item)
    ledger = _ledger_table(request, item)
    projections = _projection_table(request, item)
    partial = table_partial(request, stock, ledger, projections)
    if partial is not None:
        return partial
    return render(
        request,
        "inventory/item/detail.html",
        {
            "object": item,
            "units": selectors.units_of(tenant=request.tenant, item=item),
            "stock": stock,
            "ledger": ledger,
            "projections": projections,
            "atp": selectors.item_atp(tenant=request.tenant, item=item),
            "segments": selectors.segments_of_item(tenant=request.tenant, item=item),
            "history": changes(item),
            "can_edit": request.membership.role in ITEM_EDITORS,
        },
    )


def _save_unit(request, *, unit: ItemUnit, template: str) -> HttpResponse:
    form = ItemUnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            unit = items.save_unit(
                tenant=request.tenant, user=request.user, unit=form.save(commit=False)
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Unit {unit.code} of {unit.item.sku} saved.")
            return redirect(unit.item)
    return render(
        request,
        template,
        {"form": form, "unit": unit, "item": unit.item},
        status=422 if form.errors else 200,
    )


@roles_required(*ITEM_EDITORS)
@idempotent
def unit_create(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.items(tenant=request.tenant), pk=pk)
    return _save_unit(
        request,
        unit=ItemUnit(tenant=request.tenant, item=item),
        template="inventory/item/unit_form.html",
    )


@roles_required(*ITEM_EDITORS)
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(selectors.item_units(tenant=request.tenant), pk=pk)
    return _save_unit(request, unit=unit, template="inventory/item/unit_form.html")


@roles_required(*ITEM_EDITORS)
@idempotent
def unit_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST removes."""
    unit = get_object_or_404(selectors.item_units(tenant=request.tenant), pk=pk)
    if request.method != "POST":
        return render(request, "inventory/item/unit_remove.html", {"unit": unit})
    try:
        items.remove_unit(tenant=request.tenant, user=request.user, unit=unit)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Unit {unit.code} of {unit.item.sku} removed.")
    return redirect(unit.item)
