"""Supplier performance from the dock's receipts and the purchase order lines (DOMAIN.md,
"Measures"), per supplier, in one statement:

- on time = receipt lines received by the end of their promised day (the order line's
  expected date, else the order's, in the order's site's time zone) / receipt lines received
  in the period;
- fill = Σ least(received, ordered) / Σ ordered over the lines due in the period (expected
  date inside it) that are closed: fully received or short-closed (cancelled orders aside);
- quality = quantity received on receipt lines with no discrepancy recorded against them /
  quantity received, receipt lines received in the period;
- lead time = days from sending (else approving) the order to the line's first goods, for the
  lines first received in the period: mean and population standard deviation (the spread the
  planning run uses).

Filters: the orders' site and supplier, the items' category (None: any; "": none) and ABC
class at the order's site.
"""

from __future__ import annotations

import datetime

from django.db import DEFAULT_DB_ALIAS, connections

from purchasing.models import OrderStatus

_FILTERS = """
      AND (%(site)s::bigint IS NULL OR o.site_id = %(site)s::bigint)
      AND (%(supplier)s::bigint IS NULL OR o.supplier_id = %(supplier)s::bigint)
      AND (%(category)s::text IS NULL OR i.category = %(category)s::text)
      AND (%(abc)s::text = '' OR EXISTS (
            SELECT 1 FROM inventory_itemsegment g
            WHERE g.tenant_id = %(t)s AND g.item_id = i.id AND g.site_id = o.site_id
              AND g.abc_class = %(abc)s::text))
"""

SCORECARD_SQL = f"""
WITH receipts AS (
    SELECT o.supplier_id,
           count(*) AS receipt_lines,
           count(*) FILTER (WHERE r.received_at < (
               (coalesce(ol.expected_date, o.expected_date) + 1)::timestamp
               AT TIME ZONE s.time_zone)) AS on_time_lines,
           sum(r.quantity_base) AS received,
           coalesce(sum(r.quantity_base) FILTER (WHERE NOT EXISTS (
               SELECT 1 FROM warehouse_discrepancy d
               WHERE d.tenant_id = %(t)s AND d.receipt_line_id = r.id)), 0) AS received_clean
    FROM warehouse_receiptline r
    JOIN purchasing_purchaseorder o ON o.tenant_id = %(t)s AND o.id = r.order_id
    LEFT JOIN purchasing_purchaseorderline ol ON ol.tenant_id = %(t)s AND ol.id = r.order_line_id
    JOIN inventory_site s ON s.tenant_id = %(t)s AND s.id = o.site_id
    JOIN inventory_item i ON i.tenant_id = %(t)s AND i.id = r.item_id
    WHERE r.tenant_id = %(t)s AND r.received_at >= %(start)s AND r.received_at < %(stop)s
      {_FILTERS}
    GROUP BY o.supplier_id
),
fills AS (
    SELECT o.supplier_id, count(*) AS closed_lines, sum(ol.quantity_base) AS ordered,
           sum(least(ol.received_base, ol.quantity_base)) AS filled
    FROM purchasing_purchaseorderline ol
    JOIN purchasing_purchaseorder o ON o.tenant_id = %(t)s AND o.id = ol.order_id
    JOIN inventory_item i ON i.tenant_id = %(t)s AND i.id = ol.item_id
    WHERE ol.tenant_id = %(t)s
      AND ol.expected_date >= %(first_day)s AND ol.expected_date <= %(last_day)s
      AND o.status <> %(cancelled)s
      AND (ol.short_closed OR ol.received_base >= ol.quantity_base)
      {_FILTERS}
    GROUP BY o.supplier_id
),
leads AS (
    SELECT o.supplier_id, count(*) AS lead_lines,
           avg(extract(epoch FROM ol.first_received_at - coalesce(o.sent_at, o.approved_at))
               / 86400) AS lead_mean,
           stddev_pop(extract(epoch FROM ol.first_received_at
                              - coalesce(o.sent_at, o.approved_at)) / 86400) AS lead_sd
    FROM purchasing_purchaseorderline ol
    JOIN purchasing_purchaseorder o ON o.tenant_id = %(t)s AND o.id = ol.order_id
    JOIN inventory_item i ON i.tenant_id = %(t)s AND i.id = ol.item_id
    WHERE ol.tenant_id = %(t)s
      AND ol.first_received_at >= %(start)s AND ol.first_received_at < %(stop)s
      AND coalesce(o.sent_at, o.approved_at) IS NOT NULL
      {_FILTERS}
    GROUP BY o.supplier_id
),
suppliers AS (
    SELECT supplier_id FROM receipts UNION SELECT supplier_id FROM fills
    UNION SELECT supplier_id FROM leads
)
SELECT sp.id AS supplier_id, sp.code, sp.name,
       coalesce(r.receipt_lines, 0) AS receipt_lines, coalesce(r.on_time_lines, 0) AS on_time_lines,
       coalesce(r.received, 0) AS received, coalesce(r.received_clean, 0) AS received_clean,
       coalesce(f.closed_lines, 0) AS closed_lines, coalesce(f.ordered, 0) AS ordered,
       coalesce(f.filled, 0) AS filled,
       coalesce(l.lead_lines, 0) AS lead_lines, l.lead_mean, l.lead_sd
FROM suppliers u
JOIN purchasing_supplier sp ON sp.tenant_id = %(t)s AND sp.id = u.supplier_id
LEFT JOIN receipts r ON r.supplier_id = u.supplier_id
LEFT JOIN fills f ON f.supplier_id = u.supplier_id
LEFT JOIN leads l ON l.supplier_id = u.supplier_id
ORDER BY sp.code
"""


