from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from reporting import dashboards, navigation

        navigation.register_all()
        dashboards.register_all()
        # Each area's measures register their snapshot keys when imported.
        import reporting.measures.service
        import reporting.measures.stock
        import reporting.measures.supplier  # noqa: F401
