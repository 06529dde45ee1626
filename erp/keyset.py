"""Keyset pages: a page starts after (or before) the sort key of a row, never at an OFFSET.

An OFFSET page makes PostgreSQL produce and throw away every row before it, with whatever the
rows compute (subqueries in the select list included), so the last page of a long history costs
the whole history. A keyset page reads only its own rows from an index that matches the order:
First, Previous, Next and Last cost the same at any depth. What it gives up: page numbers and
the total count, which would need the whole history counted.

The cursor in the URL is the sort key of the boundary row, signed (`django.core.signing`, salted
with the table and its order), so a forged or stale cursor is refused (the first page is shown),
never turned into SQL. Every key must be a non-null column, and the order must end in the
primary key, which makes it total: two rows with equal `posted_at` still page in one order.
"""

from __future__ import annotations

import datetime
import decimal
import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import reduce

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet

FORWARD, BACKWARD, LAST = "n", "p", "l"
MAX_CURSOR = 500  # characters: a signed cursor of a few keys is far shorter


@dataclass
class KeysetPage:
    """One page of rows in display order, with the cursors of its neighbours (None: no link)."""

    object_list: list
    next_cursor: str | None = None
    previous_cursor: str | None = None
    has_first: bool = False  # whether a "First" link leads anywhere else
    has_last: bool = False
    notice: str = ""  # e.g. why a cursor from the URL was not used
    rows_shown: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.rows_shown = len(self.object_list)

    def __iter__(self) -> Iterator:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def _key_name(n: int) -> str:
    return f"keyset_{n}"


def _encode(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


class Keyset:
    """Pages of `queryset` in the order `keys` (order_by strings, the last one the pk)."""

    def __init__(self, queryset: QuerySet, keys: Sequence[str], *, salt: str, per_page: int):
        self.keys = [k.lstrip("-") for k in keys]
        self.descending = [k.startswith("-") for k in keys]
        if self.keys[-1] not in ("pk", "id"):
            raise ValueError("A keyset order must end in the primary key, to be total.")
        self.salt = f"erp.keyset:{salt}:{','.join(keys)}"
        self.per_page = per_page
        # The key values ride along as annotations, so a key across a join (`transaction__x`)
        # needs no select_related to build the next cursor.
        self.queryset = queryset.annotate(**{_key_name(n): F(k) for n, k in enumerate(self.keys)})
        self.fields = [
            self.queryset.query.annotations[_key_name(n)].output_field
            for n in range(len(self.keys))
        ]
        for key, output in zip(self.keys, self.fields, strict=True):
            if getattr(output, "null", False):
                raise ValueError(f"Keyset key {key} may be NULL; rows would fall between pages.")

    # --- cursors -----------------------------------------------------------------------------

    def _cursor(self, direction: str, row=None) -> str:
        values = (
            []
            if row is None
            else [_encode(getattr(row, _key_name(n))) for n in range(len(self.keys))]
        )
        return signing.dumps([direction, values], salt=self.salt, compress=False)

    def _read(self, cursor: str) -> tuple[str, list] | None:
        if len(cursor) > MAX_CURSOR:
            return None
        try:
            direction, values = signing.loads(cursor, salt=self.salt)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        if direction == LAST and values == []:
            return direction, []
        if direction not in (FORWARD, BACKWARD) or not isinstance(values, list):
            return None
        if len(values) != len(self.keys):
            return None
        try:
            return direction, [f.to_python(v) for f, v in zip(self.fields, values, strict=True)]
        except (ValidationError, TypeError, ValueError):
            return None

    # --- queries -----------------------------------------------------------------------------

    def ordered(self, reverse: bool = False) -> QuerySet:
        return self.queryset.order_by(
            *(
                f"{'-' if desc != reverse else ''}{_key_name(n)}"
                for n, desc in enumerate(self.descending)
            )
        )

    def _beyond(self, values: list, reverse: bool) -> Q:
        """Rows strictly after `values` in the order (before them when `reverse`).

        Expanded as (a > x) OR (a = x AND b > y) ..., which allows mixed directions, plus the
        redundant bound a >= x on the leading key: without it PostgreSQL cannot start the
        index scan at the cursor and walks every row before it, as an OFFSET would.
        """
        branches = []
        equal = Q()
        for n, desc in enumerate(self.descending):
            name = _key_name(n)
            lookup = "lt" if desc != reverse else "gt"
            branches.append(equal & Q(**{f"{name}__{lookup}": values[n]}))
            equal &= Q(**{name: values[n]})
        leading = "lte" if self.descending[0] != reverse else "gte"
        return Q(**{f"{_key_name(0)}__{leading}": values[0]}) & reduce(operator.or_, branches)

    def _fetch(self, *, reverse: bool, values: list | None = None) -> list:
        rows = self.ordered(reverse)
        if values is not None:
            rows = rows.filter(self._beyond(values, reverse))
        return list(rows[: self.per_page + 1])

    def page(self, cursor: str | None) -> KeysetPage:
        read = self._read(cursor) if cursor else None
        notice = (
            "" if read or not cursor else "That page link is no longer valid: first page shown."
        )
        if read is None:
            return self._first(notice)
        direction, values = read
        n = self.per_page
        if direction == LAST:
            rows = self._fetch(reverse=True)
            more = len(rows) > n
            shown = rows[:n][::-1]
            return self._make(shown, before=more, after=False)
        if direction == FORWARD:
            rows = self._fetch(reverse=False, values=values)
            return self._make(rows[:n], before=True, after=len(rows) > n)
        rows = self._fetch(reverse=True, values=values)
        if len(rows) <= n:
            # Back at the start: the first page proper, so Previous then Next retraces the
            # pages of Next and does not leave a short page in front.
            return self._first("")
        return self._make(rows[:n][::-1], before=True, after=True)

    def _first(self, notice: str) -> KeysetPage:
        rows = self._fetch(reverse=False)
        page = self._make(rows[: self.per_page], before=False, after=len(rows) > self.per_page)
        page.notice = notice
        return page

    def _make(self, rows: list, *, before: bool, after: bool) -> KeysetPage:
        return KeysetPage(
            object_list=rows,
            next_cursor=self._cursor(FORWARD, rows[-1]) if after and rows else None,
            previous_cursor=self._cursor(BACKWARD, rows[0]) if before and rows else None,
            has_first=before,
            has_last=after,
        )

    def last_cursor(self) -> str:
        return self._cursor(LAST)

    def cursor_after(self, row) -> str:
        """The cursor of the page that starts after `row` (a row of `self.queryset`)."""
        return self._cursor(FORWARD, row)
