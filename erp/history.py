"""Readable change history of a model instance from django-simple-history: field values in
words (choice labels, the names of related objects, formatted numbers and dates)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models

from erp import formats, numbers

ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}
EMPTY = "—"


@dataclass
class Change:
    action: str
    user: object
    when: datetime.datetime
    fields: list[dict] = field(default_factory=list)
    reason: str = ""  # the action a state machine took, and why (`history_change_reason`)


def _words(model_field: models.Field, value, names: dict) -> str:
    """`value` of `model_field` as a person reads it; `names` maps (model, pk) to a name."""
    if value is None or value == "":
        return EMPTY
    if model_field.is_relation and model_field.many_to_one:
        return names.get((model_field.related_model, value), f"#{value} (deleted)")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return formats.moment(value)
    if isinstance(value, datetime.date):
        return formats.day(value)
    if isinstance(value, Decimal | float):
        return numbers.quantity(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _names(fields: dict[str, models.Field], deltas: list) -> dict:
    """One query per related model for every object the diffs refer to."""
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for delta in deltas:
        for change in delta.changes:
            model_field = fields.get(change.field)
            if model_field is not None and model_field.is_relation and model_field.many_to_one:
                wanted[model_field.related_model].update(
                    v for v in (change.old, change.new) if v is not None
                )
    names = {}
    for model, pks in wanted.items():
        # select_related(): names such as "site/bin" read their parents without a query each.
        for obj in model._default_manager.filter(pk__in=pks).select_related():
            names[(model, obj.pk)] = str(obj)
    return names


def changes(instance, *, limit: int = 50) -> list[Change]:
    """The latest `limit` changes of `instance`, newest first, each with its field diffs in
    words. Queries: the records, then one per kind of related object named in the diffs."""
    if instance.pk is None:  # not saved yet (settings showing their defaults): no history
        return []
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    # Each record beside the one before it; the oldest has none. A row written without its
    # history (a bulk load that bypassed it) has no records at all and shows no changes.
    pairs = list(zip(records, [*records[1:], None][: len(records)], strict=True))[:limit]
    return _in_words(type(instance), pairs)


def record_change(record) -> Change:
    """One history record (of any tracked model) in words, against the record before it of the
    same object: the audit trail's view of one change."""
    return _in_words(record.instance_type, [(record, record.prev_record)])[0]


def _in_words(model: type[models.Model], pairs: list) -> list[Change]:
    """Changes of (newer, older-or-None) record pairs; one query per kind of related object."""
    fields = {f.attname: f for f in model._meta.fields} | {f.name: f for f in model._meta.fields}
    deltas = {
        newer.pk: newer.diff_against(older, foreign_keys_are_objs=False)
        for newer, older in pairs
        if older is not None and newer.history_type == "~"
    }
    names = _names(fields, list(deltas.values()))
    result = []
    for newer, _older in pairs:
        change = Change(
            ACTIONS.get(newer.history_type, newer.history_type),
            newer.history_user,
            newer.history_date,
            reason=newer.history_change_reason or "",
        )
        delta = deltas.get(newer.pk)
        if delta is not None:
            for c in delta.changes:
                model_field = fields.get(c.field)
                if model_field is None:
                    change.fields.append({"label": c.field, "old": c.old, "new": c.new})
                    continue
                change.fields.append(
                    {
                        "label": str(model_field.verbose_name).capitalize(),
                        "old": _words(model_field, c.old, names),
                        "new": _words(model_field, c.new, names),
                    }
                )
        result.append(change)
    return result
