"""inventory's entries in the menu (registered from `InventoryConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

from erp.navigation import MemberLink, NavItem, register, register_member_link
from inventory.permissions import (
    ADJUSTERS,
    DESK,
    FLOOR,
    ITEM_EDITORS,
    LEDGER_READERS,
    SEGMENT_READERS,
    SETTINGS,
    VALUERS,
)


def register_all() -> None:
    register(
        NavItem(_("Scanner"), _("Move stock"), "inventory:scan_move", FLOOR, 150),
        NavItem(_("Inventory"), _("Items"), "inventory:item_list", DESK, 400),
        NavItem(_("Inventory"), _("Item import"), "inventory:item_import", ITEM_EDITORS, 410),
        NavItem(_("Inventory"), _("Stock on hand"), "inventory:stock_list", DESK, 420),
        NavItem(_("Inventory"), _("Ledger"), "inventory:transaction_list", LEDGER_READERS, 430),
        NavItem(_("Inventory"), _("Valuation"), "inventory:valuation", VALUERS, 440),
        NavItem(_("Inventory"), _("Adjustments"), "inventory:adjustment_list", ADJUSTERS, 450),
        NavItem(
            _("Inventory"), _("ABC/XYZ segments"), "inventory:segment_list", SEGMENT_READERS, 460
        ),
        NavItem(
            _("Settings"), _("Inventory settings"), "inventory:inventory_settings", SETTINGS, 910
        ),
        NavItem(_("Settings"), _("Sites"), "inventory:site_list", SETTINGS, 960),
        NavItem(_("Settings"), _("Zones"), "inventory:zone_list", SETTINGS, 970),
        NavItem(_("Settings"), _("Bins"), "inventory:bin_list", SETTINGS, 980),
        NavItem(_("Settings"), _("Bin import"), "inventory:bin_import", SETTINGS, 990),
    )
    register_member_link(
        MemberLink(
            _("Default site"), _("Set the site this member starts at"), "inventory:member_site", 10
        )
    )
