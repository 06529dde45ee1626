from django.apps import AppConfig


class ErpConfig(AppConfig):
    name = "erp"
    verbose_name = "Stockline platform"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from erp import db  # noqa: F401  (connects the role check to connection_created)
        from erp.navigation import register_own

        register_own()
