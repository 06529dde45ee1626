from django.urls import path

from erp.imports.urls import import_urls
from orders.views import backorders, customers, pool, sales_orders
from orders.views.lookups import customer_lookup

app_name = "orders"

urlpatterns = [
    path("customers/", customers.customer_list, name="customer_list"),
    path("customers/lookup/", customer_lookup, name="customer_lookup"),
    path("customers/new/", customers.customer_create, name="customer_create"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/ship-tos/new/", customers.ship_to_create, name="ship_to_create"),
    path("customers/ship-tos/<int:pk>/", customers.ship_to_edit, name="ship_to_edit"),
    *import_urls("orders.customers", prefix="customers/import/"),
    path("orders/", sales_orders.order_list, name="order_list"),
    path("orders/new/", sales_orders.order_create, name="order_create"),
    path("orders/new/ship-tos/", sales_orders.order_ship_tos, name="order_ship_tos"),
    path("orders/<int:pk>/", sales_orders.order_detail, name="order_detail"),
    path("orders/<int:pk>/lines/", sales_orders.order_add_line, name="order_add_line"),
    path("orders/<int:pk>/lines/check/", sales_orders.order_line_check, name="order_line_check"),
    path(
        "orders/<int:pk>/lines/<int:line_pk>/remove/",
        sales_orders.order_remove_line,
        name="order_remove_line",
    ),
    path("orders/<int:pk>/action/", sales_orders.order_action, name="order_action"),
    path("pool/", pool.order_pool, name="order_pool"),
    path("pool/allocate/", pool.pool_allocate, name="pool_allocate"),
    path("pool/release/", pool.pool_release, name="pool_release"),
    path("backorders/", backorders.backorder_list, name="backorder_list"),
]