def supplier_scorecard(
    *, tenant, start: datetime.datetime, stop: datetime.datetime, first_day: datetime.date,
    last_day: datetime.date, site_id=None, supplier_id=None, category=None, abc_class: str = "",
    using: str = DEFAULT_DB_ALIAS,
) -> list[dict]:  # fmt: skip
    """One row per supplier with any receipt, closed line due or first receipt in the period:
    the counts and sums of the measures above ([start, stop) the period's instants, first_day
    to last_day its days)."""
    params = {
        "t": tenant.pk, "start": start, "stop": stop, "first_day": first_day,
        "last_day": last_day, "site": site_id, "supplier": supplier_id, "category": category,
        "abc": abc_class or "", "cancelled": OrderStatus.CANCELLED,
    }  # fmt: skip
    with connections[using].cursor() as cursor:
        cursor.execute(SCORECARD_SQL, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


RECEIPTS_SQL = f"""
SELECT r.id, r.received_at, o.id AS order_id, o.number, ol.line_no, i.sku, r.quantity_base,
       coalesce(ol.expected_date, o.expected_date) AS promised,
       r.received_at < ((coalesce(ol.expected_date, o.expected_date) + 1)::timestamp
                        AT TIME ZONE s.time_zone) AS on_time,
       EXISTS (SELECT 1 FROM warehouse_discrepancy d
               WHERE d.tenant_id = %(t)s AND d.receipt_line_id = r.id) AS discrepancy
FROM warehouse_receiptline r
JOIN purchasing_purchaseorder o ON o.tenant_id = %(t)s AND o.id = r.order_id
LEFT JOIN purchasing_purchaseorderline ol ON ol.tenant_id = %(t)s AND ol.id = r.order_line_id
JOIN inventory_site s ON s.tenant_id = %(t)s AND s.id = o.site_id
JOIN inventory_item i ON i.tenant_id = %(t)s AND i.id = r.item_id
WHERE r.tenant_id = %(t)s AND r.received_at >= %(start)s AND r.received_at < %(stop)s
  {_FILTERS}
ORDER BY r.received_at DESC, r.id DESC
LIMIT %(limit)s
"""


def supplier_receipts(
    *, tenant, start: datetime.datetime, stop: datetime.datetime, supplier_id: int,
    site_id=None, category=None, abc_class: str = "", limit: int = 500,
    using: str = DEFAULT_DB_ALIAS,
) -> list[dict]:  # fmt: skip
    """The supplier's receipt lines in the period, newest first (at most `limit`), each with
    its promised day, whether it came on time and whether a discrepancy was recorded."""
    params = {
        "t": tenant.pk, "start": start, "stop": stop, "site": site_id,
        "supplier": supplier_id, "category": category, "abc": abc_class or "", "limit": limit,
    }  # fmt: skip
    with connections[using].cursor() as cursor:
        cursor.execute(RECEIPTS_SQL, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
