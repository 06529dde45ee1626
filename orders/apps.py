from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # erp's import framework knows orders' importers only through its registry.
        from erp.imports import register
        from orders.services import customer_import

        register(customer_import.IMPORTER)
