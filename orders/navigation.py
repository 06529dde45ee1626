"""orders' entries in the menu (registered from `OrdersConfig.ready()`)."""

from django.utils.translation import gettext_lazy as _

from erp.navigation import NavItem, register
from orders.permissions import EDITORS, VIEWERS


def register_all() -> None:
    register(
        NavItem(_("Sales"), _("Sales orders"), "orders:order_list", VIEWERS, 600),
        NavItem(_("Sales"), _("Order pool"), "orders:order_pool", EDITORS, 610),
        NavItem(_("Sales"), _("Backorders"), "orders:backorder_list", VIEWERS, 620),
        NavItem(_("Sales"), _("Customers"), "orders:customer_list", VIEWERS, 630),
        NavItem(_("Sales"), _("Customer import"), "orders:customer_import", EDITORS, 640),
    )
