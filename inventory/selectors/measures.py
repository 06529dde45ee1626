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
from inventory.models import TransactionKind

# Corrections of the record: adjustments and approved count variances.
ADJUSTMENT_KINDS = (TransactionKind.ADJUSTMENT, TransactionKind.COUNT)


def item_filters(item_column: str, site_column: str) -> str:
    """SQL conditions on item `i` (`item_column`) at `site_column` for the category and ABC
    class filters."""
    return f"""
      AND (%(category)s::text IS NULL OR i.category = %(category)s::text)
      AND (%(abc)s::text = '' OR EXISTS (
            SELECT 1 FROM inventory_itemsegment g
            WHERE g.tenant_id = %(t)s AND g.item_id = {item_column}
              AND g.site_id = {site_column} AND g.abc_class = %(abc)s::text))
    """


def _params(tenant, site_id, category, abc_class, **more) -> dict:
    return {
        "t": tenant.pk,
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
    filters=item_filters("e.item_id", "e.site_id"),
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
    params = _params(tenant, site_id, category, abc_class, start=start, stop=stop, kinds=kinds)
    with connections[using].cursor() as cursor:
        if category is not None or abc_class:
            cursor.execute(FLOWS_BY_ITEM_SQL, params)
        else:
            cursor.execute(FLOWS_SQL, params)
        return {
            kind: {"lines": lines, "value": value, "absolute_value": absolute}
            for kind, lines, value, absolute in cursor.fetchall()
        }


# The item-sites with no outbound movement (shipment, transfer out) posted since `since`, and
# what each holds now (its open cost layers). The candidates are the filtered items at each
# site less those the posting statement saw leave recently (`ItemSiteActivity`); only theirs
# are summed, by the open layers' index: summing every open layer first cost 0.7 s at 10^7.
# One pass gives the ranked window asked for and each site's count and value.
DEAD_SQL = f"""
WITH candidate AS (
    SELECT i.id AS item_id, s.id AS site_id, i.sku, i.description, i.category,
           s.code AS site_code
    FROM inventory_item i CROSS JOIN inventory_site s
    WHERE i.tenant_id = %(t)s AND s.tenant_id = %(t)s
      AND (%(site)s::bigint IS NULL OR s.id = %(site)s::bigint)
      {item_filters("i.id", "s.id")}
      AND NOT EXISTS (
        SELECT 1 FROM inventory_itemsiteactivity a
        WHERE a.tenant_id = %(t)s AND a.item_id = i.id AND a.site_id = s.id
          AND a.last_outbound_at >= %(since)s)
),
dead AS MATERIALIZED (
    SELECT c.item_id, c.site_id, c.sku, c.description, c.category, c.site_code,
           held.quantity, held.value
    FROM candidate c CROSS JOIN LATERAL (
        SELECT sum(l.remaining_quantity) AS quantity, sum(l.remaining_value) AS value
        FROM inventory_costlayer l
        WHERE l.tenant_id = %(t)s AND l.item_id = c.item_id AND l.site_id = c.site_id
          AND l.remaining_quantity > 0
    ) held
    WHERE held.quantity > 0
)
SELECT * FROM (
    SELECT 'row' AS part, w.*, NULL::bigint AS rows FROM (
        SELECT * FROM dead ORDER BY value DESC, item_id, site_id
        LIMIT %(limit)s OFFSET %(offset)s
    ) w
    UNION ALL
    SELECT 'total', NULL, site_id, NULL, NULL, NULL, site_code, NULL, sum(value), count(*)
    FROM dead GROUP BY site_id, site_code
) r
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
    params = _params(tenant, site_id, category, abc_class, since=since)

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
