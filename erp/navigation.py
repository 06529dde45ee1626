"""The navigation menu: which sections each role sees (views enforce the same roles)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erp.roles import Role


@dataclass(frozen=True)
class NavItem:
    section: str
    label: str
    url_name: str
    roles: frozenset[Role]


A = Role.ADMIN
ITEM_READERS = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.FINANCE, A})
ITEM_EDITORS = frozenset({Role.PLANNER, A})
BUYERS = frozenset({Role.PLANNER, A})
SALES_READERS = frozenset({Role.SUPERVISOR, Role.PLANNER, Role.FINANCE, A})
SALES_EDITORS = frozenset({Role.SUPERVISOR, Role.PLANNER, A})
FLOOR = frozenset({Role.OPERATOR, Role.SUPERVISOR, A})
SUPERVISING = frozenset({Role.SUPERVISOR, A})

NAV: list[NavItem] = [
    NavItem(_("Home"), _("Dashboard"), "home", frozenset(Role)),
    NavItem(
        _("Scanner"),
        _("Receive"),
        "warehouse:receive_find",
        frozenset({Role.OPERATOR, Role.SUPERVISOR, A}),
    ),
    NavItem(
        _("Scanner"),
        _("Put away"),
        "warehouse:putaway_next",
        frozenset({Role.OPERATOR, Role.SUPERVISOR, A}),
    ),
    NavItem(_("Scanner"), _("Pick"), "warehouse:pick_next", FLOOR),
    NavItem(_("Scanner"), _("Pack"), "warehouse:pack_find", FLOOR),
    NavItem(_("Scanner"), _("Ship"), "warehouse:ship_find", FLOOR),
    NavItem(
        _("Receiving"),
        _("Inbound orders"),
        "warehouse:receiving_list",
        frozenset({Role.SUPERVISOR, A}),
    ),
    NavItem(
        _("Receiving"),
        _("Discrepancies"),
        "warehouse:discrepancy_list",
        frozenset({Role.SUPERVISOR, A}),
    ),
    NavItem(
        _("Receiving"),
        _("Putaway queue"),
        "warehouse:putaway_queue",
        frozenset({Role.SUPERVISOR, A}),
    ),
    NavItem(
        _("Receiving"),
        _("Quality inspection"),
        "warehouse:qc_list",
        frozenset({Role.SUPERVISOR, A}),
    ),
    NavItem(_("Outbound"), _("Waves"), "warehouse:wave_list", SUPERVISING),
    NavItem(_("Outbound"), _("Floor exceptions"), "warehouse:exception_list", SUPERVISING),
    NavItem(_("Outbound"), _("Packing queue"), "warehouse:packing_queue", SUPERVISING),
    NavItem(_("Outbound"), _("Shipping queue"), "warehouse:shipping_queue", SUPERVISING),
    NavItem(
        _("Scanner"),
        _("Move stock"),
        "inventory:scan_move",
        frozenset({Role.OPERATOR, Role.SUPERVISOR, A}),
    ),
    NavItem(_("Inventory"), _("Items"), "inventory:item_list", ITEM_READERS),
    NavItem(_("Inventory"), _("Item import"), "inventory:item_import", ITEM_EDITORS),
    NavItem(
        _("Inventory"),
        _("Stock on hand"),
        "inventory:stock_list",
        frozenset({Role.SUPERVISOR, Role.PLANNER, Role.FINANCE, A}),
    ),
    NavItem(
        _("Inventory"),
        _("Ledger"),
        "inventory:transaction_list",
        frozenset({Role.SUPERVISOR, Role.FINANCE, A}),
    ),
    NavItem(_("Inventory"), _("Valuation"), "inventory:valuation", frozenset({Role.FINANCE, A})),
    NavItem(
        _("Inventory"),
        _("Adjustments"),
        "inventory:adjustment_list",
        frozenset({Role.SUPERVISOR, A}),
    ),
    NavItem(
        _("Purchasing"),
        _("Purchase orders"),
        "purchasing:order_list",
        frozenset({Role.SUPERVISOR, Role.PLANNER, Role.FINANCE, A}),
    ),
    NavItem(
        _("Purchasing"),
        _("Suppliers"),
        "purchasing:supplier_list",
        frozenset({Role.SUPERVISOR, Role.PLANNER, Role.FINANCE, A}),
    ),
    NavItem(_("Purchasing"), _("Supplier import"), "purchasing:supplier_import", BUYERS),
    NavItem(
        _("Purchasing"),
        _("Supplier item import"),
        "purchasing:supplier_item_import",
        BUYERS,
    ),
    NavItem(_("Sales"), _("Sales orders"), "orders:order_list", SALES_READERS),
    NavItem(_("Sales"), _("Order pool"), "orders:order_pool", SALES_EDITORS),
    NavItem(_("Sales"), _("Backorders"), "orders:backorder_list", SALES_READERS),
    NavItem(_("Sales"), _("Customers"), "orders:customer_list", SALES_READERS),
    NavItem(_("Sales"), _("Customer import"), "orders:customer_import", SALES_EDITORS),
    NavItem(_("Settings"), _("Organisation"), "organisation", frozenset({A})),
    NavItem(_("Settings"), _("Inventory settings"), "inventory:inventory_settings", frozenset({A})),
    NavItem(_("Settings"), _("Purchasing"), "purchasing:purchasing_settings", frozenset({A})),
    NavItem(_("Settings"), _("Receiving policy"), "warehouse:receiving_settings", frozenset({A})),
    NavItem(_("Settings"), _("Putaway rules"), "warehouse:rule_list", frozenset({A})),
    NavItem(_("Settings"), _("Shipping"), "warehouse:shipping_settings", frozenset({A})),
    NavItem(_("Settings"), _("Sites"), "inventory:site_list", frozenset({A})),
    NavItem(_("Settings"), _("Zones"), "inventory:zone_list", frozenset({A})),
    NavItem(_("Settings"), _("Bins"), "inventory:bin_list", frozenset({A})),
    NavItem(_("Settings"), _("Bin import"), "inventory:bin_import", frozenset({A})),
    NavItem(_("Settings"), _("Users"), "users:list", frozenset({A})),
    NavItem(_("Settings"), _("System health"), "health", frozenset({A})),
]


def menu_for(role: str | None, current_path: str) -> list[dict]:
    """Sections with their links for `role`, marking the link of the current page."""
    sections: dict[str, list[dict]] = {}
    if role is None:
        return []
    links = []
    for item in NAV:
        if role not in item.roles:
            continue
        url = reverse(item.url_name)
        link = {"label": item.label, "url": url, "active": False}
        sections.setdefault(str(item.section), []).append(link)
        links.append(link)
    # The longest matching link wins, so /items/import/ marks "Item import", not "Items" too.
    matching = [
        link
        for link in links
        if current_path == link["url"]
        or (link["url"] != "/" and current_path.startswith(link["url"]))
    ]
    if matching:
        max(matching, key=lambda link: len(link["url"]))["active"] = True
    return [{"title": title, "links": links} for title, links in sections.items()]
