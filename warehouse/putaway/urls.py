from django.urls import path

from warehouse.putaway import views

urlpatterns = [
    path("scan/putaway/", views.putaway_next, name="putaway_next"),
    path("scan/putaway/<int:pk>/", views.putaway_task, name="putaway_task"),
    path("warehouse/putaway/", views.putaway_queue, name="putaway_queue"),
    path("settings/putaway-rules/", views.rule_list, name="rule_list"),
    path("settings/putaway-rules/new/", views.rule_edit, name="rule_create"),
    path("settings/putaway-rules/<int:pk>/", views.rule_edit, name="rule_edit"),
]
