from django.urls import path

from erp.imports.urls import import_urls
from warehouse.replenishment import views

urlpatterns = [
    path("scan/replenish/<int:pk>/", views.replenish_task, name="replenish_task"),
    path("warehouse/replenishment/", views.replenish_queue, name="replenish_queue"),
    path("warehouse/replenishment/run/", views.replenish_run, name="replenish_run"),
    path("warehouse/pick-faces/", views.face_list, name="face_list"),
    path("warehouse/pick-faces/new/", views.face_edit, name="face_create"),
    path("warehouse/pick-faces/<int:pk>/", views.face_edit, name="face_edit"),
    path("warehouse/pick-faces/<int:pk>/delete/", views.face_delete, name="face_delete"),
    *import_urls("warehouse.pick_faces", prefix="warehouse/pick-faces/import/"),
]
