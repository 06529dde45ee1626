from django.urls import path

from warehouse.picking import urls as picking_urls
from warehouse.putaway import urls as putaway_urls
from warehouse.receiving import urls as receiving_urls
from warehouse.views import documents, outbound, settings, stations

app_name = "warehouse"

urlpatterns = [
    *receiving_urls.urlpatterns,
    *putaway_urls.urlpatterns,
    *picking_urls.urlpatterns,
    # Outbound: operators at phone width.
    path("scan/pack/", stations.pack_find, name="pack_find"),
    path("scan/pack/<int:pk>/", stations.pack_order, name="pack_order"),
    path(
        "scan/pack/<int:pk>/cartons/<int:carton_pk>/close/",
        stations.carton_close,
        name="carton_close",
    ),
    path(
        "scan/pack/<int:pk>/cartons/<int:carton_pk>/unpack/",
        stations.carton_unpack,
        name="carton_unpack",
    ),
    path("scan/pack/<int:pk>/finish/", stations.pack_finish, name="pack_finish"),
    path("scan/ship/", stations.ship_find, name="ship_find"),
    path("scan/ship/<int:pk>/", stations.ship_order, name="ship_order"),
    path("scan/ship/shipments/<int:pk>/", stations.shipment_detail, name="shipment_detail"),
    path(
        "scan/ship/shipments/<int:pk>/confirm/",
        stations.shipment_confirm,
        name="shipment_confirm",
    ),
    # Outbound: supervisors.
    path("warehouse/exceptions/", outbound.exception_list, name="exception_list"),
    path(
        "warehouse/exceptions/<int:pk>/acknowledge/",
        outbound.exception_acknowledge,
        name="exception_acknowledge",
    ),
    path("warehouse/packing/", outbound.packing_queue, name="packing_queue"),
    path("warehouse/shipping/", outbound.shipping_queue, name="shipping_queue"),
    # Outbound documents (PDF).
    path("warehouse/cartons/<int:pk>/label/", documents.carton_label, name="carton_label"),
    path(
        "warehouse/shipments/<int:pk>/packing-slip/",
        documents.packing_slip,
        name="packing_slip",
    ),
    path(
        "warehouse/shipments/<int:pk>/bill-of-lading/",
        documents.bill_of_lading,
        name="bill_of_lading",
    ),
    path("settings/shipping/", settings.shipping_settings, name="shipping_settings"),
]
