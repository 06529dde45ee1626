"""Ledger and cost-layer sums behind the stock measures (reporting/measures/stock.py).

Every statement names the tenant first and is bounded the way the ledger's indexes serve:
- flows in a period start from the transactions' (tenant, posted_at, id) index and join their
  entries by (tenant, transaction);
- what a site holds now is the open cost layers (Σ remaining quantity and value per item and
  site equals the site's on hand and its value: `verify` checks it), not the ledger;
- "moved out since D" reads each item-site's last outbound movement, which the posting
  statement keeps (`ItemSiteActivity`), not the entries.

The filters every measure takes: `site_id`, `category` (None: every category; "": items
without one) and `abc_class` (the item's class at the entry's or layer's site, from the last
segmentation; empty: any).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connections

from erp.ranked_rows import RankedRows
from inventory.ledger import held_close
from inventory.models import TransactionKind

# Whether the tenant has a held close within reach (`HELD_CTE`).
_CLOSED = """EXISTS (
            SELECT 1 FROM inventory_heldclose c
            WHERE c.tenant_id = %(t)s AND c.ends_at >= %(reach_from)s)"""

# Corrections of the record: adjustments and approved count variances.
ADJUSTMENT_KINDS = (TransactionKind.ADJUSTMENT, TransactionKind.COUNT)


def _item_filters(item_column: str, site_column: str) -> str:
    """SQL conditions on item `i` (`item_column`) at `site_column` for the category and ABC
    class filters."""
    return f"""
      AND (%(category)s::text IS NULL OR i.category = %(category)s::text)
      AND (%(abc)s::text = '' OR EXISTS (
            SELECT 1 FROM inventory_itemsegment g
            WHERE g.tenant_id = %(t)s AND g.item_id = {item_column}
              AND g.site_id = {site_column} AND g.abc_class = %(abc)s::text))
    """


def filter_params(tenant, site_id, category, abc_class, **more) -> dict:
    """The parameters every measure's statement takes (the filters, and the held close's reach)."""
    return {
        "t": tenant.pk,
        "reach_from": held_close.reach_from(),
        "site": site_id,
        "category": category,
        "abc": abc_class or "",
        **more,
    }


# Each transaction's entries through the (tenant, transaction) index, by LATERAL ... OFFSET 0:
# with a plain join the planner, expecting hundreds of entries a transaction, scanned every
# entry of the tenant (1.5 s for 90 days at 10^7, against 0.15 s by the index).
FLOWS_SQL = """
SELECT x.kind, count(*) AS lines, coalesce(sum(e.value), 0) AS value,
       coalesce(sum(abs(e.value)), 0) AS absolute_value
FROM inventory_stocktransaction x
CROSS JOIN LATERAL (
    SELECT e.item_id, e.site_id, e.value FROM inventory_stockentry e
    WHERE e.tenant_id = %(t)s AND e.transaction_id = x.id AND e.site_id IS NOT NULL
    OFFSET 0
) e
{items}
WHERE x.tenant_id = %(t)s AND x.posted_at >= %(start)s AND x.posted_at < %(stop)s
  AND x.kind = ANY(%(kinds)s)
  AND (%(site)s::bigint IS NULL OR e.site_id = %(site)s::bigint)
  {filters}
GROUP BY x.kind
"""
# A period's flows are most of its entries: the item join is made only when an item filter
# needs it, or every entry would read its item too.
FLOWS_BY_ITEM_SQL = FLOWS_SQL.format(
    items="JOIN inventory_item i ON i.tenant_id = %(t)s AND i.id = e.item_id",
    filters=_item_filters("e.item_id", "e.site_id"),
)
FLOWS_SQL = FLOWS_SQL.format(items="", filters="")


def period_flows(
    *, tenant, start: datetime.datetime, stop: datetime.datetime, site_id=None,
    category=None, abc_class="", using: str = DEFAULT_DB_ALIAS, kinds=None,
) -> dict[str, dict]:  # fmt: skip
    """Per transaction kind (`kinds`; shipments, adjustments, counts unless given) posted in
    [start, stop): the site-side entries' count, Σ value (signed: a shipment's is negative, its
    cost of goods) and Σ |value|. Kinds with no entries are absent. A caller that needs only the
    adjustments names them: shipments are most of a period's entries."""
    kinds = [str(k) for k in (kinds or (TransactionKind.SHIPMENT, *ADJUSTMENT_KINDS))]
    params = filter_params(
        tenant, site_id, category, abc_class, start=start, stop=stop, kinds=kinds
    )
    with connections[using].cursor() as cursor:
        if category is not None or abc_class:
            cursor.execute(FLOWS_BY_ITEM_SQL, params)
        else:
            cursor.execute(FLOWS_SQL, params)
        return {
            kind: {"lines": lines, "value": value, "absolute_value": absolute}
            for kind, lines, value, absolute in cursor.fetchall()
        }


