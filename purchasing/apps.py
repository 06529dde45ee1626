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
        # The rush of sales before the segments (inventory.segments, 900) so they count it; the
        # run after them, since service levels follow the segments.
        from purchasing import demo_planning

        register_demo(DemoStep("purchasing.rush", 880, demo_planning.load_rush))
        register_demo(DemoStep("purchasing.planning", 910, demo_planning.load))

        from purchasing import navigation

        navigation.register_all()

        from purchasing import alerts

        alerts.register_all()

        from erp.api.site import api
        from purchasing.api import ROUTERS

        for router in ROUTERS:
            api.add_router("", router)
