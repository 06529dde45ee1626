"""Supplier pages: list, create, edit with history, and the items each supplier sells."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from erp.errors import DomainError
from erp.exports.cells import active
from erp.history import changes
from erp.idempotency import idempotent
from erp.roles import has_role, roles_required
from erp.tables import Column, build_table, table_response
from purchasing import selectors
from purchasing.forms import SupplierForm, SupplierItemForm
from purchasing.models import Supplier
from purchasing.permissions import BUYERS, VIEWERS
from purchasing.services import suppliers as service


class SupplierFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "code or name"}),
    )
    is_active = django_filters.BooleanFilter(label="Active")

    class Meta:
        model = Supplier
        fields = ["q", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(code__icontains=value) | queryset.filter(name__icontains=value)


@roles_required(*VIEWERS)
def supplier_list(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request,
        name="suppliers",
        queryset=selectors.suppliers(tenant=request.tenant),
        filterset_class=SupplierFilter,
        columns=[
            Column("Code", "code", value="code"),
            Column("Name", "name", value="name"),
            Column(
                "Lead time (days)",
                "default_lead_time_days",
                css="num",
                value="default_lead_time_days",
            ),
            Column("Over-receipt %", css="num", value="over_receipt_tolerance_pct"),
            Column("Currency", value="currency"),
            Column("Active", value=active),
        ],
        row_template="purchasing/supplier/_row.html",
        default_sort="code",
    )
    return table_response(
        request,
        template="purchasing/supplier/list.html",
        table=table,
        context={"can_edit": has_role(request, BUYERS)},
    )


@roles_required(*BUYERS)
@idempotent
def supplier_create(request: HttpRequest) -> HttpResponse:
    form = SupplierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            supplier = service.save_supplier(
                tenant=request.tenant, user=request.user, supplier=form.save(commit=False)
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Supplier {supplier.code} saved.")
            return redirect(supplier)
    return render(
        request, "purchasing/supplier/form.html", {"form": form}, status=422 if form.errors else 200
    )


@roles_required(*VIEWERS)
def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = get_object_or_404(selectors.suppliers(tenant=request.tenant), pk=pk)
    can_edit = has_role(request, BUYERS)
    form = SupplierForm(request.POST or None, instance=supplier) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            return render(request, "403.html", status=403)
        if form.is_valid():
            try:
                service.save_supplier(
                    tenant=request.tenant, user=request.user, supplier=form.save(commit=False)
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Supplier {supplier.code} saved.")
                return redirect(supplier)
    context = {
        "supplier": supplier, "form": form, "can_edit": can_edit, "history": changes(supplier),
        "supplier_items": selectors.supplier_items(tenant=request.tenant, supplier=supplier),
    }  # fmt: skip
    return render(
        request,
        "purchasing/supplier/detail.html",
        context,
        status=422 if form is not None and form.errors else 200,
    )


@roles_required(*BUYERS)
@idempotent
def supplier_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = get_object_or_404(selectors.suppliers(tenant=request.tenant), pk=pk)
    item_form = SupplierItemForm(request.POST or None, tenant=request.tenant)
    if request.method == "POST" and item_form.is_valid():
        supplier_item = item_form.save(commit=False)
        supplier_item.supplier = supplier
        try:
            service.save_supplier_item(
                tenant=request.tenant, user=request.user, supplier_item=supplier_item
            )
        except DomainError as exc:
            item_form.add_error(None, str(exc))
        else:
            messages.success(request, f"{supplier_item.item.sku} added to {supplier.code}.")
            return redirect(supplier)
    return render(
        request,
        "purchasing/supplier/item_form.html",
        {"supplier": supplier, "item_form": item_form},
        status=422 if item_form.errors else 200,
    )
