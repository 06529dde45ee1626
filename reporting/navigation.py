"""reporting's entries in the menu (registered from `ReportingConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

from erp.navigation import NavItem, register
from reporting.permissions import AUDIT_READERS


def register_all() -> None:
    register(NavItem(_("Reports"), _("Audit trail"), "reporting:audit_trail", AUDIT_READERS, 800))
