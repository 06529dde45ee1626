"""reporting's entries in the menu (registered from `ReportingConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

from erp.navigation import NavItem, register
from reporting.permissions import KPI_READERS


def register_all() -> None:
    register(
        NavItem(_("Reports"), _("Inventory accuracy"), "reporting:inventory_accuracy",
                KPI_READERS, 830),
        NavItem(_("Reports"), _("Turns and carrying cost"), "reporting:turns", KPI_READERS, 831),
        NavItem(_("Reports"), _("Excess and dead stock"), "reporting:excess_and_dead",
                KPI_READERS, 832),
        NavItem(_("Reports"), _("Supplier scorecard"), "reporting:supplier_scorecard",
                KPI_READERS, 833),
    )  # fmt: skip
