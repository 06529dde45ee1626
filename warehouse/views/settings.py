"""Admin settings of the warehouse: putaway rules, the receiving policy and the GS1 identity
for shipping."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from erp.errors import DomainError
from erp.history import changes
from erp.roles import Role, roles_required
from warehouse import selectors
from warehouse.forms import PutawayRuleForm, ReceivingSettingsForm, ShippingSettingsForm
from warehouse.services import rules, shipping


@roles_required(Role.ADMIN)
def rule_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "warehouse/settings/rules.html",
        {"rules": selectors.putaway_rules(tenant=request.tenant)},
    )


@roles_required(Role.ADMIN)
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    rule = get_object_or_404(selectors.putaway_rules(tenant=request.tenant), pk=pk) if pk else None
    form = PutawayRuleForm(request.POST or None, instance=rule, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        try:
            saved = rules.save_rule(
                tenant=request.tenant, user=request.user, rule=form.save(commit=False)
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Rule '{saved.name}' saved.")
            return redirect("warehouse:rule_list")
    context = {"form": form, "rule": rule, "history": changes(rule) if rule else []}
    return render(
        request, "warehouse/settings/rule_form.html", context, status=422 if form.errors else 200
    )


@roles_required(Role.ADMIN)
def receiving_settings(request: HttpRequest) -> HttpResponse:
    from warehouse.services.receiving import settings_for

    settings = settings_for(request.tenant)
    form = ReceivingSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        rules.save_settings(
            tenant=request.tenant, user=request.user, settings=form.save(commit=False)
        )
        messages.success(request, "Receiving settings saved.")
        return redirect("warehouse:receiving_settings")
    return render(
        request,
        "warehouse/settings/receiving.html",
        {"form": form, "history": changes(settings)},
        status=422 if form.errors else 200,
    )


@roles_required(Role.ADMIN)
def shipping_settings(request: HttpRequest) -> HttpResponse:
    settings = shipping.settings_for(request.tenant)
    form = ShippingSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        try:
            shipping.save_settings(
                tenant=request.tenant, user=request.user, settings=form.save(commit=False)
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Shipping settings saved.")
            return redirect("warehouse:shipping_settings")
    return render(
        request,
        "warehouse/settings/shipping.html",
        {"form": form, "history": changes(settings)},
        status=422 if form.errors else 200,
    )
