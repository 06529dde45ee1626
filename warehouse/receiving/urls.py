from django.urls import path

from warehouse.receiving import views

urlpatterns = [
    path("scan/receive/", views.receive_find, name="receive_find"),
    path("scan/receive/<int:pk>/", views.receive_order, name="receive_order"),
    path("warehouse/receiving/", views.receiving_list, name="receiving_list"),
    path("warehouse/receiving/<int:pk>/", views.receiving_detail, name="receiving_detail"),
    path(
        "warehouse/receiving/<int:pk>/lines/<int:line_pk>/short-close/",
        views.short_close,
        name="short_close",
    ),
    path("warehouse/discrepancies/", views.discrepancy_list, name="discrepancy_list"),
    path(
        "warehouse/discrepancies/<int:pk>/resolve/",
        views.discrepancy_resolve,
        name="discrepancy_resolve",
    ),
    path("warehouse/qc/", views.qc_list, name="qc_list"),
    path("warehouse/qc/<int:pk>/", views.qc_inspect, name="qc_inspect"),
    path("settings/receiving/", views.receiving_settings, name="receiving_settings"),
]
