"""Declared state machines: each document's allowed transitions as one table in its app.

An app declares `{action: Transition(sources, target, roles, ...)}` for a status field and
moves documents only through `Machine.move`, so the rule a service enforces is the rule a
page offers (`Machine.allowed`). Each move records who made it and why in the document's
history (django-simple-history), whichever process made it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import models

from erp.errors import InvalidTransition
from erp.roles import Role, membership_for, require_role

HISTORY_REASON_LENGTH = 100  # simple_history's history_change_reason column


@dataclass(frozen=True)
class Transition:
    """`sources` -> `target`, by a member holding one of `roles`.

    `label` and `style` name the page's button; an action without a label is one the system
    takes on someone's behalf (a receipt filling an order), never offered as a button.
    `outcome` words the target in a refusal where the status alone would not say which action
    was refused ("approved" for an approval that posts).
    """

    sources: frozenset[str]
    target: str
    roles: frozenset[Role]
    label: str = ""
    style: str = ""
    outcome: str = ""
    name: str = field(default="", compare=False)


def transition(
    sources: Iterable[str], target: str, roles: Iterable[Role], *, label: str = "", style: str = "",
    outcome: str = "",
) -> Transition:  # fmt: skip
    return Transition(frozenset(sources), target, frozenset(roles), label, style, outcome)


class Machine:
    """The transitions of one status field. `describe(document)` names the document in
    messages ("PO-001234"); `display(value)` words a status ("partially received")."""

    def __init__(
        self, *, field: str, choices: type[models.TextChoices], table: Mapping[str, Transition],
        describe=str,
    ) -> None:  # fmt: skip
        self.field = field
        self.choices = choices
        self.describe = describe
        self.table = {
            name: Transition(t.sources, t.target, t.roles, t.label, t.style, t.outcome, name)
            for name, t in table.items()
        }

    def display(self, value: str) -> str:
        return str(self.choices(value).label).lower()

    def status(self, document) -> str:
        return getattr(document, self.field)

    def can(self, document, action: str) -> bool:
        return self.status(document) in self.table[action].sources

    def authorize(self, *, tenant, user, action: str) -> None:
        """Raise `RoleRequired` unless `user` may take `action` in `tenant`."""
        require_role(tenant=tenant, user=user, roles=self.table[action].roles)

    def check(self, document, action: str, *, tenant, user) -> None:
        """Raise `RoleRequired` or `InvalidTransition` ("PO-1 cannot go from draft to
        sent.") unless `user` may take `action` on `document` as it stands."""
        step = self.table[action]
        self.authorize(tenant=tenant, user=user, action=action)
        current = self.status(document)
        if current not in step.sources:
            raise InvalidTransition(
                document=self.describe(document),
                current=self.display(current),
                target=step.outcome or self.display(step.target),
            )

    def move(self, document, action: str, *, tenant, user, reason: str = "") -> None:
        """Take `action` on `document` (locked by the caller), which the caller then saves.

        Raises what `check` raises, changing nothing then. History records `user` and the
        action (with `reason`) on the caller's save.
        """
        self.check(document, action, tenant=tenant, user=user)
        setattr(document, self.field, self.table[action].target)
        document._history_user = user
        why = f"{action}: {reason.strip()}" if reason.strip() else action
        document._change_reason = why[:HISTORY_REASON_LENGTH]

    def allowed(self, document, *, tenant, user) -> list[Transition]:
        """The actions a person may offer on `document` now, in table order (buttons)."""
        membership = membership_for(tenant=tenant, user=user)
        role = membership.role if membership is not None else None
        return [
            step
            for step in self.table.values()
            if step.label and role in step.roles and self.status(document) in step.sources
        ]
