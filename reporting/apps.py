from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from erp.navigation import NavItem, register
        from inventory.permissions import VALUERS

        register(
            NavItem(
                _("Inventory"), _("Adjustments & write-offs"), "finance:write_off_register",
                VALUERS, 445,
            ),
        )  # fmt: skip
