"""What the run reads: one row of figures per item and site, in one SQL statement.

Demand is what left a site's bins in shipments to customers (net of shipment reversals,
counted on the shipment's day, as segmentation does) plus backorders: unallocated sales demand
published by orders whose promised date has come. Each counts on its day in the site's time
zone. Supply and claims come from inventory's balances (available stock, its reservations) and
projections (scheduled receipts, transfers in, backorders), plus this app's own draft purchase
order lines, which publish nothing until approved but must not be suggested twice.

Lead time per supplier: from sending (else approving) each order to the first goods received on
its lines over the last year, mean and population spread in days; a supplier without receipts
falls back to the item's stated lead time with no spread. The supplier per item: the preferred
one, else the cheapest, else the fastest (then by code), among active suppliers.

Seasonal figures: the demand of the same 28 days a year ago (`base`, the 364 days back keep the
weekdays) and of the days a year ago that the coming lead time and order cycle cover (`ahead`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from erp.models import Tenant

RECENT_DAYS = 28
YEAR_DAYS = 364  # 52 weeks: the same weekdays a year back
# For an item no supplier sells (it can still give or take transfers).
FALLBACK_LEAD_TIME_DAYS = 7
LEAD_TIME_YEAR_DAYS = 365


@dataclass
class Figures:
    item_id: int
    site_id: int
    sku: str
    site_code: str
    abc: str
    xyz: str
    demand_total: Decimal  # over the window
    demand_squares: Decimal  # sum of squared daily demand over the window
    recent: Decimal  # the last RECENT_DAYS
    base: Decimal  # the same RECENT_DAYS a year ago
    ahead: Decimal  # a year ago, the horizon's days after `base`
    supplier_id: int | None
    supplier_code: str | None
    pack_size: Decimal | None
    minimum_order: Decimal | None
    unit_cost: Decimal | None
    lead_time: Decimal
    lead_time_sd: Decimal
    on_hand: Decimal
    reserved: Decimal
    on_order: Decimal
    in_transit: Decimal
    backorders: Decimal


SQL = """
WITH lead AS (
    SELECT o.supplier_id,
           avg(extract(epoch FROM l.first_received_at - coalesce(o.sent_at, o.approved_at))
               / 86400) AS mean,
           stddev_pop(extract(epoch FROM l.first_received_at - coalesce(o.sent_at, o.approved_at))
               / 86400) AS sd
    FROM purchasing_purchaseorderline l
    JOIN purchasing_purchaseorder o ON o.tenant_id = l.tenant_id AND o.id = l.order_id
    WHERE l.tenant_id = %(tenant)s AND l.first_received_at >= %(lead_since)s
      AND coalesce(o.sent_at, o.approved_at) IS NOT NULL
    GROUP BY o.supplier_id
),
sources AS (
    SELECT DISTINCT ON (si.item_id)
           si.item_id, si.supplier_id, s.code AS supplier_code, si.pack_size,
           si.minimum_order_quantity, si.price,
           coalesce(round(lead.mean::numeric, 2),
                    coalesce(si.lead_time_days, s.default_lead_time_days)) AS lt,
           coalesce(round(lead.sd::numeric, 2), 0) AS lt_sd
    FROM purchasing_supplieritem si
    JOIN purchasing_supplier s ON s.tenant_id = si.tenant_id AND s.id = si.supplier_id
    LEFT JOIN lead ON lead.supplier_id = si.supplier_id
    WHERE si.tenant_id = %(tenant)s AND s.is_active
    ORDER BY si.item_id, si.preferred DESC, si.price, lt, s.code
),
flows AS (
    SELECT e.item_id, e.site_id,
           (coalesce(o.posted_at, t.posted_at) AT TIME ZONE s.time_zone)::date AS day,
           -e.quantity AS q
    FROM inventory_stocktransaction t
    LEFT JOIN inventory_stocktransaction o
           ON o.tenant_id = t.tenant_id AND o.id = t.reverses_id AND o.kind = 'shipment'
    JOIN inventory_stockentry e ON e.tenant_id = t.tenant_id AND e.transaction_id = t.id
    JOIN inventory_site s ON s.tenant_id = e.tenant_id AND s.id = e.site_id
    WHERE t.tenant_id = %(tenant)s
      -- A loose range of instants for the posted_at index; the exact days follow.
      AND t.posted_at >= %(earliest)s AND t.posted_at < %(latest)s
      AND (t.kind = 'shipment' OR (t.kind = 'reversal' AND o.id IS NOT NULL))
    UNION ALL
    SELECT item_id, site_id, date, -quantity
    FROM inventory_projection
    WHERE tenant_id = %(tenant)s AND kind = 'demand'
      AND date >= %(first_day)s AND date <= %(as_of)s
),
daily AS (
    SELECT item_id, site_id, day, sum(q) AS q
    FROM flows
    WHERE day >= %(first_day)s AND day <= %(as_of)s
    GROUP BY item_id, site_id, day
),
demand AS (
    SELECT item_id, site_id,
           sum(q) FILTER (WHERE day > %(window_start)s) AS total,
           sum(q * q) FILTER (WHERE day > %(window_start)s) AS squares,
           sum(q) FILTER (WHERE day > %(recent_start)s) AS recent,
           sum(q) FILTER (WHERE day > %(base_start)s AND day <= %(base_end)s) AS base
    FROM daily
    GROUP BY item_id, site_id
),
ahead AS (
    SELECT d.item_id, d.site_id, sum(d.q) AS q
    FROM daily d
    LEFT JOIN sources src ON src.item_id = d.item_id
    WHERE d.day > %(base_end)s
      AND d.day <= %(base_end)s::date
          + (ceil(coalesce(src.lt, %(fallback_lt)s)) + %(cycle)s)::int
    GROUP BY d.item_id, d.site_id
),
balances AS (
    SELECT item_id, site_id, sum(on_hand) AS on_hand, sum(reserved) AS reserved
    FROM inventory_stockbalance
    WHERE tenant_id = %(tenant)s AND is_real AND status = 'available'
    GROUP BY item_id, site_id
),
projected AS (
    SELECT item_id, site_id,
           sum(quantity) FILTER (WHERE kind = 'scheduled_receipt') AS on_order,
           sum(quantity) FILTER (WHERE kind = 'transfer_in') AS in_transit,
           -sum(quantity) FILTER (WHERE kind = 'demand' AND date <= %(as_of)s) AS backorders
    FROM inventory_projection
    WHERE tenant_id = %(tenant)s
    GROUP BY item_id, site_id
),
drafts AS (
    SELECT l.item_id, o.site_id, sum(l.quantity_base) AS quantity
    FROM purchasing_purchaseorderline l
    JOIN purchasing_purchaseorder o ON o.tenant_id = l.tenant_id AND o.id = l.order_id
    WHERE l.tenant_id = %(tenant)s AND o.status = 'draft'
    GROUP BY l.item_id, o.site_id
),
keys AS (
    SELECT item_id, site_id FROM balances
    UNION SELECT item_id, site_id FROM projected
    UNION SELECT item_id, site_id FROM demand
)
SELECT k.item_id, k.site_id, i.sku, st.code,
       coalesce(seg.abc_class, 'C'), coalesce(seg.xyz_class, 'Z'),
       coalesce(dm.total, 0), coalesce(dm.squares, 0), coalesce(dm.recent, 0),
       coalesce(dm.base, 0), coalesce(ah.q, 0),
       src.supplier_id, src.supplier_code, src.pack_size, src.minimum_order_quantity, src.price,
       coalesce(src.lt, %(fallback_lt)s), coalesce(src.lt_sd, 0),
       coalesce(b.on_hand, 0), coalesce(b.reserved, 0),
       coalesce(p.on_order, 0) + coalesce(dr.quantity, 0), coalesce(p.in_transit, 0),
       coalesce(p.backorders, 0)
