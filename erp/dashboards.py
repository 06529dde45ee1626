"""The landing page's panels per role (issue 16): erp imports no app, so the apps that own
the figures (reporting, the top layer) register a panel provider per role from their
`AppConfig.ready()`, and the home view asks `panels_for(request)` without knowing who drew them.

A provider takes the request and returns its panels; a panel names the template that draws
it, its context, and, for figures that move during the shift, the URL of a GET partial the
page polls (`refresh_url`, every `refresh_seconds`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from erp.roles import Role


@dataclass
class Panel:
    key: str  # unique on a page; the element id of the panel
    title: str
    template: str  # draws the panel's body from `context`
    context: dict = field(default_factory=dict)
    refresh_url: str = ""  # a GET partial answering the same panel, polled when set
    refresh_seconds: int = 45


Provider = Callable[..., list[Panel]]

_providers: dict[str, list[tuple[int, Provider]]] = {}


def register(role: Role, provider: Provider, order: int = 0) -> None:
    """Show `provider`'s panels on the landing page of `role` (in ascending `order`)."""
    entries = _providers.setdefault(str(role), [])
    if all(existing is not provider for _, existing in entries):
        entries.append((order, provider))
        entries.sort(key=lambda entry: entry[0])


def has_dashboard(role: str | None) -> bool:
    return bool(role and _providers.get(str(role)))


def panels_for(request) -> list[Panel]:
    """The panels of the request's active role, in their registered order."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return []
    panels: list[Panel] = []
    for _, provider in _providers.get(str(membership.role), []):
        panels.extend(provider(request))
    return panels
