from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # erp's import framework knows orders' importers only through its registry.
        from erp.imports import register
        from orders.services import customer_import

        register(customer_import.IMPORTER)

        from erp.demo_registry import DemoStep
        from erp.demo_registry import register as register_demo
        from orders import demo

        # After the warehouse's receipts (40), as the demo has always been loaded.
        register_demo(DemoStep("orders.sales", 50, demo.load))

        from orders import navigation

        navigation.register_all()

        from orders import alerts

        alerts.register_all()

        from erp.api.site import api
        from orders.api import ROUTERS

        for router in ROUTERS:
            api.add_router("", router)