# What each item-site holds now, within the site filter: the tenant's held close
# (`inventory.ledger.held_close`, one row per item-site) with the entries posted since added to
# it (`since`: an hour or two of entries, summed by item-site first, so the close's rows are
# read once and never grouped); without a close within reach (`%(reach_from)s`), its open cost
# layers summed (an index-only scan of the open layers' index, which carries their sums). Each
# branch's condition is a one-time filter: the other branch is never read. Materialized: the
# excess and dead stock lists read it (`purchasing.planning.selectors`) in one statement.
HELD_CTE = f"""since AS MATERIALIZED (
    SELECT s.item_id, s.site_id, sum(s.quantity) AS quantity, sum(s.value) AS value
    FROM inventory_heldclose c
    CROSS JOIN LATERAL ({held_close.ENTRIES_SINCE.format(since="c.ends_at")}) s
    WHERE c.tenant_id = %(t)s AND c.ends_at >= %(reach_from)s
      AND (%(site)s::bigint IS NULL OR s.site_id = %(site)s::bigint)
    GROUP BY s.item_id, s.site_id
),
held AS MATERIALIZED (
    SELECT v.item_id, v.site_id, v.quantity + coalesce(d.quantity, 0) AS quantity,
           v.value + coalesce(d.value, 0) AS value
    FROM inventory_heldvalue v
    LEFT JOIN since d ON d.item_id = v.item_id AND d.site_id = v.site_id
    WHERE v.tenant_id = %(t)s AND ({_CLOSED})
      AND (%(site)s::bigint IS NULL OR v.site_id = %(site)s::bigint)
    UNION ALL
    -- Item-sites that held nothing at the close.
    SELECT d.item_id, d.site_id, d.quantity, d.value
    FROM since d
    WHERE NOT EXISTS (
        SELECT 1 FROM inventory_heldvalue v
        WHERE v.tenant_id = %(t)s AND v.site_id = d.site_id AND v.item_id = d.item_id)
    UNION ALL
    SELECT l.item_id, l.site_id, sum(l.remaining_quantity), sum(l.remaining_value)
    FROM inventory_costlayer l
    WHERE l.tenant_id = %(t)s AND l.remaining_quantity > 0 AND NOT ({_CLOSED})
      AND (%(site)s::bigint IS NULL OR l.site_id = %(site)s::bigint)
    GROUP BY l.item_id, l.site_id
)"""

# The category and ABC filters on a held item-site `h`, without joining every item to it (the
# planner, which cannot see how many item-sites the sum gives, then loops over them by index).
HELD_FILTERS = """
      AND (%(category)s::text IS NULL OR EXISTS (
            SELECT 1 FROM inventory_item i
            WHERE i.tenant_id = %(t)s AND i.id = h.item_id AND i.category = %(category)s::text))
      AND (%(abc)s::text = '' OR EXISTS (
            SELECT 1 FROM inventory_itemsegment g
            WHERE g.tenant_id = %(t)s AND g.item_id = h.item_id AND g.site_id = h.site_id
              AND g.abc_class = %(abc)s::text))"""

# The names of a window `w`'s items and sites: read for the rows shown only.
SITE_CODE = """
    CROSS JOIN LATERAL (
        SELECT s.code FROM inventory_site s WHERE s.tenant_id = %(t)s AND s.id = w.site_id) s"""
WINDOW_NAMES = (
    """
    CROSS JOIN LATERAL (
        SELECT i.sku, i.description, i.category FROM inventory_item i
        WHERE i.tenant_id = %(t)s AND i.id = w.item_id) i"""
    + SITE_CODE
)

