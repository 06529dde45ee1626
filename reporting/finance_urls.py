from django.urls import path

from reporting import finance_views

app_name = "finance"

urlpatterns = [
    path("write-offs/", finance_views.write_off_register, name="write_off_register"),
]
