"""A supplier item's page: its terms (supplier SKU, pack, minimum, price, lead time,
preferred, inspection) and its price breaks, added and removed in place with htmx."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.history import changes
from erp.idempotency import idempotent
from erp.roles import roles_required
from purchasing import selectors
from purchasing.forms import PriceBreakForm, SupplierItemEditForm
from purchasing.models import SupplierItem
from purchasing.permissions import BUYERS
from purchasing.services import suppliers as service


def _breaks_context(request, supplier_item: SupplierItem, break_form=None, error="") -> dict:
    return {
        "supplier_item": supplier_item,
        "breaks": selectors.price_breaks(tenant=request.tenant, supplier_item=supplier_item),
        "break_form": break_form if break_form is not None else PriceBreakForm(),
        "error": error,
    }


def _page(request, supplier_item, *, form=None, break_form=None, status=200) -> HttpResponse:
    context = {
        **_breaks_context(request, supplier_item, break_form),
        "form": form if form is not None else SupplierItemEditForm(instance=supplier_item),
        "history": changes(supplier_item),
    }
    return render(request, "purchasing/supplier/item_edit.html", context, status=status)


def _breaks_response(request, supplier_item, *, break_form=None, error="") -> HttpResponse:
    """The price breaks section for htmx; otherwise back to the page (the form with its
    errors when it has them)."""
    failed = bool(error or (break_form is not None and break_form.errors))
    if request.htmx:
        return render(
            request,
            "purchasing/supplier/_price_breaks.html",
            _breaks_context(request, supplier_item, break_form, error),
            status=422 if failed else 200,
        )
    if break_form is not None and break_form.errors:
        return _page(request, supplier_item, break_form=break_form, status=422)
    if error:
        messages.error(request, error)
    return redirect("purchasing:supplier_item_edit", supplier_item.pk)


@roles_required(*BUYERS)
def supplier_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    supplier_item = get_object_or_404(selectors.supplier_items(tenant=request.tenant), pk=pk)
    form = SupplierItemEditForm(request.POST or None, instance=supplier_item)
    if request.method == "POST" and form.is_valid():
        try:
            service.save_supplier_item(
                tenant=request.tenant, user=request.user, supplier_item=form.save(commit=False)
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"{supplier_item.item.sku} from {supplier_item.supplier.code} saved."
            )
            return redirect(supplier_item.supplier)
    return _page(request, supplier_item, form=form, status=422 if form.errors else 200)


@require_POST
@roles_required(*BUYERS)
@idempotent
def price_break_add(request: HttpRequest, pk: int) -> HttpResponse:
    supplier_item = get_object_or_404(selectors.supplier_items(tenant=request.tenant), pk=pk)
    form = PriceBreakForm(request.POST)
    if form.is_valid():
        try:
            service.add_price_break(
                tenant=request.tenant,
                user=request.user,
                supplier_item=supplier_item,
                **form.cleaned_data,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            form = None  # an empty form for the next break
    return _breaks_response(request, supplier_item, break_form=form)


@require_POST
@roles_required(*BUYERS)
@idempotent
def price_break_remove(request: HttpRequest, pk: int) -> HttpResponse:
    price_break = get_object_or_404(selectors.price_breaks(tenant=request.tenant), pk=pk)
    supplier_item = price_break.supplier_item
    try:
        service.remove_price_break(
            tenant=request.tenant, user=request.user, price_break=price_break
        )
    except DomainError as exc:
        return _breaks_response(request, supplier_item, error=str(exc))
    return _breaks_response(request, supplier_item)
