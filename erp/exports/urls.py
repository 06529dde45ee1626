from __future__ import annotations

from django.urls import path
from django.views.decorators.http import require_POST

from erp.exports import views
from erp.roles import any_member

app_name = "exports"

# Any member: what a member may export is what their role may open, checked by the page's own
# view when the job starts and again when the worker runs it.
urlpatterns = [
    path("", any_member(views.job_list), name="list"),
    path("start/", require_POST(any_member(views.start)), name="start"),
    path("<int:pk>/", any_member(views.detail), name="detail"),
    path("<int:pk>/download/", any_member(views.download), name="download"),
]
