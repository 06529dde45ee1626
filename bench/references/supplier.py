"""One-SQL reference for the supplier scorecard (reporting/measures/supplier.py), for
bench/reports.py: the totals over every supplier, straight from the formulas (see
bench/references/stock.py for the shape)."""

from __future__ import annotations

from reporting.measures import supplier

SCORECARD_SQL = """
WITH tz AS (SELECT time_zone FROM erp_tenant WHERE id = %(tenant)s),
bounds AS (
    SELECT (%(start)s::timestamptz AT TIME ZONE tz.time_zone)::date AS first_day,
           (%(stop)s::timestamptz AT TIME ZONE tz.time_zone)::date - 1 AS last_day
    FROM tz
),
r AS (
    SELECT r.quantity_base,
           r.received_at < ((coalesce(ol.expected_date, o.expected_date) + 1)::timestamp
                            AT TIME ZONE s.time_zone) AS on_time,
           EXISTS (SELECT 1 FROM warehouse_discrepancy d
                   WHERE d.tenant_id = %(tenant)s AND d.receipt_line_id = r.id) AS flagged
    FROM warehouse_receiptline r
    JOIN purchasing_purchaseorder o ON o.tenant_id = r.tenant_id AND o.id = r.order_id
    LEFT JOIN purchasing_purchaseorderline ol
      ON ol.tenant_id = r.tenant_id AND ol.id = r.order_line_id
    JOIN inventory_site s ON s.tenant_id = r.tenant_id AND s.id = o.site_id
    WHERE r.tenant_id = %(tenant)s AND r.received_at >= %(start)s AND r.received_at < %(stop)s
)
SELECT
    (SELECT count(*) FROM r),
    (SELECT count(*) FROM r WHERE on_time),
    (SELECT coalesce(sum(quantity_base), 0) FROM r),
    (SELECT coalesce(sum(quantity_base), 0) FROM r WHERE NOT flagged),
    (SELECT coalesce(sum(ol.quantity_base), 0) FROM purchasing_purchaseorderline ol
     JOIN purchasing_purchaseorder o ON o.tenant_id = ol.tenant_id AND o.id = ol.order_id, bounds
     WHERE ol.tenant_id = %(tenant)s AND o.status <> 'cancelled'
       AND ol.expected_date BETWEEN bounds.first_day AND bounds.last_day
       AND (ol.short_closed OR ol.received_base >= ol.quantity_base)),
    (SELECT coalesce(sum(least(ol.received_base, ol.quantity_base)), 0)
     FROM purchasing_purchaseorderline ol
     JOIN purchasing_purchaseorder o ON o.tenant_id = ol.tenant_id AND o.id = ol.order_id, bounds
     WHERE ol.tenant_id = %(tenant)s AND o.status <> 'cancelled'
       AND ol.expected_date BETWEEN bounds.first_day AND bounds.last_day
       AND (ol.short_closed OR ol.received_base >= ol.quantity_base)),
    (SELECT avg(extract(epoch FROM ol.first_received_at - coalesce(o.sent_at, o.approved_at))
                / 86400)
     FROM purchasing_purchaseorderline ol
     JOIN purchasing_purchaseorder o ON o.tenant_id = ol.tenant_id AND o.id = ol.order_id
     WHERE ol.tenant_id = %(tenant)s
       AND ol.first_received_at >= %(start)s AND ol.first_received_at < %(stop)s
       AND coalesce(o.sent_at, o.approved_at) IS NOT NULL)
"""


def _scorecard(scope, using="default"):
    t = supplier.totals(supplier.supplier_scores(scope, using=using))
    return (
        t.receipt_lines, t.on_time_lines, t.received, t.received_clean, t.ordered, t.filled,
        t.lead_mean,
    )  # fmt: skip


REFERENCES = {"supplier_scorecard": (SCORECARD_SQL, _scorecard)}
