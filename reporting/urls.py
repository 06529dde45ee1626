from django.urls import path

from reporting import trace_views

app_name = "reporting"

urlpatterns = [
    path("trace/", trace_views.trace, name="trace"),
    path("trace/recall.pdf", trace_views.trace_pdf, name="trace_pdf"),
]
