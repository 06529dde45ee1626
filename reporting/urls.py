from django.urls import path

from reporting import stock_views

app_name = "reporting"

urlpatterns: list = [
    path("stock/accuracy/", stock_views.inventory_accuracy, name="inventory_accuracy"),
    path("stock/turns/", stock_views.turns, name="turns"),
    path("stock/excess/", stock_views.excess_and_dead, name="excess_and_dead"),
    path("suppliers/scorecard/", stock_views.supplier_scorecard, name="supplier_scorecard"),
]
