from django.urls import path

from erp.imports.urls import import_urls
from purchasing.views import orders, planning, settings, supplier_items, suppliers
from purchasing.views.lookups import supplier_lookup

app_name = "purchasing"

urlpatterns = [
    path("suppliers/", suppliers.supplier_list, name="supplier_list"),
    path("suppliers/lookup/", supplier_lookup, name="supplier_lookup"),
    path("suppliers/new/", suppliers.supplier_create, name="supplier_create"),
    *import_urls("purchasing.suppliers", prefix="suppliers/import/"),
    path("suppliers/<int:pk>/", suppliers.supplier_detail, name="supplier_detail"),
    path("suppliers/<int:pk>/items/new/", suppliers.supplier_item_add, name="supplier_item_add"),
    *import_urls("purchasing.supplier_items", prefix="supplier-items/import/"),
    path("supplier-items/<int:pk>/", supplier_items.supplier_item_edit, name="supplier_item_edit"),
    path(
        "supplier-items/<int:pk>/breaks/",
        supplier_items.price_break_add,
        name="price_break_add",
    ),
    path(
        "supplier-items/breaks/<int:pk>/remove/",
        supplier_items.price_break_remove,
        name="price_break_remove",
    ),
    path("settings/", settings.purchasing_settings, name="purchasing_settings"),
    path("orders/", orders.order_list, name="order_list"),
    path("orders/new/", orders.order_create, name="order_create"),
    path("orders/<int:pk>/", orders.order_detail, name="order_detail"),
    path("orders/<int:pk>/lines/", orders.order_add_line, name="order_add_line"),
    path(
        "orders/<int:pk>/lines/<int:line_pk>/remove/",
        orders.order_remove_line,
        name="order_remove_line",
    ),
    path("orders/<int:pk>/action/", orders.order_action, name="order_action"),
    path("orders/<int:pk>/pdf/", orders.order_pdf, name="order_pdf"),
]

urlpatterns += [
    path("planning/suggestions/", planning.suggestion_list, name="suggestion_list"),
    path("planning/suggestions/accept/", planning.suggestion_accept, name="suggestion_accept"),
    path(
        "planning/suggestions/<int:pk>/quantity/",
        planning.suggestion_quantity,
        name="suggestion_quantity",
    ),
    path(
        "planning/suggestions/<int:pk>/reject/",
        planning.suggestion_reject,
        name="suggestion_reject",
    ),
    path("planning/runs/start/", planning.planning_run_start, name="planning_run_start"),
    path("planning/runs/<int:pk>/", planning.planning_run_detail, name="planning_run_detail"),
    path("settings/service-levels/", planning.service_levels, name="service_levels"),
]
