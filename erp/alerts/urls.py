from django.urls import path

from erp.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("count/", views.count, name="count"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("settings/", views.alert_settings, name="settings"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:pk>/resolve/", views.resolve, name="resolve"),
]
