"""Finance reads: the adjustment and write-off register, and the counts the finance landing
shows (documents awaiting approval). Reporting may read every app, so the register joins the
ledger with the documents behind its postings (adjustments, counts, return inspections) to
name who asked and who approved.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inventory import selectors as inventory
from inventory.models import AdjustmentState, ReasonCode
from inventory.models import StockEntry as _Entry
from returns import selectors as returns

# Reasons beyond an adjustment's own reason codes: each kind of document that writes stock on
# or off names its own.
REASONS: dict[str, str] = {
    **{code: str(label) for code, label in ReasonCode.choices},
    "reversal": str(_("Reversal of a posting")),
    "count_variance": str(_("Count variance")),
    "return_scrap": str(_("Return scrapped")),
    "transfer_loss": str(_("Lost in transit")),
}

# One row per leg into or out of the tenant's virtual adjustment and scrap locations: the
# stock a site lost (negative) or gained (positive) there, from the site's point of view.
# The site and bin are the real leg's that mirrors it in the same transaction (one lookup by
# the transaction's entries: `+ 0` keeps the planner off a busy item's index); a loss between
# virtual locations (goods written off in transit) has none.
_ROWS = """
WITH legs AS (
    SELECT v.id, v.transaction_id, v.item_id, -v.quantity AS quantity, -v.value AS value,
           x.kind AS txn_kind, x.reference, x.posted_at, x.posted_by_id,
           mirror.site_id, mirror.location_id AS bin_id
    FROM inventory_location loc
    JOIN inventory_stockentry v ON v.tenant_id = %(t)s AND v.location_id = loc.id
    JOIN inventory_stocktransaction x ON x.tenant_id = %(t)s AND x.id = v.transaction_id
    LEFT JOIN LATERAL (
        SELECT r.site_id, r.location_id FROM inventory_stockentry r
        WHERE r.tenant_id = %(t)s AND r.transaction_id = v.transaction_id
          AND r.item_id + 0 = v.item_id AND r.site_id IS NOT NULL
          AND r.quantity = -v.quantity
          AND r.lot_id IS NOT DISTINCT FROM v.lot_id
          AND r.serial_id IS NOT DISTINCT FROM v.serial_id
        ORDER BY abs(r.id - v.id) LIMIT 1
    ) mirror ON true
    WHERE loc.tenant_id = %(t)s AND loc.kind IN ('adjustment', 'scrap')
      AND (%(start)s::timestamptz IS NULL OR x.posted_at >= %(start)s)
      AND (%(end)s::timestamptz IS NULL OR x.posted_at < %(end)s)
),
rows AS (
    SELECT legs.*, i.sku, i.description, i.category, i.base_unit,
           s.code AS site_code,
           CASE
               WHEN a.id IS NOT NULL AND a.kind = 'reversal' THEN 'reversal'
               WHEN a.id IS NOT NULL THEN coalesce(nullif(a.reason_code, ''), 'other')
               WHEN c.id IS NOT NULL THEN 'count_variance'
               WHEN ins.id IS NOT NULL THEN 'return_scrap'
               WHEN legs.txn_kind = 'reversal' THEN 'reversal'
               WHEN legs.site_id IS NULL THEN 'transfer_loss'
               ELSE 'other'
           END AS reason,
           coalesce(a.note, c.reason, ins.override_reason, '') AS note,
           CASE WHEN a.id IS NOT NULL THEN 'adjustment' WHEN c.id IS NOT NULL THEN 'count'
                WHEN ins.id IS NOT NULL THEN 'inspection' ELSE '' END AS document,
           coalesce(a.id, c.id, ins.id) AS document_id,
           coalesce(a.requested_by_id, counter.counter_id, ins.inspected_by_id,
                    legs.posted_by_id) AS requested_by_id,
           coalesce(a.requested_at, counter.finished_at, ins.inspected_at,
                    legs.posted_at) AS requested_at,
           -- Within its threshold an adjustment posts at once: nobody else approved it.
           -- Likewise a return its inspector dispositioned: a second person is one who
           -- dispositioned another's inspection.
           CASE WHEN a.id IS NOT NULL AND a.decided_by_id = a.requested_by_id THEN NULL
                WHEN ins.id IS NOT NULL AND ins.dispositioned_by_id = ins.inspected_by_id
                THEN NULL
                ELSE coalesce(a.decided_by_id, c.decided_by_id, ins.dispositioned_by_id)
           END AS approved_by_id,
           CASE WHEN a.id IS NOT NULL AND a.decided_by_id = a.requested_by_id THEN NULL
                WHEN ins.id IS NOT NULL AND ins.dispositioned_by_id = ins.inspected_by_id
                THEN NULL
                ELSE coalesce(a.decided_at, c.decided_at, ins.dispositioned_at)
           END AS approved_at
    FROM legs
    JOIN inventory_item i ON i.tenant_id = %(t)s AND i.id = legs.item_id
    LEFT JOIN inventory_site s ON s.tenant_id = %(t)s AND s.id = legs.site_id
    LEFT JOIN inventory_adjustment a
      ON a.tenant_id = %(t)s AND a.transaction_id = legs.transaction_id
    -- A count is of one bin: one posting may carry the counts of several bins.
    LEFT JOIN warehouse_count c ON c.tenant_id = %(t)s AND c.transaction_id = legs.transaction_id
     AND c.location_id = legs.bin_id
    LEFT JOIN LATERAL (
        SELECT r.counter_id, r.finished_at FROM warehouse_countround r
        WHERE r.tenant_id = %(t)s AND r.count_id = c.id ORDER BY r.number DESC LIMIT 1
    ) counter ON true
    LEFT JOIN returns_inspection ins
      ON ins.tenant_id = %(t)s AND ins.transaction_id = legs.transaction_id
),
chosen AS (
    SELECT rows.*, req.email AS requested_by, app.email AS approved_by
    FROM rows
    LEFT JOIN erp_user req ON req.id = rows.requested_by_id
    LEFT JOIN erp_user app ON app.id = rows.approved_by_id
    WHERE (%(site)s::bigint IS NULL OR rows.site_id = %(site)s::bigint)
      AND (%(reason)s::text IS NULL OR rows.reason = %(reason)s::text)
      AND (%(category)s::text IS NULL OR rows.category = %(category)s::text)
      AND (%(user)s::bigint IS NULL OR rows.requested_by_id = %(user)s::bigint
           OR rows.approved_by_id = %(user)s::bigint OR rows.posted_by_id = %(user)s::bigint)
)
"""


@dataclass(frozen=True)
class Register:
    """The adjustment and write-off register, narrowed by its filters. Lazy and immutable like
    a queryset: the totals by reason (one statement over every row the filters keep) give
    `count()`, and a slice runs one more, so `erp.tables` pages it with two."""

    tenant_id: int
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None
    site_id: int | None = None
    reason: str | None = None
    category: str | None = None
    user_id: int | None = None
    alias: str = DEFAULT_DB_ALIAS
    empty: bool = False
    ordered = True
    model = _Entry

    def all(self) -> Register:
        return self

    def none(self) -> Register:
        return replace(self, empty=True)

    def using(self, alias: str) -> Register:
        return replace(self, alias=alias)

    def order_by(self, *fields) -> Register:
        return self  # newest first, always

    def narrowed(self, **filters) -> Register:
        return replace(self, **filters)

    def _params(self) -> dict:
        return {"t": self.tenant_id, "start": self.start, "end": self.end, "site": self.site_id,
                "reason": self.reason, "category": self.category, "user": self.user_id}  # fmt: skip

    def _run(self, sql: str, extra: dict | None = None) -> list[dict]:
        if self.empty:
            return []
        with connections[self.alias].cursor() as cursor:
            cursor.execute(_ROWS + sql, {**self._params(), **(extra or {})})
            names = [c.name for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    @cached_property
    def _count(self) -> int:
        # The totals by reason count the rows too: one statement fewer over the ledger.
        return sum((r["entries"] for r in self.by_reason), 0)

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start = index.start or 0
        stop = index.stop if index.stop is not None else start + 10_000
        rows = self._run(
            "SELECT * FROM chosen ORDER BY posted_at DESC, id DESC LIMIT %(limit)s OFFSET %(offset)s",
            {"limit": max(stop - start, 0), "offset": start},
        )
        for row in rows:
            row["reason_label"] = REASONS.get(row["reason"], row["reason"])
        return rows

    def __iter__(self):
        return iter(self[0 : self.count()])

    @cached_property
    def by_reason(self) -> list[dict]:
        """Rows, quantity and value per reason (quantity summed only within one item's unit is
        meaningful; the value is the figure finance reads), largest loss first."""
        rows = self._run(
            "SELECT reason, count(*) AS entries, sum(quantity) AS quantity, sum(value) AS value "
            "FROM chosen GROUP BY reason ORDER BY sum(value), reason"
        )
        for row in rows:
            row["label"] = REASONS.get(row["reason"], row["reason"])
        return rows

    def totals(self) -> dict:
        zero = Decimal(0)
        return {
            "entries": sum((r["entries"] for r in self.by_reason), 0),
            "value": sum((r["value"] for r in self.by_reason), zero),
            "written_off": sum((r["value"] for r in self.by_reason if r["value"] < 0), zero),
        }


def write_off_register(*, tenant) -> Register:
    """Every leg that wrote stock off or on through the adjustment or scrap location: stock
    adjustments and their reversals, count variances, return dispositions to scrap and goods
    lost in transit, with the site, item, quantity and value (negative: stock lost), the
    reason, and who requested and who approved. Narrow it with `.narrowed(...)`."""
    return Register(tenant_id=tenant.pk)


def day_bounds(
    start: datetime.date | None, end: datetime.date | None
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """From the first day's midnight to the midnight after the last, in the current zone."""
    zone = timezone.get_current_timezone()

    def midnight(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(), tzinfo=zone)

    return (
        midnight(start) if start else None,
        midnight(end + datetime.timedelta(days=1)) if end else None,
    )


def credits_awaiting_approval(*, tenant) -> int:
    """How many customer credits wait for a decision (the finance landing's figure; the list
    behind it is returns' credits page filtered to pending)."""
    return returns.pending_credits(tenant=tenant).count()


def adjustments_awaiting_approval(*, tenant) -> int:
    """How many stock adjustments and reversals wait for a second person's approval (the list
    behind it is inventory's adjustments page filtered to pending)."""
    return inventory.adjustments(tenant=tenant).filter(state=AdjustmentState.PENDING).count()
