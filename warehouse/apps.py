from django.apps import AppConfig


class WarehouseConfig(AppConfig):
    name = "warehouse"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from erp.api.site import api
        from warehouse.api import router as warehouse_api

        api.add_router("", warehouse_api)

        from erp.demo_registry import DemoStep
        from erp.demo_registry import register as register_demo
        from warehouse import demo

        register_demo(DemoStep("warehouse.inbound", 40, demo.load_inbound))
        # A released wave needs the released sales orders (orders.sales, 50).
        register_demo(DemoStep("warehouse.outbound", 60, demo.load_outbound))
        register_demo(DemoStep("warehouse.counts", 70, demo.load_counts))
        # Faces replenished from the stock the earlier steps put in reserve.
        register_demo(DemoStep("warehouse.replenishment", 75, demo.load_replenishment))
        # Trouble on the floor for the alert inbox, once the wave and the faces are there.
        from warehouse import alerts_demo

        register_demo(DemoStep("warehouse.alerts", 78, alerts_demo.load))

        from erp.imports import register as register_import
        from warehouse.replenishment import face_import

        register_import(face_import.IMPORTER)

        # After the wave, so the transfer takes only stock no order has reserved.
        from warehouse.transfers import demo as transfers_demo

        register_demo(DemoStep("warehouse.transfers", 65, transfers_demo.load))

        from warehouse import navigation

        navigation.register_all()

        # Each flow tells the task queue how its work is opened, started and cancelled.
        from warehouse.counting import work as counting_work
        from warehouse.picking import work as picking_work
        from warehouse.putaway import work as putaway_work
        from warehouse.replenishment import work as replenishment_work
        from warehouse.transfers import work as transfers_work

        putaway_work.register()
        picking_work.register()
        counting_work.register()
        replenishment_work.register()
        transfers_work.register()

        from warehouse import alerts

        alerts.register_all()

        # Planners' accepted transfer suggestions become draft transfers here.
        from purchasing.planning.hooks import register_transfer_maker
        from warehouse.transfers import planning as transfer_planning

        register_transfer_maker(transfer_planning.make_draft)
