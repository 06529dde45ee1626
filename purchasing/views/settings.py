"""The admin's purchasing policy: the order value above which someone other than the creator
approves."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from erp.errors import DomainError
from erp.history import changes
from erp.roles import Role, roles_required
from purchasing.models import PurchasingSettings
from purchasing.services import orders as service


class PurchasingSettingsForm(forms.ModelForm):
    class Meta:
        model = PurchasingSettings
        fields = ["approval_threshold"]


@roles_required(Role.ADMIN)
def purchasing_settings(request: HttpRequest) -> HttpResponse:
    settings = service.settings_for(request.tenant)
    form = PurchasingSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        try:
            service.save_settings(
                tenant=request.tenant, user=request.user, settings=form.save(commit=False)
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Purchasing settings saved.")
            return redirect("purchasing:purchasing_settings")
    return render(
        request,
        "purchasing/settings.html",
        {"form": form, "history": changes(settings)},
        status=422 if form.errors else 200,
    )
