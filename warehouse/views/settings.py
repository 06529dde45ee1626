"""Admin settings of the warehouse: putaway rules, the receiving policy and the GS1 identity
for shipping."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from erp.errors import DomainError
from erp.history import changes
from erp.roles import Role, roles_required
from erp.views.settings_page import settings_page
from warehouse import selectors
from warehouse.forms import PutawayRuleForm, ReceivingSettingsForm, ShippingSettingsForm
from warehouse.putaway import rules
from warehouse.shipping import services as shipping


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
    from warehouse.receiving.services import settings_for

    return settings_page(
        request,
        settings_for=settings_for,
        save_settings=rules.save_settings,
        form_class=ReceivingSettingsForm,
        template="warehouse/settings/receiving.html",
        saved="Receiving settings saved.",
        url_name="warehouse:receiving_settings",
    )


@roles_required(Role.ADMIN)
def shipping_settings(request: HttpRequest) -> HttpResponse:
    return settings_page(
        request,
        settings_for=shipping.settings_for,
        save_settings=shipping.save_settings,
        form_class=ShippingSettingsForm,
        template="warehouse/settings/shipping.html",
        saved="Shipping settings saved.",
        url_name="warehouse:shipping_settings",
    )
