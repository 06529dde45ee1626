"""An export asked of a table: what to read, in which order, and how each row becomes cells.

`erp.tables.build_table` raises `ExportRequested` with an `Export` when the request asks for
one; the raise leaves the view before it reads or renders a page, and whoever asked for the
export (the request's middleware, or a background job replaying the page) catches it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from erp import replica
from erp.exports.cells import plain, value_of
from erp.exports.writers import csv_chunks, xlsx_chunks
from erp.tenancy import tenant_context

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
CHUNK = 2000  # rows read, converted and written at a time: bounds the memory an export holds


@dataclass
class Export:
    name: str  # the table's name: what the file is called after
    labels: list[str]
    values: list[str | Callable[[Any], Any]]
    source: Any  # the filtered, sorted queryset (or a queryset-like, e.g. ValuationGroups)
    format: str  # "csv" or "xlsx"
    tenant_id: int
    user_id: int
    keyset_order: tuple[str, ...] | None = None  # keyset tables: read in keyset chunks
    tz: datetime.tzinfo | None = field(default=None)
    at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def content_type(self) -> str:
        return FORMATS[self.format][0]

    @property
    def filename(self) -> str:
        """What and when: `stockline-transactions-20261130-1842.csv` (in the page's time zone)."""
        at = timezone.localtime(self.at, self.tz) if self.tz else self.at
        return f"stockline-{slugify(self.name)}-{at:%Y%m%d-%H%M}.{FORMATS[self.format][1]}"

    @property
    def alias(self) -> str:
        if isinstance(self.source, QuerySet):
            return self.source.db
        return getattr(self.source, "alias", DEFAULT_DB_ALIAS)

    # --- reading -----------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Any]:
        """The source, bound to where it may be read now, inside a transaction carrying the
        tenant there: the primary's, and for a replica read also the replica's own read-only
        transaction (`erp.replica.reading_replica`). A replica that is down or behind since the
        page was built sends the read to the primary, as `read_on_replica` would."""
        with tenant_context(self.tenant_id, user=self.user_id):
            source, on_replica = self.source, self.alias == replica.REPLICA
            if on_replica and (not replica.configured() or replica.replica_problem()):
                source, on_replica = source.using(DEFAULT_DB_ALIAS), False
            with replica.reading_replica() if on_replica else nullcontext():
                yield source

    def count(self, limit: int) -> int:
        """How many rows, counting no further than `limit` (a count of the whole ledger would
        cost as much as the export it decides about)."""
        with self.reading() as source:
            if isinstance(source, QuerySet):
                # Only the ids: the per-row figures of the select list (a line count, say)
                # would otherwise be computed for every row counted. Grouped rows are counted
                # as they are (the ids would count the rows inside the groups).
                if source.query.group_by is None:
                    source = source.order_by().values("pk")
                return source[:limit].count()
            return min(_size(source), limit)

    def full_count(self) -> int:
        with self.reading() as source:
            return source.count() if isinstance(source, QuerySet) else _size(source)

    def chunks(self, progress: Callable[[int], None] | None = None) -> Iterator[list[list]]:
        """Plain rows, CHUNK at a time, all read in one transaction (`reading`).

        The generator opens that transaction itself because a streamed response's body is
        iterated after the view has returned and the request's transaction (and its tenant
        setting) has been committed: the rows must be read in a transaction the generator owns
        and closes, even when the client goes away (closing the generator rolls it back).
        Keyset tables are read a keyset page at a time (each an index range scan, and no
        cursor left open between chunks, so it also works behind a transaction pooler); other
        tables through a server-side cursor (`iterator`), which lives inside this transaction.
        """
        done = 0
        with self.reading() as source:
            for rows in self._batches(source):
                chunk = [[plain(value_of(row, v), self.tz) for v in self.values] for row in rows]
                done += len(chunk)
                yield chunk
                if progress is not None:
                    progress(done)

    def _batches(self, source) -> Iterator[list]:
        if self.keyset_order is not None and isinstance(source, QuerySet):
            from erp.keyset import Keyset

            pager = Keyset(source, self.keyset_order, salt=f"export:{self.name}", per_page=CHUNK)
            page = pager.page(None)
            while True:
                yield page.object_list
                if not page.next_cursor:
                    return
                page = pager.page(page.next_cursor)
        if not isinstance(source, QuerySet):  # a grouped report: its rows are one statement
            rows = list(source)
            for start in range(0, len(rows), CHUNK):
                yield rows[start : start + CHUNK]
            return
        batch = []
        for row in source.iterator(chunk_size=CHUNK):
            batch.append(row)
            if len(batch) == CHUNK:
                yield batch
                batch = []
        if batch:
            yield batch

    def stream(self, progress: Callable[[int], None] | None = None) -> Iterator[bytes]:
        writer = xlsx_chunks if self.format == "xlsx" else csv_chunks
        kwargs = {"sheet_name": self.name} if self.format == "xlsx" else {}
        return writer(self.labels, self.chunks(progress), **kwargs)


class ExportRequested(Exception):
    def __init__(self, export: Export):
        super().__init__(export.name)
        self.export = export


def _size(rows) -> int:
    """The rows of a report built in Python (a list, or a grouped statement's result that
    knows its length): `list.count` wants an argument, so its length, not count()."""
    return len(rows) if hasattr(rows, "__len__") else rows.count()
