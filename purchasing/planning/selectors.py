"""Reads for the planning pages."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

from erp.models import Tenant
from erp.ranked_rows import FIRST, RankedRows
from inventory.selectors.measures import (
    DEAD_CTE,
    HELD_CTE,
    HELD_FILTERS,
    SITE_CODE,
    WINDOW_NAMES,
    dead_parts,
    dead_stock,
    filter_params,
)
from purchasing.models import PlanningLevel, PlanningRun, ReorderSuggestion, RunStatus


def suggestions(*, tenant: Tenant) -> QuerySet[ReorderSuggestion]:
    return ReorderSuggestion.objects.filter(tenant=tenant).select_related(
        "item", "site", "supplier", "from_site", "purchase_order", "decided_by"
    )


def runs(*, tenant: Tenant) -> QuerySet[PlanningRun]:
    return PlanningRun.objects.filter(tenant=tenant).select_related("created_by")


def latest_run(*, tenant: Tenant) -> PlanningRun | None:
    return runs(tenant=tenant).first()


def running(*, tenant: Tenant) -> PlanningRun | None:
    return runs(tenant=tenant).filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).first()


def latest_levels_date(*, tenant: Tenant, using: str = DEFAULT_DB_ALIAS):
    """The day the kept planning levels were computed for, or None before any run."""
    # Any row: a run replaces all of them. Unordered, so no join for Meta.ordering's site.
    days = PlanningLevel.objects.using(using).filter(tenant=tenant).order_by()
    return next(iter(days.values_list("as_of", flat=True)[:1]), None)


# What each item-site holds now (`HELD_CTE`) against the last run's order-up-to; what is above
# it is excess, valued at the layers' average cost.
EXCESS_CTE = f"""excess AS MATERIALIZED (
    SELECT h.item_id, h.site_id, h.quantity, h.value, p.order_up_to,
           h.quantity - p.order_up_to AS excess_quantity,
           (h.quantity - p.order_up_to) * h.value / h.quantity AS excess_value
    FROM held h
    JOIN purchasing_planninglevel p
      ON p.tenant_id = %(t)s AND p.item_id = h.item_id AND p.site_id = h.site_id
    WHERE h.quantity > p.order_up_to {HELD_FILTERS}
)"""


def _excess_parts(offset: str) -> str:
    """The ranked window of excess from the parameter `offset` names, and each site's count
    and value (`erp.ranked_rows`)."""
    return f"""
    SELECT 'row' AS part, w.item_id, w.site_id, i.sku, i.description, i.category,
           s.code AS site_code, w.quantity, w.value, w.order_up_to, w.excess_quantity,
           w.excess_value, NULL::bigint AS rows
    FROM (
        SELECT * FROM excess ORDER BY excess_value DESC, item_id, site_id
        LIMIT %(limit)s OFFSET %({offset})s
    ) w {WINDOW_NAMES}
    UNION ALL
    SELECT 'total', NULL, w.site_id, NULL, NULL, NULL, s.code, NULL, NULL, NULL, NULL,
           w.excess_value, w.rows
    FROM (
        SELECT site_id, sum(excess_value) AS excess_value, count(*) AS rows
        FROM excess GROUP BY site_id
    ) w {SITE_CODE}"""


EXCESS_SQL = f"""
WITH {HELD_CTE},
{EXCESS_CTE}
SELECT * FROM ({_excess_parts("offset")}) r
ORDER BY part = 'total', excess_value DESC, item_id, site_id
"""

# Item-sites the last run saw at risk: on hand + on order (and in transit) below the reorder
# point, or nothing on hand while backorders wait.
AT_RISK_SQL = """
SELECT p.item_id, p.site_id, i.sku, i.description, s.code AS site_code, p.on_hand,
       p.on_order, p.backorders, p.reorder_point
FROM purchasing_planninglevel p
JOIN inventory_item i ON i.tenant_id = %(t)s AND i.id = p.item_id
JOIN inventory_site s ON s.tenant_id = %(t)s AND s.id = p.site_id
WHERE p.tenant_id = %(t)s
  AND (p.on_hand + p.on_order < p.reorder_point OR (p.on_hand <= 0 AND p.backorders > 0))
  AND (%(site)s::bigint IS NULL OR p.site_id = %(site)s::bigint)
  AND (%(category)s::text IS NULL OR i.category = %(category)s::text)
  AND (%(abc)s::text = '' OR EXISTS (
        SELECT 1 FROM inventory_itemsegment g
        WHERE g.tenant_id = %(t)s AND g.item_id = p.item_id AND g.site_id = p.site_id
          AND g.abc_class = %(abc)s::text))
