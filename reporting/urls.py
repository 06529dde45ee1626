from django.urls import path

from reporting import audit_views, trace_views

app_name = "reporting"

urlpatterns = [
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
]
