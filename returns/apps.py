from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "returns"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from erp.api.site import api
        from returns import api as returns_api

        api.add_router("", returns_api.router)

        from erp.demo_registry import DemoStep
        from erp.demo_registry import register as register_demo
        from returns import demo

        # After the outbound demo has shipped an order (warehouse.outbound, 60) and the
        # later warehouse steps have taken the stock they need.
        register_demo(DemoStep("returns.rmas", 80, demo.load))

        from returns import navigation

        navigation.register_all()
