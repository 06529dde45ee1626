"""Cursor pages for API lists: keyset on (change time, id) or on id alone.

A cursor names the last row a page gave; the next page starts after it, so rows inserted
meanwhile never shift a page (as OFFSET would) and each page is one index range scan,
however deep. With `updated_since` a client syncs incrementally: rows changed at or after
that time, oldest change first; a row changed again while the client pages comes round
again at the end, which a sync wants.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import json
from typing import Annotated, TypeVar

from django.db.models import Q, QuerySet
from ninja import Field, Schema
from pydantic import BeforeValidator, create_model

from erp.api.errors import ApiError

MAX_LIMIT = 500
T = TypeVar("T")


def _iso_time(value):
    """ISO 8601 only: pydantic alone would read "0.5" as seconds after 1970."""
    if isinstance(value, str) and "T" in value:
        with contextlib.suppress(ValueError):
            value = datetime.datetime.fromisoformat(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            return value  # refused by `keyset` with its own code
        try:  # PostgreSQL takes offsets up to 15:59 only; UTC is the same instant
            return value.astimezone(datetime.UTC)
        except OverflowError:
            pass
    raise ValueError("an ISO 8601 date and time with its zone, e.g. 2026-11-30T08:00:00Z")


IsoTime = Annotated[datetime.datetime, BeforeValidator(_iso_time)]


class PageQuery(Schema):
    cursor: str | None = Field(None, description="next_cursor of the previous page")
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description="rows per page")
    updated_since: IsoTime | None = Field(
        None, description="only rows changed at or after this time (ISO 8601 with zone)"
    )


def page_of(item: type[Schema]) -> type[Schema]:
    """The page schema for `item`: `{"items": [...], "next_cursor": str | null}`."""
    return create_model(
        f"{item.__name__}Page",
        __base__=Schema,
        items=(list[item], ...),
        next_cursor=(str | None, None),
    )


def _encode(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _decode(cursor: str, size: int) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != size:
            raise ValueError
        return values
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise ApiError(400, "invalid_cursor", "This cursor was not made by this list.") from exc


def keyset(qs: QuerySet, query: PageQuery, *, changed: str | None = "updated_at") -> dict:
    """One page of `qs` as `{"items": [rows], "next_cursor": ...}`.

    `changed` is the row's change-time column (kept by a trigger, see
    erp.migration_ops.TouchUpdatedAt); None pages by id alone and refuses `updated_since`.
    """
    if changed is None:
        if query.updated_since is not None:
            raise ApiError(400, "updated_since_unsupported", "This list cannot filter by time.")
        qs = qs.order_by("pk")
        if query.cursor:
            (last,) = _decode(query.cursor, 1)
            if not isinstance(last, int):
                raise ApiError(400, "invalid_cursor", "This cursor was not made by this list.")
            qs = qs.filter(pk__gt=last)
    else:
        if query.updated_since is not None:
            since = query.updated_since
            if since.tzinfo is None:
                raise ApiError(400, "invalid_updated_since", "Give updated_since with its zone.")
            qs = qs.filter(**{f"{changed}__gte": since})
        qs = qs.order_by(changed, "pk")
        if query.cursor:
            stamp, last = _decode(query.cursor, 2)
            try:
                at = datetime.datetime.fromisoformat(stamp)
                if not isinstance(last, int) or at.tzinfo is None:
                    raise ValueError
            except (TypeError, ValueError) as exc:
                raise ApiError(
                    400, "invalid_cursor", "This cursor was not made by this list."
                ) from exc
            qs = qs.filter(Q(**{f"{changed}__gt": at}) | Q(**{changed: at, "pk__gt": last}))
    rows = list(qs[: query.limit + 1])
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    cursor = None
    if more:
        tail = rows[-1]
        cursor = _encode(
            [tail.pk] if changed is None else [getattr(tail, changed).isoformat(), tail.pk]
        )
    return {"items": rows, "next_cursor": cursor}


def where(qs: QuerySet, **lookups) -> QuerySet:
    """`qs` filtered by each lookup whose value was given: a list's optional filters."""
    given = {lookup: value for lookup, value in lookups.items() if value is not None}
    return qs.filter(**given) if given else qs
