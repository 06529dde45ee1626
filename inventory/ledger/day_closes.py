"""Daily closes of each site's stock value per item category (the model:
`inventory.models.snapshots.ClosedDay`), which the stock measures read for a day's end.

The close of day D at a site = its close of D-1 + the site's entries posted on D in the site's
time zone, per category of the entry's item; the first day closed adds everything before its
end. A run closes up to `BATCH_DAYS` days of one site per committed transaction, oldest first,
so a stopped run resumes where it stopped.

Consistency is the months' (`inventory.ledger.snapshots`): closing takes the tenant's advisory
lock exclusively, a backdated posting takes it shared and forgets the days ending after it
(`snapshots.invalidate_after`), and a day is closed only `2 * SETTLE` after it ends. An item's
category change forgets every closed day of the tenant under the same shared lock: the item's
past entries count under its new category from then on.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils import timezone

from erp.tenancy import tenant_context
from inventory.ledger.snapshots import LOCK_KEY, SETTLE

BATCH_DAYS = 92

LAST_SQL = """
SELECT s.id, c.id, c.day, c.ends_at
FROM inventory_site s
LEFT JOIN LATERAL (
    SELECT c.id, c.day, c.ends_at FROM inventory_closedday c
    WHERE c.tenant_id = s.tenant_id AND c.site_id = s.id
    ORDER BY c.day DESC LIMIT 1
) c ON true
WHERE s.tenant_id = %s
ORDER BY s.id
"""

# One site's days [first, last], those ended by `closable`: the day markers, then per day and
# category the previous close plus the running sum of the days' entries (moves before the
# first day, on a site's first close, count on it).
CLOSE_SQL = """
WITH site AS (
    SELECT s.id, s.time_zone FROM inventory_site s WHERE s.tenant_id = %(t)s AND s.id = %(site)s
),
closed AS (
    INSERT INTO inventory_closedday (tenant_id, site_id, day, ends_at, closed_at)
    SELECT %(t)s, site.id, d.day, d.ends_at, now()
    FROM site CROSS JOIN LATERAL (
        SELECT g::date AS day, ((g::date + 1)::timestamp AT TIME ZONE site.time_zone) AS ends_at
        FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') g
    ) d
    WHERE d.ends_at <= %(closable)s
    RETURNING id, day, ends_at
),
moves AS (
    -- Each transaction's entries by the (tenant, transaction) index (LATERAL ... OFFSET 0),
    -- the transactions by their (tenant, posted_at) index.
    SELECT i.category,
           greatest((x.posted_at AT TIME ZONE site.time_zone)::date, %(first)s::date) AS day,
           sum(e.quantity) AS quantity, sum(e.value) AS value
    FROM site CROSS JOIN inventory_stocktransaction x
    CROSS JOIN LATERAL (
        SELECT e.item_id, e.quantity, e.value FROM inventory_stockentry e
        WHERE e.tenant_id = %(t)s AND e.transaction_id = x.id AND e.site_id = %(site)s
        OFFSET 0
    ) e
    JOIN inventory_item i ON i.tenant_id = %(t)s AND i.id = e.item_id
    WHERE x.tenant_id = %(t)s
      AND x.posted_at >= coalesce(%(since)s::timestamptz, '-infinity')
      AND x.posted_at < (SELECT max(ends_at) FROM closed)
    GROUP BY 1, 2
),
prev AS (
    SELECT r.category, r.quantity, r.value FROM inventory_dayvalue r
    WHERE r.tenant_id = %(t)s AND r.closed_day_id = %(prev)s
),
categories AS (SELECT category FROM prev UNION SELECT category FROM moves),
running AS (
    SELECT c.id, k.category,
           coalesce(p.quantity, 0) + sum(coalesce(m.quantity, 0)) OVER w AS quantity,
           coalesce(p.value, 0) + sum(coalesce(m.value, 0)) OVER w AS value
    FROM closed c CROSS JOIN categories k
    LEFT JOIN prev p ON p.category = k.category
    LEFT JOIN moves m ON m.category = k.category AND m.day = c.day
    WINDOW w AS (PARTITION BY k.category ORDER BY c.day)
),
rows AS (
    INSERT INTO inventory_dayvalue (tenant_id, closed_day_id, category, quantity, value)
    SELECT %(t)s, id, category, quantity, value FROM running
    WHERE NOT (quantity = 0 AND value = 0)
)
SELECT count(*) FROM closed
"""


def _first_day(cursor, tenant_id: int) -> datetime.date | None:
    cursor.execute(
        "SELECT min(posted_at) FROM inventory_stocktransaction WHERE tenant_id = %s", [tenant_id]
    )
    first = cursor.fetchone()[0]
    # A day early: whatever the site's time zone, that day ends before the first entry.
    return None if first is None else (first - datetime.timedelta(days=1)).date()


def _close_next(tenant_id: int, closable: datetime.datetime) -> int:
    """Close the next batch of days of the first site that has some to close; days closed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_KEY, tenant_id])
        cursor.execute(LAST_SQL, [tenant_id])
        sites = cursor.fetchall()
        first_day = None
        if any(day is None for _, _, day, _ in sites):
            first_day = _first_day(cursor, tenant_id)
        for site_id, prev_id, day, ends_at in sites:
            first = day + datetime.timedelta(days=1) if day else first_day
            if first is None:
                continue  # no history yet
            cursor.execute(
                CLOSE_SQL,
                {
                    "t": tenant_id,
                    "site": site_id,
                    "first": first,
                    "last": first + datetime.timedelta(days=BATCH_DAYS - 1),
                    "closable": closable,
                    "since": ends_at,
                    "prev": prev_id,
                },
            )
            if closed := cursor.fetchone()[0]:
                return closed
        return 0


def close_days(tenant, *, now: datetime.datetime | None = None) -> int:
    """Close every finished day not yet closed at each of `tenant`'s sites, oldest first, a
    batch of days per committed transaction. Call it outside any transaction. Returns the days
    closed. A day is finished at a site once its end there is `2 * SETTLE` past."""
    tenant_id = getattr(tenant, "pk", tenant)
    closable = (now or timezone.now()) - 2 * SETTLE
    total = 0
    while True:
        with tenant_context(tenant_id, durable=True):
            closed = _close_next(tenant_id, closable)
        if not closed:
            return total
        total += closed


def forget_days(*, tenant_id: int) -> None:
    """Inside the transaction that changes an item's category: forget every closed day of the
    tenant (the measures read the entries through the months' snapshots until the next run)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [LOCK_KEY, tenant_id])
        # A new statement after the lock: its snapshot sees a closing that just committed.
        cursor.execute(
            """
            WITH days AS (DELETE FROM inventory_closedday WHERE tenant_id = %(t)s RETURNING id)
            DELETE FROM inventory_dayvalue
            WHERE tenant_id = %(t)s AND closed_day_id IN (SELECT id FROM days)
            """,
            {"t": tenant_id},
        )
