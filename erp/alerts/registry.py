"""The alert rules apps register (from their `AppConfig.ready()`): what each kind is called and
how it finds its current subjects. erp imports no app; each rule lives with its subject."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from erp.roles import Role


@dataclass(frozen=True)
class Finding:
    """One current subject of a rule: what is wrong, where to fix it, who must see it."""

    subject: str
    message: str
    link: str
    roles: frozenset[Role]


# find(*, tenant, now) -> every current subject, read in one set-based query.
FindFunction = Callable[..., Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    kind: str  # "<app>.<what>", stored on every alert
    label: str  # "Overdue receipts": the inbox filter and the subscriptions page
    find: FindFunction
    description: str = ""


_rules: dict[str, Rule] = {}


def register(*new: Rule) -> None:
    for rule in new:
        existing = _rules.get(rule.kind)
        if existing is not None and existing != rule:
            raise ImproperlyConfigured(f"Two alert rules registered for {rule.kind!r}.")
        _rules[rule.kind] = rule


def rules() -> list[Rule]:
    return sorted(_rules.values(), key=lambda rule: rule.label)


def rule_for(kind: str) -> Rule | None:
    return _rules.get(kind)


def label_for(kind: str) -> str:
    rule = _rules.get(kind)
    return str(rule.label) if rule else kind


def kind_choices() -> list[tuple[str, str]]:
    return [(rule.kind, str(rule.label)) for rule in rules()]


def days_late(due: datetime.date, today: datetime.date) -> str:
    days = (today - due).days
    return f"{days} day{'s' if days != 1 else ''} late"


def local_today(tenant, now: datetime.datetime) -> datetime.date:
    """The tenant's calendar day at `now`: "late" is by the distributor's clock."""
    from zoneinfo import ZoneInfo

    return now.astimezone(ZoneInfo(tenant.time_zone or "UTC")).date()
