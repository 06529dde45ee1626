from django.urls import path

from warehouse.shipping import views

urlpatterns = [
    path("scan/ship/", views.ship_find, name="ship_find"),
    path("scan/ship/<int:pk>/", views.ship_order, name="ship_order"),
    path("scan/ship/shipments/<int:pk>/", views.shipment_detail, name="shipment_detail"),
    path(
        "scan/ship/shipments/<int:pk>/confirm/",
        views.shipment_confirm,
        name="shipment_confirm",
    ),
    path("warehouse/shipping/", views.shipping_queue, name="shipping_queue"),
    path(
        "warehouse/shipments/<int:pk>/packing-slip/",
        views.packing_slip,
        name="packing_slip",
    ),
    path(
        "warehouse/shipments/<int:pk>/bill-of-lading/",
        views.bill_of_lading,
        name="bill_of_lading",
    ),
    path("settings/shipping/", views.shipping_settings, name="shipping_settings"),
]
