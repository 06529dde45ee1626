"""Supervisor pages for stock adjustments and their approval; admin inventory settings."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.history import changes
from erp.idempotency import idempotent
from erp.roles import Role, roles_required
from erp.tables import Column, build_table, table_response
from erp.views.settings_page import settings_page
from inventory import selectors
from inventory.forms_stock import AdjustmentForm, DecideForm, InventorySettingsForm
from inventory.models import Adjustment, AdjustmentKind, AdjustmentState, ReasonCode
from inventory.permissions import ADJUSTERS
from inventory.services import adjustments as service
from inventory.views.sites import bin_from, item_from


class AdjustmentFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=AdjustmentState.choices, empty_label="Any state")
    kind = django_filters.ChoiceFilter(choices=AdjustmentKind.choices, empty_label="Any kind")
    reason_code = django_filters.ChoiceFilter(
        label="Reason", choices=ReasonCode.choices, empty_label="Any reason"
    )
    item = django_filters.CharFilter(
        label="Item",
        field_name="item__sku",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "SKU"}),
    )

    class Meta:
        model = Adjustment
        fields = ["state", "kind", "reason_code", "item"]


def _item(row) -> str:
    if row.kind == "reversal":
        return f"Reversal of #{row.reverses_id} · {row.reverses.get_kind_display()}"
    text = row.item.sku
    if row.lot:
        text += f" · lot {row.lot.code}"
    if row.serial:
        text += f" · SN {row.serial.serial}"
    return text


def _bin(row) -> str:
    if row.kind == "reversal":
        return row.reverses.reference
    text = (
        f"{row.location.site.code} {row.location.code}" if row.location.site else row.location.code
    )
    return text if row.status == "available" else f"{text} [{row.get_status_display()}]"


@roles_required(*ADJUSTERS)
def adjustment_list(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request,
        name="adjustments",
        queryset=selectors.adjustments(tenant=request.tenant),
        filterset_class=AdjustmentFilter,
        columns=[
            Column("#", "id", value="pk"),
            Column("Requested", "requested_at", value="requested_at"),
            Column("Item", "item__sku", value=_item),
            Column("Bin", value=_bin),
            Column(
                "Quantity",
                css="num",
                value=lambda row: None if row.kind == "reversal" else row.quantity,
            ),
            Column("Value", "estimated_value", css="num", value="estimated_value"),
            Column(
                "Reason",
                value=lambda row: (
                    row.note if row.kind == "reversal" else row.get_reason_code_display()
                ),
            ),
            Column("State", "state", value="get_state_display"),
            Column(""),
        ],
        row_template="inventory/adjustment/_row.html",
        default_sort="-requested_at",
        extra={"user_id": request.user.pk},
    )
    threshold = service.settings_for(request.tenant).adjustment_approval_threshold
    return table_response(
        request,
        template="inventory/adjustment/list.html",
        table=table,
        context={"threshold": threshold},
    )


@roles_required(*ADJUSTERS)
@idempotent
def adjustment_create(request: HttpRequest) -> HttpResponse:
    """Record an adjustment at a bin of the chosen site (the current one to start with). A
    scanner's Enter after each scan shows the form again at the next empty field."""
    form = AdjustmentForm(
        request.POST or None, tenant=request.tenant, initial={"site": request.site}
    )
    if request.method == "POST":
        form.is_valid()
        location = bin_from(form, "bin", tenant=request.tenant, site=form.cleaned_data.get("site"))
        item_scan = item_from(form, tenant=request.tenant)
        if form.awaiting():
            return render(
                request,
                "inventory/adjustment/form.html",
                {"form": form.next_step(tenant=request.tenant)},
            )
        if not form.errors:
            data = form.cleaned_data
            item, unit, scan = item_scan
            try:
                adjustment = service.request_adjustment(
                    tenant=request.tenant, user=request.user, item=item, location=location,
                    quantity=data["quantity"], unit=unit, status=data["status"], reason_code=data["reason_code"],
                    note=data["note"], lot_code=data["lot"] or (scan.lot or ""),
                    expiry=data["expiry"] or scan.expiry, serial=data["serial"] or (scan.serial or ""),
                )  # fmt: skip
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                if adjustment.state == AdjustmentState.POSTED:
                    messages.success(
                        request,
                        f"Adjustment #{adjustment.pk} posted at {location.site.code} {location.code}.",
                    )
                else:
                    messages.warning(
                        request,
                        f"Adjustment #{adjustment.pk} is worth {adjustment.estimated_value:.2f}; with what you adjusted of {item.sku} at {location.code} today that is above the threshold: it waits for another supervisor's approval.",
                    )
                return redirect("inventory:adjustment_detail", adjustment.pk)
        form.refused()
    return render(
        request,
        "inventory/adjustment/form.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


def _decision_context(request, adjustment: Adjustment, form: DecideForm) -> dict:
    return {
        "adjustment": adjustment,
        "form": form,
        "history": changes(adjustment),
        "actions": selectors.adjustment_actions(
            tenant=request.tenant, adjustment=adjustment, user=request.user
        ),
    }


@roles_required(*ADJUSTERS)
def adjustment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    adjustment = get_object_or_404(selectors.adjustments(tenant=request.tenant), pk=pk)
    return render(
        request,
        "inventory/adjustment/detail.html",
        _decision_context(request, adjustment, DecideForm()),
    )


@require_POST
@roles_required(*ADJUSTERS)
@idempotent
def adjustment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    adjustment = get_object_or_404(selectors.adjustments(tenant=request.tenant), pk=pk)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                service.approve_adjustment(
                    tenant=request.tenant, user=request.user, adjustment=adjustment
                )
            else:
                service.reject_adjustment(
                    tenant=request.tenant,
                    user=request.user,
                    adjustment=adjustment,
                    note=form.cleaned_data["note"],
                )
        except DomainError as exc:
            form.add_error(None, str(exc))
    if form.errors:
        adjustment.refresh_from_db()
        return render(
            request,
            "inventory/adjustment/detail.html",
            _decision_context(request, adjustment, form),
            status=422,
        )
    messages.success(
        request,
        f"Adjustment #{adjustment.pk} {'approved and posted' if form.cleaned_data['decision'] == 'approve' else 'rejected'}.",
    )
    return redirect("inventory:adjustment_detail", adjustment.pk)


@roles_required(Role.ADMIN)
def inventory_settings(request: HttpRequest) -> HttpResponse:
    return settings_page(
        request,
        settings_for=service.settings_for,
        save_settings=service.save_settings,
        form_class=InventorySettingsForm,
        template="inventory/settings.html",
        saved="Inventory settings saved.",
        url_name="inventory:inventory_settings",
    )
