"""Monthly valuation snapshots: closing finished months, and forgetting them when a posting
lands in their past (the model: `inventory.models.snapshots`).

The snapshot of month M at a site = its snapshot of M-1 + the site's entries posted in
[end of M-1, end of M), one aggregate per month for every site that needs it; the first month
adds everything before its end. Rows at zero in both quantity and value are left out, so an
item that sold out has no row and comes back through the next month's entries.

Consistency with postings under READ COMMITTED: closing a month takes the tenant's advisory
lock exclusively; a posting dated more than `SETTLE` ago takes it shared, then deletes every
period ending after its `posted_at` (in the same transaction). Either the closing waits for the
posting's commit and its aggregate sees the entries, or the posting waits for the closing and
deletes what it wrote. A posting dated later than that takes no lock and runs no query: months
are only closed `2 * SETTLE` after they end, and no posting takes `SETTLE` to commit, so such a
posting can only fall after every closed month's end (see `close_periods`).
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils import timezone

from erp.tenancy import tenant_context

LOCK_KEY = 73_301  # pg_advisory_xact_lock(LOCK_KEY, tenant id): closing vs backdated postings
SETTLE = datetime.timedelta(hours=1)


def invalidate_after(*, tenant_id: int, posted_at: datetime.datetime) -> None:
    """Inside a posting's transaction: forget the snapshots, closed days (`day_closes`),
    in-transit close (`transit_close`) and held close (`held_close`) a posting at `posted_at`
    changes.

    Free for postings dated now (the hot path); two statements for backdated ones.
    """
    if posted_at >= timezone.now() - SETTLE:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [LOCK_KEY, tenant_id])
        # A new statement after the lock: its snapshot sees a closing that just committed.
        cursor.execute(
            """
            WITH gone AS (
                DELETE FROM inventory_snapshotperiod
                WHERE tenant_id = %(t)s AND ends_at > %(at)s RETURNING id),
            snapshot_rows AS (
                DELETE FROM inventory_valuationsnapshot
                WHERE tenant_id = %(t)s AND period_id IN (SELECT id FROM gone)),
            days AS (
                DELETE FROM inventory_closedday
                WHERE tenant_id = %(t)s AND ends_at > %(at)s RETURNING id),
            transit AS (
                DELETE FROM inventory_transitclose WHERE tenant_id = %(t)s AND ends_at > %(at)s),
            held AS (
                DELETE FROM inventory_heldclose WHERE tenant_id = %(t)s AND ends_at > %(at)s)
            DELETE FROM inventory_dayvalue
            WHERE tenant_id = %(t)s AND closed_day_id IN (SELECT id FROM days)
            """,
            {"t": tenant_id, "at": posted_at},
        )


def _next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


# Per site: its last closed period (if any), and the end of the month after it in its time zone.
SITES_SQL = """
SELECT s.id, p.id, p.month, p.ends_at
FROM inventory_site s
LEFT JOIN LATERAL (
    SELECT p.id, p.month, p.ends_at FROM inventory_snapshotperiod p
    WHERE p.tenant_id = s.tenant_id AND p.site_id = s.id
    ORDER BY p.month DESC LIMIT 1
) p ON true
WHERE s.tenant_id = %s
ORDER BY s.id
"""

# One month for several sites: periods first, then their rows from the previous rows plus the
# month's entries. The entries are found by the transactions' posted_at range (one index range
# over the union of the sites' bounds), then each site keeps its own bounds.
CLOSE_SQL = """
WITH b AS (
    SELECT u.site_id, u.prev_id, u.since,
           ((%(next)s::date)::timestamp AT TIME ZONE s.time_zone) AS ends_at
    FROM unnest(%(sites)s::bigint[], %(prevs)s::bigint[], %(sinces)s::timestamptz[])
         AS u(site_id, prev_id, since)
    JOIN inventory_site s ON s.tenant_id = %(t)s AND s.id = u.site_id
),
p AS (
    INSERT INTO inventory_snapshotperiod (tenant_id, site_id, month, ends_at, closed_at)
    SELECT %(t)s, b.site_id, %(month)s, b.ends_at, now() FROM b
    WHERE b.ends_at <= %(closable)s
    RETURNING id, site_id, ends_at
),
lo AS (SELECT coalesce(min(coalesce(since, '-infinity')), 'infinity') AS at FROM b),
hi AS (SELECT max(ends_at) AS at FROM p),
parts AS (
    -- LATERAL ... OFFSET 0: a lookup of each previous period's rows by the unique
    -- (tenant, period, item), whatever the estimates of a table that grows as months close.
    SELECT b.site_id, r.item_id, r.quantity, r.value
    FROM b CROSS JOIN LATERAL (
        SELECT r.item_id, r.quantity, r.value FROM inventory_valuationsnapshot r
        WHERE r.tenant_id = %(t)s AND r.period_id = b.prev_id OFFSET 0
    ) r
    UNION ALL
    SELECT e.site_id, e.item_id, e.quantity, e.value
    FROM inventory_stocktransaction x
    JOIN inventory_stockentry e ON e.tenant_id = %(t)s AND e.transaction_id = x.id
    JOIN b ON b.site_id = e.site_id
    WHERE x.tenant_id = %(t)s
      AND x.posted_at >= (SELECT at FROM lo) AND x.posted_at < (SELECT at FROM hi)
      AND x.posted_at >= coalesce(b.since, '-infinity') AND x.posted_at < b.ends_at
)
INSERT INTO inventory_valuationsnapshot (tenant_id, period_id, item_id, quantity, value)
SELECT %(t)s, p.id, parts.item_id, sum(parts.quantity), sum(parts.value)
FROM parts JOIN p ON p.site_id = parts.site_id
GROUP BY p.id, parts.item_id
HAVING NOT (sum(parts.quantity) = 0 AND sum(parts.value) = 0)
"""


def _refresh_statistics() -> None:
    """ANALYZE the snapshot rows once they have more than doubled since the last statistics.

    Closing a long history adds a month of rows per statement, faster than autovacuum looks:
    on statistics from an empty table the planner reads a tenant's every row to find one
    period's. Only the tables' owner may analyze; for any other role PostgreSQL skips it with
    a warning, and autovacuum catches up a minute later.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_mod_since_analyze > greatest(n_live_tup - n_mod_since_analyze, 1000)"
            " FROM pg_stat_user_tables WHERE relname = 'inventory_valuationsnapshot'"
        )
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute("ANALYZE inventory_valuationsnapshot, inventory_snapshotperiod")


