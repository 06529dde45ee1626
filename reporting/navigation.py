"""reporting's entries in the menu (registered from `ReportingConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

from erp.navigation import NavItem, register
from reporting.permissions import TRACERS


def register_all() -> None:
    register(
        NavItem(_("Reports"), _("Lot and serial trace"), "reporting:trace", TRACERS, 790),
    )
