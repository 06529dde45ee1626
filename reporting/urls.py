from django.urls import path  # noqa: F401  (each report adds its path below)

app_name = "reporting"

urlpatterns: list = []
