from django.urls import path

from warehouse.workqueue import views

urlpatterns = [
    path("scan/work/", views.my_work, name="my_work"),
    path("scan/work/start/", views.work_start, name="work_start"),
    path("warehouse/work/", views.work_queue, name="work_queue"),
    path("warehouse/work/<int:pk>/", views.work_detail, name="work_detail"),
    path("warehouse/work/<int:pk>/change/", views.work_change, name="work_change"),
]
