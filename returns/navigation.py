"""returns' entries in the menu (registered from `ReturnsConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

from erp.navigation import NavItem, register
from returns.permissions import FLOOR, SETTINGS, SUPERVISORS, VIEWERS
from returns.views.credits import READERS


def register_all() -> None:
    register(
        NavItem(_("Scanner"), _("Return receipt"), "returns:receive_find", FLOOR, 150),
        NavItem(_("Scanner"), _("Return inspection"), "returns:inspection_list", FLOOR, 155),
        NavItem(_("Returns"), _("RMAs"), "returns:rma_list", VIEWERS, 400),
        NavItem(_("Returns"), _("Returns queue"), "returns:queue", SUPERVISORS, 410),
        NavItem(
            _("Returns"), _("Supplier returns"), "returns:supplier_return_list", SUPERVISORS, 420
        ),
        NavItem(_("Returns"), _("Credits"), "returns:credit_list", READERS, 430),
        NavItem(_("Returns"), _("Return reasons"), "returns:reasons", VIEWERS, 440),
        NavItem(_("Settings"), _("Returns policy"), "returns:settings", SETTINGS, 970),
        NavItem(_("Settings"), _("Customer return terms"), "returns:policy_list", SETTINGS, 971),
        NavItem(_("Settings"), _("Return routing"), "returns:rule_list", SETTINGS, 972),
    )
