from django.urls import path

from reporting import dashboards, stock_views, trace_views
from reporting.views import service

app_name = "reporting"

urlpatterns = [
    path("landing/<slug:key>/", dashboards.landing_panel, name="landing_panel"),
    path("trace/", trace_views.trace, name="trace"),
    path("trace/recall.pdf", trace_views.trace_pdf, name="trace_pdf"),
    path("service-level/", service.service_level, name="service_level"),
    path("backorder-aging/", service.backorder_aging, name="backorder_aging"),
    path("cycle-time/", service.cycle_time, name="cycle_time"),
    path("throughput/", service.throughput, name="throughput"),
    path("stock/accuracy/", stock_views.inventory_accuracy, name="inventory_accuracy"),
    path("stock/turns/", stock_views.turns, name="turns"),
    path("stock/excess/", stock_views.excess_and_dead, name="excess_and_dead"),
    path("suppliers/scorecard/", stock_views.supplier_scorecard, name="supplier_scorecard"),
]