def _close_next(tenant_id: int, closable: datetime.datetime) -> int:
    """Close the earliest month some site lacks, for the sites lacking it; the periods closed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_KEY, tenant_id])
        cursor.execute(SITES_SQL, [tenant_id])
        sites = cursor.fetchall()
        if not sites:
            return 0
        if any(month is None for _, _, month, _ in sites):
            cursor.execute(
                "SELECT min(posted_at) FROM inventory_stocktransaction WHERE tenant_id = %s",
                [tenant_id],
            )
            first = cursor.fetchone()[0]
            if first is None:
                return 0
            # A day early: whatever the site's time zone, its first month holds the first entry.
            first = (first - datetime.timedelta(days=1)).date().replace(day=1)
        wanted = {
            site_id: (_next_month(month) if month else first, prev_id, ends_at)
            for site_id, prev_id, month, ends_at in sites
        }
        month = min(m for m, _, _ in wanted.values())
        due = [(site_id, prev_id, since) for site_id, (m, prev_id, since) in wanted.items()
               if m == month]  # fmt: skip
        cursor.execute(
            "SELECT bool_or((%s::date)::timestamp AT TIME ZONE time_zone <= %s)"
            " FROM inventory_site WHERE tenant_id = %s AND id = ANY(%s)",
            [_next_month(month), closable, tenant_id, [s for s, _, _ in due]],
        )
        if not cursor.fetchone()[0]:
            return 0  # the month has not ended long enough anywhere: nothing to read
        cursor.execute(
            CLOSE_SQL,
            {
                "t": tenant_id,
                "month": month,
                "next": _next_month(month),
                "closable": closable,
                "sites": [s for s, _, _ in due],
                "prevs": [p for _, p, _ in due],
                "sinces": [since for _, _, since in due],
            },
        )
        cursor.execute(
            "SELECT count(*) FROM inventory_snapshotperiod"
            " WHERE tenant_id = %s AND month = %s AND site_id = ANY(%s)",
            [tenant_id, month, [s for s, _, _ in due]],
        )
        return cursor.fetchone()[0]


def close_periods(tenant, *, now: datetime.datetime | None = None) -> int:
    """Close every finished month not yet snapshotted at each of `tenant`'s sites, oldest
    first, one committed transaction per month (so a stopped run resumes where it stopped, and
    a repeat finds nothing to do). Call it outside any transaction. Returns periods closed.

    A month is finished at a site once its end there is `2 * SETTLE` past.
    """
    tenant_id = getattr(tenant, "pk", tenant)
    closable = (now or timezone.now()) - 2 * SETTLE
    total = 0
    while True:
        _refresh_statistics()
        with tenant_context(tenant_id, durable=True):
            closed = _close_next(tenant_id, closable)
        if not closed:
            return total
        total += closed
