"""purchasing's entries in the menu (registered from `PurchasingConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

from erp.navigation import NavItem, register
from purchasing.permissions import BUYERS, SETTINGS, VIEWERS


def register_all() -> None:
    register(
        NavItem(_("Purchasing"), _("Purchase orders"), "purchasing:order_list", VIEWERS, 500),
        NavItem(
            _("Purchasing"), _("Reorder suggestions"), "purchasing:suggestion_list", BUYERS, 505
        ),
        NavItem(_("Purchasing"), _("Suppliers"), "purchasing:supplier_list", VIEWERS, 510),
        NavItem(_("Purchasing"), _("Supplier import"), "purchasing:supplier_import", BUYERS, 520),
        NavItem(
            _("Purchasing"),
            _("Supplier item import"),
            "purchasing:supplier_item_import",
            BUYERS,
            530,
        ),
        NavItem(_("Settings"), _("Purchasing"), "purchasing:purchasing_settings", SETTINGS, 920),
        NavItem(_("Settings"), _("Planning"), "purchasing:service_levels", SETTINGS, 925),
    )
