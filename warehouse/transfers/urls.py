from django.urls import path

from warehouse.transfers import views

urlpatterns = [
    path("warehouse/transfers/", views.transfer_list, name="transfer_list"),
    path("warehouse/transfers/new/", views.transfer_create, name="transfer_create"),
    path("warehouse/transfers/<int:pk>/", views.transfer_detail, name="transfer_detail"),
    path("warehouse/transfers/<int:pk>/edit/", views.transfer_edit, name="transfer_edit"),
    path("warehouse/transfers/<int:pk>/lines/", views.transfer_add_line, name="transfer_add_line"),
    path(
        "warehouse/transfers/<int:pk>/lines/<int:line_pk>/remove/",
        views.transfer_remove_line,
        name="transfer_remove_line",
    ),
    path("warehouse/transfers/<int:pk>/release/", views.transfer_release, name="transfer_release"),
    path("warehouse/transfers/<int:pk>/ship/", views.transfer_ship, name="transfer_ship"),
    path("warehouse/transfers/<int:pk>/cancel/", views.transfer_cancel, name="transfer_cancel"),
    path("warehouse/transfers/<int:pk>/close/", views.transfer_close, name="transfer_close"),
    path("warehouse/transfers/<int:pk>/slip/", views.transfer_slip, name="transfer_slip"),
    path("warehouse/transfers/<int:pk>/label/", views.transfer_label, name="transfer_label"),
    # Operators at phone width.
    path("scan/transfers/", views.transfer_scan, name="transfer_scan"),
    path("scan/transfers/<int:pk>/pick/", views.transfer_pick, name="transfer_pick"),
    path("scan/transfers/<int:pk>/pack/", views.transfer_pack, name="transfer_pack"),
    path(
        "scan/transfers/<int:pk>/cartons/<int:carton_pk>/unpack/",
        views.transfer_carton_unpack,
        name="transfer_carton_unpack",
    ),
    path("scan/transfers/<int:pk>/receive/", views.transfer_receive, name="transfer_receive"),
]
