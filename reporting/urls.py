from django.urls import path

from reporting import audit_views, dashboards, stock_views, trace_views
from reporting.views import service

app_name = "reporting"

urlpatterns = [
    path("landing/<slug:key>/", dashboards.landing_panel, name="landing_panel"),
    path("trace/", trace_views.trace, name="trace"),
    path("trace/recall.pdf", trace_views.trace_pdf, name="trace_pdf"),
    path("audit/", audit_views.audit_trail, name="audit_trail"),
    path("audit/pdf/", audit_views.audit_pdf, name="audit_pdf"),
    path("audit/reports/new/", audit_views.audit_report_start, name="audit_report_start"),
    path("audit/reports/<int:pk>/", audit_views.audit_report, name="audit_report"),
    path(
        "audit/reports/<int:pk>/download/",
        audit_views.audit_report_download,
        name="audit_report_download",
    ),
    path(
        "audit/changes/<str:source>/<int:history_id>/",
        audit_views.audit_change,
        name="audit_change",
    ),
    path("service-level/", service.service_level, name="service_level"),
    path("backorder-aging/", service.backorder_aging, name="backorder_aging"),
    path("cycle-time/", service.cycle_time, name="cycle_time"),
    path("throughput/", service.throughput, name="throughput"),
    path("stock/accuracy/", stock_views.inventory_accuracy, name="inventory_accuracy"),
    path("stock/turns/", stock_views.turns, name="turns"),
    path("stock/excess/", stock_views.excess_and_dead, name="excess_and_dead"),
    path("suppliers/scorecard/", stock_views.supplier_scorecard, name="supplier_scorecard"),
]
