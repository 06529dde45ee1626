"""Admin settings of the warehouse: putaway rules, the receiving policy and the GS1 identity
for shipping."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from erp.roles import Role, roles_required
from erp.views.settings_page import settings_page
from warehouse.forms import ShippingSettingsForm
from warehouse.shipping import services as shipping


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
