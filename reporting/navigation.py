"""reporting's entries in the menu (registered from `ReportingConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

from erp.navigation import NavItem, register
from inventory.permissions import VALUERS
from reporting.permissions import AUDIT_READERS, KPI_READERS, TRACERS


def register_all() -> None:
    register(
        NavItem(_("Reports"), _("Lot and serial trace"), "reporting:trace", TRACERS, 790),
        NavItem(_("Reports"), _("Audit trail"), "reporting:audit_trail", AUDIT_READERS, 850),
        NavItem(_("Reports"), _("Write-off register"), "finance:write_off_register", VALUERS, 840),
        NavItem(_("Reports"), _("Service level"), "reporting:service_level", KPI_READERS, 800),
        NavItem(_("Reports"), _("Backorder aging"), "reporting:backorder_aging", KPI_READERS, 801),
        NavItem(_("Reports"), _("Order cycle time"), "reporting:cycle_time", KPI_READERS, 802),
        NavItem(_("Reports"), _("Throughput"), "reporting:throughput", KPI_READERS, 803),
        NavItem(_("Reports"), _("Inventory accuracy"), "reporting:inventory_accuracy",
                KPI_READERS, 830),
        NavItem(_("Reports"), _("Turns and carrying cost"), "reporting:turns", KPI_READERS, 831),
        NavItem(_("Reports"), _("Excess and dead stock"), "reporting:excess_and_dead",
                KPI_READERS, 832),
        NavItem(_("Reports"), _("Supplier scorecard"), "reporting:supplier_scorecard",
                KPI_READERS, 833),
    )  # fmt: skip
