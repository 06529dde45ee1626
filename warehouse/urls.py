from django.urls import path

from warehouse.packing import urls as packing_urls
from warehouse.picking import urls as picking_urls
from warehouse.putaway import urls as putaway_urls
from warehouse.receiving import urls as receiving_urls
from warehouse.shipping import urls as shipping_urls
from warehouse.views import outbound

app_name = "warehouse"

urlpatterns = [
    *receiving_urls.urlpatterns,
    *putaway_urls.urlpatterns,
    *picking_urls.urlpatterns,
    *packing_urls.urlpatterns,
    *shipping_urls.urlpatterns,
    # Outbound: operators at phone width.
    # Outbound: supervisors.
    path("warehouse/exceptions/", outbound.exception_list, name="exception_list"),
    path(
        "warehouse/exceptions/<int:pk>/acknowledge/",
        outbound.exception_acknowledge,
        name="exception_acknowledge",
    ),
    # Outbound documents (PDF).
]
