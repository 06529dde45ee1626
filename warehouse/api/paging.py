"""erp.api.paging's cursor pages, with `updated_since` first brought to UTC.

A client may send any offset Python accepts (up to ±23:59), but PostgreSQL refuses offsets
past ±15:59, which failed the list with a 500; in UTC the same instant is always accepted,
and an instant outside the calendar either way is a 400."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from erp.api import paging
from erp.api.errors import ApiError
from erp.api.paging import PageQuery


def keyset(qs: QuerySet, query: PageQuery, *, changed: str | None = "updated_at") -> dict:
    since = query.updated_since
    if since is not None and since.tzinfo is not None:
        try:
            query.updated_since = since.astimezone(datetime.UTC)
        except OverflowError as exc:
            raise ApiError(
                400, "invalid_updated_since", "updated_since is outside the calendar in UTC."
            ) from exc
    return paging.keyset(qs, query, changed=changed)
