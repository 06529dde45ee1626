"""Admin pages: the tenant's return defaults, customers' own policies, routing rules and the
suppliers that take goods back."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.idempotency import idempotent
from erp.roles import roles_required
from erp.views.settings_page import settings_page
from returns.forms import PolicyForm, RuleForm, SettingsForm, SuppliersForm
from returns.models import DispositionRule, ReturningSupplier, ReturnPolicy
from returns.permissions import SETTINGS
from returns.policy import DEFAULTS, settings_for
from returns.services import settings as services


@roles_required(*SETTINGS)
@idempotent
def return_settings(request: HttpRequest) -> HttpResponse:
    return settings_page(
        request, settings_for=settings_for, save_settings=services.save_settings,
        form_class=SettingsForm, template="returns/settings/settings.html",
        saved="Return settings saved.", url_name="returns:settings",
    )  # fmt: skip


@roles_required(*SETTINGS)
@idempotent
def policy_list(request: HttpRequest) -> HttpResponse:
    form = PolicyForm(request.POST or None, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_policy(
                tenant=request.tenant, user=request.user, policy=form.save(commit=False)
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Return policy saved.")
            return redirect("returns:policy_list")
    context = {
        "policies": ReturnPolicy.objects.filter(tenant=request.tenant).select_related("customer"),
        "form": form,
    }
    return render(
        request, "returns/settings/policies.html", context, status=422 if form.errors else 200
    )


@require_POST
@roles_required(*SETTINGS)
@idempotent
def policy_delete(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(ReturnPolicy.objects.filter(tenant=request.tenant), pk=pk)
    services.delete_policy(tenant=request.tenant, user=request.user, policy=policy)
    messages.success(request, "Policy removed: the customer has the default terms.")
    return redirect("returns:policy_list")


def _rules_page(request, *, form=None, suppliers_form=None, status=200):
    taking = ReturningSupplier.objects.filter(tenant=request.tenant).values_list(
        "supplier_id", flat=True
    )
    context = {
        "rules": DispositionRule.objects.filter(tenant=request.tenant),
        "defaults": [
            {"grade": grade.label, "disposition": disposition.label, "creditable": creditable}
            for grade, (disposition, creditable) in DEFAULTS.items()
        ],
        "form": form or RuleForm(),
        "suppliers_form": suppliers_form
        or SuppliersForm(tenant=request.tenant, initial={"suppliers": list(taking)}),
    }
    return render(request, "returns/settings/rules.html", context, status=status)


@roles_required(*SETTINGS)
@idempotent
def rule_list(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _rules_page(request)
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            services.save_rule(
                tenant=request.tenant, user=request.user, rule=form.save(commit=False)
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Routing rule saved.")
            return redirect("returns:rule_list")
    return _rules_page(request, form=form, status=422)


@require_POST
@roles_required(*SETTINGS)
@idempotent
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(DispositionRule.objects.filter(tenant=request.tenant), pk=pk)
    services.delete_rule(tenant=request.tenant, user=request.user, rule=rule)
    messages.success(request, "Routing rule removed.")
    return redirect("returns:rule_list")


@require_POST
@roles_required(*SETTINGS)
@idempotent
def returning_suppliers(request: HttpRequest) -> HttpResponse:
    form = SuppliersForm(request.POST, tenant=request.tenant)
    if form.is_valid():
        services.set_returning_suppliers(
            tenant=request.tenant, user=request.user, suppliers=form.cleaned_data["suppliers"]
        )
        messages.success(request, "Suppliers that take returns saved.")
        return redirect("returns:rule_list")
    return _rules_page(request, suppliers_form=form, status=422)
