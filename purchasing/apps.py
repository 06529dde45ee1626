from django.apps import AppConfig


class PurchasingConfig(AppConfig):
    name = "purchasing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # erp's import framework knows purchasing's importers only through its registry.
        from erp.imports import register
        from purchasing.services import supplier_import, supplier_item_import

        register(supplier_import.IMPORTER)
        register(supplier_item_import.IMPORTER)

        from erp.demo_registry import DemoStep
        from erp.demo_registry import register as register_demo
        from purchasing import demo

        register_demo(DemoStep("purchasing.orders", 30, demo.load))

        from purchasing import navigation

        navigation.register_all()

        from purchasing import alerts

        alerts.register_all()
