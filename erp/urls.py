from django.urls import include, path

from erp.api.site import api
from erp.views import home, organisation, system

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/", include("erp.views.accounts")),
    path("tenant/switch/", home.switch_tenant, name="switch_tenant"),
    path("invitations/", include("erp.views.invitations")),
    path("alerts/", include("erp.alerts.urls")),
    path("exports/", include("erp.exports.urls")),
    path("settings/organisation/", organisation.organisation, name="organisation"),
    path("settings/users/", include("erp.views.users")),
    path("settings/api-tokens/", include("erp.api.views")),
    path("settings/health/", system.health, name="health"),
    path("settings/webhooks/", include("erp.webhooks.urls")),
    path("", include("inventory.urls")),
    path("purchasing/", include("purchasing.urls")),
    path("sales/", include("orders.urls")),
    path("", include("warehouse.urls")),
    path("", include("returns.urls")),
    path("reports/", include("reporting.urls")),
    path("reports/finance/", include("reporting.finance_urls")),
    path("api/v1/", api.urls),
]

handler404 = "erp.views.system.page_not_found"
handler403 = "erp.views.system.permission_denied"
handler500 = "erp.views.system.server_error"
