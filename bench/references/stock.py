"""One-SQL references for the stock measures (reporting/measures/stock.py), for bench/reports.py.

Each entry: the measure's key -> (SQL taking %(tenant)s and the period's instants %(start)s,
%(stop)s [start, stop), the measure computed by the page's code as a tuple of the same
numbers). The SQL is written the plain way, straight from the formula: full-history sums for
stock values, no snapshots, no index tricks, so that the pair checks the page's figures and
gives the bench a yardstick. Scopes here carry no filters (the bench's page runs unfiltered).
"""

from __future__ import annotations

from reporting.measures import stock

# The period's days in the tenant's zone, from the instants.
_DAYS = """
tz AS (SELECT time_zone FROM erp_tenant WHERE id = %(tenant)s),
bounds AS (
    SELECT (%(start)s::timestamptz AT TIME ZONE tz.time_zone)::date AS first_day,
           (%(stop)s::timestamptz AT TIME ZONE tz.time_zone)::date - 1 AS last_day
    FROM tz
)"""

ACCURACY_SQL = """
SELECT count(*), count(*) FILTER (WHERE r.within_tolerance),
       coalesce(sum(r.counted * r.unit_cost), 0),
       coalesce(sum(abs(r.counted - r.expected) * r.unit_cost), 0)
FROM warehouse_countresult r
JOIN warehouse_count c ON c.tenant_id = r.tenant_id AND c.id = r.count_id
WHERE r.tenant_id = %(tenant)s AND c.status = 'approved'
  AND c.decided_at >= %(start)s AND c.decided_at < %(stop)s
"""

ADJUSTMENTS_SQL = """
SELECT count(*), coalesce(sum(abs(e.value)), 0)
FROM inventory_stockentry e
JOIN inventory_stocktransaction x ON x.tenant_id = e.tenant_id AND x.id = e.transaction_id
WHERE e.tenant_id = %(tenant)s AND e.site_id IS NOT NULL
  AND x.kind IN ('adjustment', 'count')
  AND x.posted_at >= %(start)s AND x.posted_at < %(stop)s
"""

TURNS_SQL = f"""
WITH {_DAYS},
days AS (
    SELECT first_day - 1 AS d FROM bounds
    UNION
    SELECT (m + interval '1 month' - interval '1 day')::date
    FROM bounds, generate_series(date_trunc('month', first_day), date_trunc('month', last_day),
                                 interval '1 month') m
    WHERE (m + interval '1 month' - interval '1 day')::date >= first_day
      AND (m + interval '1 month' - interval '1 day')::date < last_day
    UNION
    SELECT last_day FROM bounds
),
vals AS (
    SELECT days.d, coalesce((
        SELECT sum(e.value) FROM inventory_stockentry e
        JOIN inventory_stocktransaction x ON x.tenant_id = e.tenant_id AND x.id = e.transaction_id
        JOIN inventory_site s ON s.tenant_id = e.tenant_id AND s.id = e.site_id
        WHERE e.tenant_id = %(tenant)s
          AND x.posted_at < ((days.d + 1)::timestamp AT TIME ZONE s.time_zone)), 0) AS v
    FROM days
)
SELECT (
    SELECT -coalesce(sum(e.value), 0) FROM inventory_stockentry e
    JOIN inventory_stocktransaction x ON x.tenant_id = e.tenant_id AND x.id = e.transaction_id
    WHERE e.tenant_id = %(tenant)s AND e.site_id IS NOT NULL AND x.kind = 'shipment'
      AND x.posted_at >= %(start)s AND x.posted_at < %(stop)s
), (SELECT avg(v) FROM vals)
"""

EXCESS_SQL = f"""
WITH held AS (
    SELECT item_id, site_id, sum(remaining_quantity) AS q, sum(remaining_value) AS v
    FROM inventory_costlayer WHERE tenant_id = %(tenant)s AND remaining_quantity > 0
    GROUP BY item_id, site_id
)
SELECT
    (SELECT coalesce(sum((h.q - p.order_up_to) * h.v / h.q), 0)
     FROM held h JOIN purchasing_planninglevel p
       ON p.tenant_id = %(tenant)s AND p.item_id = h.item_id AND p.site_id = h.site_id
     WHERE h.q > p.order_up_to),
    (SELECT coalesce(sum(h.v), 0) FROM held h
     WHERE NOT EXISTS (
        SELECT 1 FROM inventory_stockentry e
        JOIN inventory_stocktransaction x ON x.tenant_id = e.tenant_id AND x.id = e.transaction_id
        WHERE e.tenant_id = %(tenant)s AND e.item_id = h.item_id AND e.site_id = h.site_id
          AND e.quantity < 0 AND x.kind IN ('shipment', 'transfer')
          AND x.posted_at >= %(stop)s::timestamptz - interval '{stock.DEAD_DAYS} days')),
    (SELECT count(*) FROM purchasing_planninglevel p
     WHERE p.tenant_id = %(tenant)s
       AND (p.on_hand + p.on_order < p.reorder_point OR (p.on_hand <= 0 AND p.backorders > 0)))
"""


def _accuracy(scope, using="default"):
    by_site = stock.counts_accuracy(scope, using=using)
    return (
        sum(r.made for r in by_site),
        sum(r.within for r in by_site),
        sum(r.value_counted for r in by_site),
        sum(r.value_variance for r in by_site),
    )


def _adjustments(scope, using="default"):
    return stock.adjustments(scope, using=using)


def _turns(scope, using="default"):
    t = stock.turns(scope, using=using)
    return (t.cogs, t.average_value)


def _excess(scope, using="default"):
    e = stock.excess_and_dead(scope, using=using)
    return (e.excess_value, e.dead_value, len(stock.stockout_risk(scope, using=using)))


REFERENCES = {
    "inventory_accuracy": (ACCURACY_SQL, _accuracy),
    "adjustments": (ADJUSTMENTS_SQL, _adjustments),
    "turns": (TURNS_SQL, _turns),
    "excess_and_dead": (EXCESS_SQL, _excess),
}
