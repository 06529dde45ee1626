"""reporting's entries in the menu (registered from `ReportingConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

from erp.navigation import NavItem, register
from inventory.permissions import VALUERS
from reporting.permissions import AUDIT_READERS, TRACERS


def register_all() -> None:
    register(
        NavItem(_("Reports"), _("Lot and serial trace"), "reporting:trace", TRACERS, 790),
        NavItem(_("Reports"), _("Audit trail"), "reporting:audit_trail", AUDIT_READERS, 800),
        NavItem(
            _("Inventory"),
            _("Adjustments & write-offs"),
            "finance:write_off_register",
            VALUERS,
            445,
        ),
    )