ORDER BY i.sku, s.code
"""


# How many: no item or site joined but for a category filter.
AT_RISK_COUNT_SQL = """
SELECT count(*) FROM purchasing_planninglevel p
WHERE p.tenant_id = %(t)s
  AND (p.on_hand + p.on_order < p.reorder_point OR (p.on_hand <= 0 AND p.backorders > 0))
  AND (%(site)s::bigint IS NULL OR p.site_id = %(site)s::bigint)
  AND (%(category)s::text IS NULL OR EXISTS (
        SELECT 1 FROM inventory_item i
        WHERE i.tenant_id = %(t)s AND i.id = p.item_id AND i.category = %(category)s::text))
  AND (%(abc)s::text = '' OR EXISTS (
        SELECT 1 FROM inventory_itemsegment g
        WHERE g.tenant_id = %(t)s AND g.item_id = p.item_id AND g.site_id = p.site_id
          AND g.abc_class = %(abc)s::text))
"""


def _dicts(cursor) -> list[dict]:
    names = [c.name for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def excess_stock(
    *, tenant: Tenant, site_id=None, category=None, abc_class: str = "",
    using: str = DEFAULT_DB_ALIAS, offset: int = 0, head: list[dict] | None = None,
) -> RankedRows:  # fmt: skip
    """Item-sites holding more than the last planning run's order-up-to, with the quantity and
    value above it (at the layers' average cost), most valuable first; totals per site. The
    window read with the totals starts at `offset` (the page a table will show; `head`: those
    rows, when read with the dead stock in one pass)."""
    params = filter_params(tenant, site_id, category, abc_class)

    def run(offset: int, limit: int) -> list[dict]:
        with connections[using].cursor() as cursor:
            cursor.execute(EXCESS_SQL, {**params, "offset": offset, "limit": limit})
            return _dicts(cursor)

    return RankedRows(run, value_key="excess_value", offset=offset, head=head)


# Both lists of the excess and dead stock page from one sum of the open cost layers per
# item-site (the largest part of either statement: 358,846 open layers at 10^7), each list's
# window from its own offset and its totals per site, told apart by `list`.
EXCESS_AND_DEAD_SQL = f"""
WITH {HELD_CTE},
{EXCESS_CTE},
{DEAD_CTE}
SELECT * FROM (
    SELECT 'excess' AS list, x.* FROM ({_excess_parts("excess_offset")}) x
    UNION ALL
    SELECT 'dead', d.part, d.item_id, d.site_id, d.sku, d.description, d.category,
           d.site_code, d.quantity, d.value, NULL, NULL, NULL, d.rows
    FROM ({dead_parts("dead_offset")}) d
) r
ORDER BY list, part = 'total', coalesce(excess_value, value) DESC, item_id, site_id
"""


# The excess columns a dead stock row has not (its rows are those of `dead_stock`).
DEAD_ONLY_LACKS = ("order_up_to", "excess_quantity", "excess_value")


def excess_and_dead_stock(
    *, tenant: Tenant, since, site_id=None, category=None, abc_class: str = "",
    using: str = DEFAULT_DB_ALIAS, excess_offset: int = 0, dead_offset: int = 0,
) -> tuple[RankedRows, RankedRows]:  # fmt: skip
    """`excess_stock` and `inventory.selectors.measures.dead_stock` with the windows at their
    offsets read in one statement; another window of either runs that list's own."""
    params = filter_params(tenant, site_id, category, abc_class)
    with connections[using].cursor() as cursor:
        cursor.execute(
            EXCESS_AND_DEAD_SQL,
            {**params, "since": since, "limit": FIRST, "excess_offset": excess_offset,
             "dead_offset": dead_offset},
        )  # fmt: skip
        rows = _dicts(cursor)
    heads = {"excess": [], "dead": []}
    for row in rows:
        kind = row.pop("list")
        if kind == "dead":
            for key in DEAD_ONLY_LACKS:
                del row[key]
        heads[kind].append(row)
    filters = {"site_id": site_id, "category": category, "abc_class": abc_class}
    excess = excess_stock(
        tenant=tenant, using=using, offset=excess_offset, head=heads["excess"], **filters
    )
    dead = dead_stock(
        tenant=tenant, since=since, using=using, offset=dead_offset, head=heads["dead"], **filters
    )
    return excess, dead


def stockout_risk_count(
    *, tenant: Tenant, site_id=None, category=None, abc_class: str = "",
    using: str = DEFAULT_DB_ALIAS,
) -> int:  # fmt: skip
    """How many item-sites `stockout_risk` lists."""
    params = filter_params(tenant, site_id, category, abc_class)
    with connections[using].cursor() as cursor:
        cursor.execute(AT_RISK_COUNT_SQL, params)
        return cursor.fetchone()[0]


def stockout_risk(
    *, tenant: Tenant, site_id=None, category=None, abc_class: str = "",
    using: str = DEFAULT_DB_ALIAS,
) -> list[dict]:  # fmt: skip
    """Item-sites the last planning run found at risk of a stockout (see AT_RISK_SQL)."""
    params = filter_params(tenant, site_id, category, abc_class)
    with connections[using].cursor() as cursor:
        cursor.execute(AT_RISK_SQL, params)
        return _dicts(cursor)
