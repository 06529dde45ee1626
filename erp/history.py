"""Readable change history of a model instance from django-simple-history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}


@dataclass
class Change:
    action: str
    user: object
    when: datetime
    fields: list[dict] = field(default_factory=list)


def changes(instance, *, limit: int = 50) -> list[Change]:
    """The latest `limit` changes of `instance`, newest first, each with its field diffs."""
    if instance.pk is None:  # not saved yet (settings showing their defaults): no history
        return []
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    labels = {f.name: str(f.verbose_name).capitalize() for f in instance._meta.fields}
    result = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        if len(result) == limit:
            break
        change = Change(
            ACTIONS.get(newer.history_type, newer.history_type),
            newer.history_user,
            newer.history_date,
        )
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older, foreign_keys_are_objs=False)
            change.fields = [
                {"label": labels.get(c.field, c.field), "old": c.old, "new": c.new}
                for c in delta.changes
            ]
        result.append(change)
    return result
