"""The admin's purchasing policy: the order value above which someone other than the creator
approves."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse

from erp.roles import Role, roles_required
from erp.views.settings_page import settings_page
from purchasing.models import PurchasingSettings
from purchasing.services import orders as service


class PurchasingSettingsForm(forms.ModelForm):
    class Meta:
        model = PurchasingSettings
        fields = ["approval_threshold"]


@roles_required(Role.ADMIN)
def purchasing_settings(request: HttpRequest) -> HttpResponse:
    return settings_page(
        request,
        settings_for=service.settings_for,
        save_settings=service.save_settings,
        form_class=PurchasingSettingsForm,
        template="purchasing/settings.html",
        saved="Purchasing settings saved.",
        url_name="purchasing:purchasing_settings",
    )
