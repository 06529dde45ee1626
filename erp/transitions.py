"""Declared state machines: each document's allowed transitions as one table in its app.

An app declares `{action: transition(sources, target, roles, ...)}` for a status field and
moves documents only through `Machine.move`, so the rule a service enforces is the rule a
page offers (`Machine.allowed`). Each move records who made it and why in the document's
history (django-simple-history), whichever process made it.

Beyond one source set and one target, a row may say:
- several targets, when the document's own facts decide where the action lands (an order's
  allocation leaves it allocated or partially allocated): the caller names the one its facts
  give (`target=`), and the machine checks that the table allows it;
- a `guard` on facts the caller gives (an order's quantity totals): the page offers the
  action only when it holds, and the service is refused when it does not;
- `system`: the system may take the action with no user (an allocation run after a receipt);
- `keeps`: statuses the action may run from without moving the document (allocating an
  order already on the floor; unpacking a carton, which drops it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from erp.errors import InvalidTransition
from erp.roles import Role, membership_for, require_role

HISTORY_REASON_LENGTH = 100  # simple_history's history_change_reason column


@dataclass(frozen=True)
class Transition:
    """`sources` -> one of `targets`, by a member holding one of `roles` (see the module).

    `label` and `style` name the page's button; an action without a label is one the system
    takes on someone's behalf (a receipt filling an order), never offered as a button.
    `outcome` words the target in a refusal where the status alone would not say which action
    was refused ("approved" for an approval that posts, "unpacked" for a carton dropped).
    """

    sources: frozenset[str]
    targets: frozenset[str]
    roles: frozenset[Role]
    label: str = ""
    style: str = ""
    outcome: str = ""
    guard: Callable[[Any], bool] | None = None
    system: bool = False
    keeps: frozenset[str] = frozenset()
    name: str = field(default="", compare=False)

    @property
    def target(self) -> str:
        """The only target of an action that has one."""
        (target,) = self.targets
        return target


def transition(
    sources: Iterable[str], target: str | Iterable[str] | None, roles: Iterable[Role], *,
    label: str = "", style: str = "", outcome: str = "", guard: Callable[[Any], bool] | None = None,
    system: bool = False, keeps: Iterable[str] = (),
) -> Transition:  # fmt: skip
    """One row of a table; `target` is a status, several, or None for an action that only
    `keeps` its document where it is."""
    if target is None:
        targets = frozenset()
    elif isinstance(target, str):
        targets = frozenset({target})
    else:
        targets = frozenset(target)
    return Transition(
        frozenset(sources), targets, frozenset(roles), label, style, outcome, guard, system,
        frozenset(keeps),
    )  # fmt: skip


def _action_name(step: Transition) -> str:
    return step.name


class Machine:
    """The transitions of one status field. `describe(document)` names the document in
    messages ("PO-001234"); `display(value)` words a status ("partially received");
    `recorded_as(transition)` is what its history rows give as the reason (the action's name
    unless the app words it otherwise)."""

    def __init__(
        self, *, field: str, choices: type[models.TextChoices], table: Mapping[str, Transition],
        describe: Callable[[Any], str] = str,
        recorded_as: Callable[[Transition], str] = _action_name,
    ) -> None:  # fmt: skip
        self.field = field
        self.choices = choices
        self.describe = describe
        self.recorded_as = recorded_as
        self.table = {name: dataclasses.replace(t, name=name) for name, t in table.items()}

    def display(self, value: str) -> str:
        return str(self.choices(value).label).lower()

    def status(self, document) -> str:
        return getattr(document, self.field)

    def can(self, document, action: str) -> bool:
        """Whether `action` may run from the status `document` has (roles aside)."""
        step = self.table[action]
        return self.status(document) in step.sources | step.keeps

    def authorize(self, *, tenant, user, action: str) -> None:
        """Raise `RoleRequired` unless `user` may take `action` in `tenant`; no user is the
        system, which may take only the actions the table marks `system`."""
        step = self.table[action]
        if user is None and step.system:
            return
        require_role(tenant=tenant, user=user, roles=step.roles)

    def check(
        self, document, action: str, *, tenant, user, target: str | None = None, facts=None
    ) -> str | None:
        """The status `action` takes `document` to as it stands: its only target unless
        `target` names one of several; None when it stays where it is (a status the action
        `keeps`, or the target it has already). Raises `RoleRequired` or `InvalidTransition`
        ("PO-1 cannot go from draft to sent."), changing nothing. The guard is checked
        when `facts` are given."""
        step = self.table[action]
        current = self.status(document)
        if user is None and not step.system:
            raise self._refusal(document, step, target)
        self.authorize(tenant=tenant, user=user, action=action)
        if target is None and current not in step.keeps:
            if len(step.targets) == 1:
                target = step.target
            elif current in step.sources:
                raise ValueError(f"{action} has several targets: name the one to take.")
        if target is None or target == current:
            if current not in step.sources | step.keeps:
                raise self._refusal(document, step, target)
            moving = None
        elif current in step.sources and target in step.targets:
            moving = target
        else:
            raise self._refusal(document, step, target)
        if facts is not None and step.guard is not None and not step.guard(facts):
            raise self._refusal(document, step, target)
        return moving

    def move(
        self, document, action: str, *, tenant, user, target: str | None = None, facts=None,
        reason: str = "",
    ) -> bool:  # fmt: skip
        """Take `action` on `document` (locked by the caller), which the caller then saves;
        whether its status changed. Raises what `check` raises, changing nothing then.
        History records `user` and the action (with `reason`) on the caller's save, moved or
        not (a batch taken over stays claimed; a carton unpacked is deleted)."""
        moving = self.check(document, action, tenant=tenant, user=user, target=target, facts=facts)
        if moving is not None:
            setattr(document, self.field, moving)
        if user is not None:
            document._history_user = user
        recorded = str(self.recorded_as(self.table[action]))
        why = f"{recorded}: {reason.strip()}" if reason.strip() else recorded
        document._change_reason = why[:HISTORY_REASON_LENGTH]
        return moving is not None

    def allowed(self, document, *, tenant, user, facts=None) -> list[Transition]:
        """The actions a person may offer on `document` now, in table order (buttons); a
        guarded one only when the `facts` given satisfy its guard."""
        membership = membership_for(tenant=tenant, user=user)
        role = membership.role if membership is not None else None
        return [
            step
            for step in self.table.values()
            if step.label
            and role in step.roles
            and self.can(document, step.name)
            and (step.guard is None or (facts is not None and step.guard(facts)))
        ]

    def _refusal(self, document, step: Transition, target: str | None) -> InvalidTransition:
        if step.outcome:
            word = str(step.outcome)
        elif target is not None or len(step.targets) == 1:
            word = self.display(target if target is not None else step.target)
        else:
            word = step.name
        return InvalidTransition(
            document=self.describe(document),
            current=self.display(self.status(document)),
            target=word,
        )
