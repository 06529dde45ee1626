"""warehouse's entries in the menu (registered from `WarehouseConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

from erp.navigation import NavItem, register
from warehouse.permissions import FLOOR, SETTINGS, SUPERVISORS


def register_all() -> None:
    register(
        NavItem(_("Scanner"), _("My work"), "warehouse:my_work", FLOOR, 90),
        NavItem(_("Scanner"), _("Receive"), "warehouse:receive_find", FLOOR, 100),
        NavItem(_("Scanner"), _("Put away"), "warehouse:putaway_next", FLOOR, 110),
        NavItem(_("Scanner"), _("Pick"), "warehouse:pick_next", FLOOR, 120),
        NavItem(_("Scanner"), _("Pack"), "warehouse:pack_find", FLOOR, 130),
        NavItem(_("Scanner"), _("Ship"), "warehouse:ship_find", FLOOR, 140),
        NavItem(_("Scanner"), _("Transfers"), "warehouse:transfer_scan", FLOOR, 145),
        NavItem(_("Floor"), _("Work queue"), "warehouse:work_queue", SUPERVISORS, 190),
        NavItem(_("Floor"), _("Counts"), "warehouse:count_list", SUPERVISORS, 195),
        NavItem(_("Floor"), _("Count accuracy"), "warehouse:count_accuracy", SUPERVISORS, 196),
        NavItem(_("Floor"), _("Replenishment"), "warehouse:replenish_queue", SUPERVISORS, 192),
        NavItem(_("Floor"), _("Pick face min/max"), "warehouse:face_list", SUPERVISORS, 194),
        NavItem(_("Floor"), _("Transfers"), "warehouse:transfer_list", SUPERVISORS, 197),
        NavItem(_("Receiving"), _("Inbound orders"), "warehouse:receiving_list", SUPERVISORS, 200),
        NavItem(_("Receiving"), _("Discrepancies"), "warehouse:discrepancy_list", SUPERVISORS, 210),
        NavItem(_("Receiving"), _("Putaway queue"), "warehouse:putaway_queue", SUPERVISORS, 220),
        NavItem(_("Receiving"), _("Quality inspection"), "warehouse:qc_list", SUPERVISORS, 230),
        NavItem(_("Outbound"), _("Waves"), "warehouse:wave_list", SUPERVISORS, 300),
        NavItem(_("Outbound"), _("Floor exceptions"), "warehouse:exception_list", SUPERVISORS, 310),
        NavItem(_("Outbound"), _("Packing queue"), "warehouse:packing_queue", SUPERVISORS, 320),
        NavItem(_("Outbound"), _("Shipping queue"), "warehouse:shipping_queue", SUPERVISORS, 330),
        NavItem(
            _("Settings"), _("Receiving policy"), "warehouse:receiving_settings", SETTINGS, 930
        ),
        NavItem(_("Settings"), _("Putaway rules"), "warehouse:rule_list", SETTINGS, 940),
        NavItem(_("Settings"), _("Shipping"), "warehouse:shipping_settings", SETTINGS, 950),
        NavItem(_("Settings"), _("Counting"), "warehouse:count_settings", SETTINGS, 960),
    )
