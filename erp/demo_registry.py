"""The demo data apps contribute: `load_demo` runs each app's steps per tenant, in order.

An app registers its steps from its `AppConfig.ready()`, as importers are registered
(erp/imports/registry.py), so `erp` loads every app's demo data without importing any app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from erp.models import Tenant


@dataclass(frozen=True)
class DemoStep:
    name: str  # "<app>.<what>", unique
    # Steps run in ascending order within each tenant; a step may rely on every lower one
    # (a wave needs the sales orders, which need the items). Gaps leave room between apps.
    order: int
    load: Callable[[Tenant], object]  # idempotent: a second run changes nothing


_steps: dict[str, DemoStep] = {}


def register(step: DemoStep) -> DemoStep:
    existing = _steps.get(step.name)
    if existing is not None and existing != step:
        raise ImproperlyConfigured(f"Two demo steps registered as {step.name!r}.")
    _steps[step.name] = step
    return step


def steps() -> list[DemoStep]:
    return sorted(_steps.values(), key=lambda s: (s.order, s.name))
