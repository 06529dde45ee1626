"""The navigation menu: which sections each role sees (views enforce the same roles).

Each app contributes its links from its `AppConfig.ready()` through `register`, with the
roles from its own policy module (`<app>/permissions.py`), so `erp` names no app's URLs.
Member pages link to what other apps set per membership through `register_member_link`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erp.roles import ALL_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    section: str
    label: str
    url_name: str
    roles: frozenset[Role]
    # Sections appear in the order of their first link, links in ascending order: apps
    # registering in any order still build the same menu.
    order: int


@dataclass(frozen=True)
class MemberLink:
    """A link on a member's page to a setting another app keeps per membership."""

    term: str  # the fact's name on the page ("Default site")
    label: str
    url_name: str  # takes the membership's pk
    order: int

    def url(self, membership_pk: int) -> str:
        return reverse(self.url_name, args=[membership_pk])


_items: dict[str, NavItem] = {}
_member_links: dict[str, MemberLink] = {}


def register(*items: NavItem) -> None:
    for item in items:
        existing = _items.get(item.url_name)
        if existing is not None and existing != item:
            raise ImproperlyConfigured(f"Two menu entries registered for {item.url_name!r}.")
        _items[item.url_name] = item


def register_member_link(link: MemberLink) -> None:
    _member_links[link.url_name] = link


def nav_items() -> list[NavItem]:
    return sorted(_items.values(), key=lambda item: (item.order, item.url_name))


def member_links() -> list[MemberLink]:
    return sorted(_member_links.values(), key=lambda link: (link.order, link.url_name))


def register_own() -> None:
    """erp's own pages (called from erp's `ready()`)."""
    admins = frozenset({Role.ADMIN})
    register(
        NavItem(_("Home"), _("Dashboard"), "home", ALL_ROLES, 0),
        NavItem(_("Home"), _("Alerts"), "alerts:inbox", ALL_ROLES, 5),
        NavItem(_("Home"), _("Alert e-mails"), "alerts:subscriptions", ALL_ROLES, 6),
        NavItem(_("Home"), _("Your exports"), "exports:list", ALL_ROLES, 7),
        NavItem(_("Settings"), _("Organisation"), "organisation", admins, 900),
        NavItem(_("Settings"), _("Users"), "users:list", admins, 1000),
        NavItem(_("Settings"), _("Alerts"), "alerts:settings", admins, 1005),
        NavItem(_("Settings"), _("API tokens"), "api_tokens:list", admins, 1007),
        NavItem(_("Settings"), _("Webhooks"), "webhooks:list", admins, 1008),
        NavItem(_("Settings"), _("System health"), "health", admins, 1010),
    )


def menu_for(role: str | None, current_path: str) -> list[dict]:
    """Sections with their links for `role`, marking the link of the current page."""
    sections: dict[str, list[dict]] = {}
    if role is None:
        return []
    links = []
    for item in nav_items():
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
