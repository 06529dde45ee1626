from django.apps import AppConfig


class ErpConfig(AppConfig):
    name = "erp"
    verbose_name = "Stockline platform"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from erp import db  # noqa: F401  (connects the role check to connection_created)
        from erp.navigation import register_own

        register_own()

        # Alerts over every app's demo data, after all of it (apps register from 10 to 900).
        from erp.alerts import demo as alerts_demo
        from erp.demo_registry import DemoStep
        from erp.demo_registry import register as register_demo

        register_demo(DemoStep("erp.alerts", 990, alerts_demo.load))
