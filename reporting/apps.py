from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


def _drop_audit_view(sender, **kwargs) -> None:
    from reporting import audit_view

    audit_view.drop_view(using=kwargs.get("using", "default"))


def _create_audit_view(sender, **kwargs) -> None:
    from reporting import audit_view

    audit_view.create_view(using=kwargs.get("using", "default"))


class ReportingConfig(AppConfig):
    name = "reporting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from reporting import dashboards, navigation

        navigation.register_all()

        # The audit trail's view holds columns of every history table: out of the way while
        # migrations change them, built again (with any new history table) once they have run.
        pre_migrate.connect(_drop_audit_view, sender=self, dispatch_uid="reporting.audit.drop")
        post_migrate.connect(_create_audit_view, sender=self, dispatch_uid="reporting.audit.create")
        dashboards.register_all()
        # Each area's measures register their snapshot keys when imported.
        import reporting.measures.service
        import reporting.measures.stock
        import reporting.measures.supplier  # noqa: F401
