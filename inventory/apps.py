from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "inventory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # erp's import framework knows inventory's importers only through its registry.
        from erp.imports import register
        from inventory.services import bin_import, item_import

        register(bin_import.IMPORTER)
        register(item_import.IMPORTER)

        from erp.api.site import api
        from inventory import api as inventory_api

        api.add_router("", inventory_api.router)

        from erp.demo_registry import DemoStep
        from erp.demo_registry import register as register_demo
        from inventory import demo, demo_segments, demo_stock

        register_demo(DemoStep("inventory.places", 10, demo.load))
        register_demo(DemoStep("inventory.stock", 20, demo_stock.load))
        register_demo(DemoStep("inventory.history", 25, demo_segments.load_history))
        # Last: the segments read every shipment the other apps' demo steps post.
        register_demo(DemoStep("inventory.segments", 900, demo_segments.load_segments))

        from inventory import navigation

        navigation.register_all()

        from inventory import alerts

        alerts.register_all()
