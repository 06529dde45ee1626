from django.urls import path

from warehouse.packing import views

urlpatterns = [
    path("scan/pack/", views.pack_find, name="pack_find"),
    path("scan/pack/<int:pk>/", views.pack_order, name="pack_order"),
    path(
        "scan/pack/<int:pk>/cartons/<int:carton_pk>/close/",
        views.carton_close,
        name="carton_close",
    ),
    path(
        "scan/pack/<int:pk>/cartons/<int:carton_pk>/unpack/",
        views.carton_unpack,
        name="carton_unpack",
    ),
    path("scan/pack/<int:pk>/finish/", views.pack_finish, name="pack_finish"),
    path("warehouse/packing/", views.packing_queue, name="packing_queue"),
    path("warehouse/cartons/<int:pk>/label/", views.carton_label, name="carton_label"),
]
