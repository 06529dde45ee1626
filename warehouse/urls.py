from django.urls import path

from warehouse.views import scanner, settings, supervisor

app_name = "warehouse"

urlpatterns = [
    path("scan/receive/", scanner.receive_find, name="receive_find"),
    path("scan/receive/<int:pk>/", scanner.receive_order, name="receive_order"),
    path("scan/putaway/", scanner.putaway_next, name="putaway_next"),
    path("scan/putaway/<int:pk>/", scanner.putaway_task, name="putaway_task"),
    path("warehouse/receiving/", supervisor.receiving_list, name="receiving_list"),
    path("warehouse/receiving/<int:pk>/", supervisor.receiving_detail, name="receiving_detail"),
    path(
        "warehouse/receiving/<int:pk>/lines/<int:line_pk>/short-close/",
        supervisor.short_close,
        name="short_close",
    ),
    path("warehouse/discrepancies/", supervisor.discrepancy_list, name="discrepancy_list"),
    path(
        "warehouse/discrepancies/<int:pk>/resolve/",
        supervisor.discrepancy_resolve,
        name="discrepancy_resolve",
    ),
    path("warehouse/putaway/", supervisor.putaway_queue, name="putaway_queue"),
    path("warehouse/qc/", supervisor.qc_list, name="qc_list"),
    path("warehouse/qc/<int:pk>/", supervisor.qc_inspect, name="qc_inspect"),
    path("settings/putaway-rules/", settings.rule_list, name="rule_list"),
    path("settings/putaway-rules/new/", settings.rule_edit, name="rule_create"),
    path("settings/putaway-rules/<int:pk>/", settings.rule_edit, name="rule_edit"),
    path("settings/receiving/", settings.receiving_settings, name="receiving_settings"),
]
