"""The warehouse's pages, one list per flow; paths and names (warehouse:...) are the flows'."""

from warehouse.counting import urls as counting_urls
from warehouse.exceptions import urls as exceptions_urls
from warehouse.packing import urls as packing_urls
from warehouse.picking import urls as picking_urls
from warehouse.putaway import urls as putaway_urls
from warehouse.receiving import urls as receiving_urls
from warehouse.replenishment import urls as replenishment_urls
from warehouse.shipping import urls as shipping_urls
from warehouse.transfers import urls as transfers_urls
from warehouse.workqueue import urls as workqueue_urls

app_name = "warehouse"

urlpatterns = [
    *receiving_urls.urlpatterns,
    *putaway_urls.urlpatterns,
    *picking_urls.urlpatterns,
    *packing_urls.urlpatterns,
    *shipping_urls.urlpatterns,
    *exceptions_urls.urlpatterns,
    *workqueue_urls.urlpatterns,
    *counting_urls.urlpatterns,
    *replenishment_urls.urlpatterns,
    *transfers_urls.urlpatterns,
]