FROM keys k
JOIN inventory_item i ON i.tenant_id = %(tenant)s AND i.id = k.item_id AND i.is_active
JOIN inventory_site st ON st.tenant_id = %(tenant)s AND st.id = k.site_id AND st.is_active
LEFT JOIN inventory_itemsegment seg
       ON seg.tenant_id = %(tenant)s AND seg.item_id = k.item_id AND seg.site_id = k.site_id
LEFT JOIN demand dm ON dm.item_id = k.item_id AND dm.site_id = k.site_id
LEFT JOIN ahead ah ON ah.item_id = k.item_id AND ah.site_id = k.site_id
LEFT JOIN sources src ON src.item_id = k.item_id
LEFT JOIN balances b ON b.item_id = k.item_id AND b.site_id = k.site_id
LEFT JOIN projected p ON p.item_id = k.item_id AND p.site_id = k.site_id
LEFT JOIN drafts dr ON dr.item_id = k.item_id AND dr.site_id = k.site_id
ORDER BY k.item_id, k.site_id
"""


def read(
    *, tenant: Tenant, as_of: datetime.date, window_days: int, cycle_days: int
) -> list[Figures]:
    """Every active item at every active site where it has stock, supply, demand or history,
    with the figures the suggestion needs, in one query."""
    day = datetime.timedelta(days=1)
    first_day = as_of - (YEAR_DAYS + RECENT_DAYS) * day
    first_day = min(first_day, as_of - window_days * day)
    # Instants that surely hold every site's local days, whatever its offset.
    earliest = datetime.datetime.combine(first_day - day, datetime.time.min, tzinfo=datetime.UTC)
    latest = datetime.datetime.combine(as_of + 2 * day, datetime.time.min, tzinfo=datetime.UTC)
    params = {
        "tenant": tenant.pk,
        "as_of": as_of,
        "first_day": first_day,
        "earliest": earliest,
        "latest": latest,
        "window_start": as_of - window_days * day,
        "recent_start": as_of - RECENT_DAYS * day,
        "base_start": as_of - (YEAR_DAYS + RECENT_DAYS) * day,
        "base_end": as_of - YEAR_DAYS * day,
        "lead_since": latest - LEAD_TIME_YEAR_DAYS * day,
        "fallback_lt": FALLBACK_LEAD_TIME_DAYS,
        "cycle": cycle_days,
    }
    with connection.cursor() as cursor:
        # Every input is read whole and joined on equal keys: hash joins serve. Statistics
        # that lag behind a night's postings make nested loops over the aggregates look cheap,
        # and those run for minutes; they are off for this statement only.
        # (A failing statement rolls the setting back with the transaction.)
        cursor.execute("SELECT set_config('enable_nestloop', 'off', true)")
        cursor.execute(SQL, params)
        rows = cursor.fetchall()
        cursor.execute("SELECT set_config('enable_nestloop', 'on', true)")
        return [Figures(*row) for row in rows]
