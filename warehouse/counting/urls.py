from django.urls import path

from warehouse.counting import views

urlpatterns = [
    path("scan/count/<int:pk>/", views.count_round, name="count_round"),
    path("warehouse/counts/", views.count_list, name="count_list"),
    path("warehouse/counts/accuracy/", views.count_accuracy, name="count_accuracy"),
    path("warehouse/counts/new/", views.count_create, name="count_create"),
    path("warehouse/counts/<int:pk>/", views.count_detail, name="count_detail"),
    path("settings/counting/", views.count_settings, name="count_settings"),
    path("warehouse/counts/<int:pk>/decide/", views.count_decide, name="count_decide"),
]