# The held item-sites with no outbound movement (shipment, transfer out) posted since `since`:
# those the posting statement saw leave recently (`ItemSiteActivity`) are left out.
DEAD_CTE = f"""dead AS MATERIALIZED (
    SELECT h.item_id, h.site_id, h.quantity, h.value
    FROM held h
    WHERE h.quantity > 0 {HELD_FILTERS}
      AND NOT EXISTS (
        SELECT 1 FROM inventory_itemsiteactivity a
        WHERE a.tenant_id = %(t)s AND a.item_id = h.item_id AND a.site_id = h.site_id
          AND a.last_outbound_at >= %(since)s)
)"""


def dead_parts(offset: str) -> str:
    """The ranked window of dead stock from the parameter `offset` names, and each site's
    count and value (`erp.ranked_rows`)."""
    return f"""
    SELECT 'row' AS part, w.item_id, w.site_id, i.sku, i.description, i.category,
           s.code AS site_code, w.quantity, w.value, NULL::bigint AS rows
    FROM (
        SELECT * FROM dead ORDER BY value DESC, item_id, site_id
        LIMIT %(limit)s OFFSET %({offset})s
    ) w {WINDOW_NAMES}
    UNION ALL
    SELECT 'total', NULL, w.site_id, NULL, NULL, NULL, s.code, NULL, w.value, w.rows
    FROM (
        SELECT site_id, sum(value) AS value, count(*) AS rows FROM dead GROUP BY site_id
    ) w {SITE_CODE}"""


DEAD_SQL = f"""
WITH {HELD_CTE},
{DEAD_CTE}
SELECT * FROM ({dead_parts("offset")}) r
ORDER BY part = 'total', value DESC, item_id, site_id
"""


def dead_stock(
    *, tenant, since: datetime.datetime, site_id=None, category=None, abc_class="",
    using: str = DEFAULT_DB_ALIAS, offset: int = 0, head: list[dict] | None = None,
) -> RankedRows:  # fmt: skip
    """Item-sites holding stock with no outbound movement (shipment, transfer out) posted
    since `since`, most valuable first: item, site, quantity and value held now; totals per
    site. The window read with the totals starts at `offset` (`head`: those rows, when read
    with the excess stock in one pass)."""
    params = filter_params(tenant, site_id, category, abc_class, since=since)

    def run(offset: int, limit: int) -> list[dict]:
        with connections[using].cursor() as cursor:
            cursor.execute(DEAD_SQL, {**params, "offset": offset, "limit": limit})
            names = [c.name for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    return RankedRows(run, offset=offset, head=head)


def value_as_of(
    *, tenant, day: datetime.date, site_id=None, category=None, abc_class="",
    using: str = DEFAULT_DB_ALIAS,
) -> Decimal:  # fmt: skip
    """Stock value at the end of `day` (each site's own midnight), through the valuation's
    groups (`inventory.selectors.valuation`: the sites' closed days, else the monthly
    snapshots, plus the entries since); with an ABC class, item by item at each site,
    keeping the items of that class there."""
    from inventory.models import ItemSegment, Site
    from inventory.selectors.valuation import ValuationGroups

    total = Decimal(0)
    if not abc_class:
        groups = ValuationGroups(
            tenant_id=tenant.pk, by="site_category", day=day, site_id=site_id,
            category=category, alias=using,
        )  # fmt: skip
        return groups.totals()["total_value"]
    sites = Site.objects.using(using).filter(tenant=tenant)
    if site_id is not None:
        sites = sites.filter(pk=site_id)
    for site_pk in sites.values_list("pk", flat=True):
        members = set(
            ItemSegment.objects.using(using)
            .filter(tenant=tenant, site_id=site_pk, abc_class=abc_class)
            .values_list("item_id", flat=True)
        )
        if not members:
            continue
        rows = ValuationGroups(
            tenant_id=tenant.pk, by="item", day=day, site_id=site_pk, category=category,
            alias=using,
        ).rows  # fmt: skip
        total += sum((r["value"] for r in rows if r["item"] in members), Decimal(0))
    return total
