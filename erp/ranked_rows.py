"""Ranked rows computed by one SQL statement that also totals them: what `erp.tables` pages
like a queryset without bringing every row into Python.

A statement gives two kinds of rows, told apart by its `part` column: "row", the ranked rows
of one window (LIMIT %(limit)s OFFSET %(offset)s), and "total", one per group (a site) with
`rows` and the value column (`value_key`) summed over every ranked row of the group. So a
page's count, its rows and its figures come from one pass over the data: the window a page
shows (the first unless `offset` says which) is read with the totals when the object is made
(inside the caller's tenant transaction, as a list would be), and only another window runs
the statement again.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

# run(offset, limit) -> the statement's rows as dicts
Runner = Callable[[int, int], list[dict]]
FIRST = 50  # rows of the window read with the totals


class RankedRows:
    ordered = True  # rows come ranked: paging never overlaps

    def __init__(
        self, run: Runner, *, value_key: str = "value", first: int = FIRST, offset: int = 0,
        head: list[dict] | None = None,
    ) -> None:  # fmt: skip
        """`head`: the statement's rows for (offset, first) when another statement has read
        them already (one pass for two lists: `purchasing.planning.selectors`)."""
        self._run = run
        self._value_key = value_key
        self._first = first
        self._offset = offset
        result = run(offset, first) if head is None else head
        self._head = (
            [r for r in result if r["part"] == "row"],
            [r for r in result if r["part"] == "total"],
        )

    # The few queryset methods that `erp.tables.build_table` and Paginator call.
    def all(self) -> RankedRows:
        return self

    def none(self) -> RankedRows:
        return RankedRows(lambda offset, limit: [], value_key=self._value_key, first=0)

    def order_by(self, *fields) -> RankedRows:
        return self

    @property
    def totals(self) -> list[dict]:
        """One dict per group: its key columns, `rows` and the summed value."""
        return self._head[1]

    @property
    def value(self) -> Decimal:
        return sum((t[self._value_key] for t in self.totals), Decimal(0))

    def count(self) -> int:
        return sum(t["rows"] for t in self.totals)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start = index.start or 0
        stop = index.stop if index.stop is not None else self.count()
        if self._offset <= start and stop <= self._offset + self._first:
            return self._head[0][start - self._offset : stop - self._offset]
        return [r for r in self._run(start, max(stop - start, 0)) if r["part"] == "row"]

    def __iter__(self):
        return iter(self[0 : self.count()])
