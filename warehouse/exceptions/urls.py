from django.urls import path

from warehouse.exceptions import views

urlpatterns = [
    path("warehouse/exceptions/", views.exception_list, name="exception_list"),
    path(
        "warehouse/exceptions/<int:pk>/acknowledge/",
        views.exception_acknowledge,
        name="exception_acknowledge",
    ),
]
