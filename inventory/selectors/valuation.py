"""Inventory value as of a date, from the period snapshots plus the entries since
(DOMAIN.md, "Costing"; DESIGN.md, "Scale").

Value of a site as of the end of day D = Σ StockEntry.value over the entries in the site's bins
(`site_id` set) whose transaction was posted before the midnight that ends D in the site's own
time zone; the quantity is the same sum of StockEntry.quantity. Value moves only when stock
crosses a site's boundary (`inventory.ledger.valuation`): receipts add it at their cost, outflows
take it from the oldest FIFO layers or at the moving average, and moves inside a site add nothing.
So for today the sum equals the open cost layers' remaining value, which `verify` checks.

The sum is read from the site's closed month nearest that midnight
(`inventory.models.snapshots`, one row per item): the month ending before it + the site's
entries posted from that month's end up to the midnight, or the month ending after it minus the
entries posted from the midnight to that month's end. Both are exact sums of entries, so the
figures equal the full-history sum (tests/inventory/test_valuation_snapshots.py) while the
query reads at most half a month of entries (or those since the last closed month). One SQL statement gives every group; the page's count, rows and totals all
come from that one result.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    DateField,
    DateTimeField,
    DecimalField,
    F,
    Func,
    Q,
    QuerySet,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Greatest, Least

from erp.ranked_rows import RankedRows
from inventory.ledger import transit_close
from inventory.models import CostingMethod, CostLayer, Item, LocationKind, Site, StockEntry

BLANK_CATEGORY = "__none__"  # stands for items without a category in filters and links


class EndOfLocalDay(Func):
    """The instant `day` ends in the time zone named by `zone`: the next midnight there."""

    output_field = DateTimeField()

    def __init__(self, day: datetime.date, zone):
        super().__init__(Value(day, output_field=DateField()), zone)

    def as_sql(self, compiler, connection, **extra_context):
        day_sql, day_params = compiler.compile(self.source_expressions[0])
        zone_sql, zone_params = compiler.compile(self.source_expressions[1])
        sql = f"((({day_sql})::date + 1)::timestamp AT TIME ZONE ({zone_sql}))"
        return sql, (*day_params, *zone_params)


def posted_by_end_of(day: datetime.date) -> Q:
    """Entries whose transaction was posted on or before `day` in their site's time zone."""
    return Q(transaction__posted_at__lt=EndOfLocalDay(day, F("site__time_zone")))


# The parts summed: each site's base snapshot rows, and its entries between the base and its
# end of day (NULL: no end, everything posted so far), added or taken away. The entries' range
# on posted_at is also given as one interval over all sites, so the planner reads the
# transactions' posted_at index.
_PARTS = """
WITH bounds AS (
    SELECT s.id AS site_id,
           CASE WHEN %(day)s::date IS NULL THEN NULL
                ELSE ((%(day)s::date + 1)::timestamp AT TIME ZONE s.time_zone) END AS ends_at
    FROM inventory_site s
    WHERE s.tenant_id = %(t)s AND (%(site)s::bigint IS NULL OR s.id = %(site)s::bigint)
),
near AS (
    SELECT bounds.site_id, bounds.ends_at, prev.id AS prev_id, prev.ends_at AS prev_end,
           nxt.id AS next_id, nxt.ends_at AS next_end
    FROM bounds
    LEFT JOIN LATERAL (
        SELECT p.id, p.ends_at FROM inventory_snapshotperiod p
        WHERE p.tenant_id = %(t)s AND p.site_id = bounds.site_id
          AND (bounds.ends_at IS NULL OR p.ends_at <= bounds.ends_at)
        ORDER BY p.ends_at DESC LIMIT 1
    ) prev ON true
    LEFT JOIN LATERAL (
        SELECT p.id, p.ends_at FROM inventory_snapshotperiod p
        WHERE p.tenant_id = %(t)s AND p.site_id = bounds.site_id AND p.ends_at > bounds.ends_at
        ORDER BY p.ends_at LIMIT 1
    ) nxt ON true
),
-- From the nearer snapshot: the one before the instant plus the entries since, or the one
-- after it minus the entries in between (at most half a month of entries either way).
choice AS (
    SELECT near.*, next_id IS NOT NULL
           AND (prev_id IS NULL OR next_end - ends_at < ends_at - prev_end) AS from_next
    FROM near
),
base AS (
    SELECT site_id,
           CASE WHEN from_next THEN next_id ELSE prev_id END AS period_id,
           CASE WHEN from_next THEN ends_at ELSE coalesce(prev_end, '-infinity') END AS lo,
           CASE WHEN from_next THEN next_end ELSE coalesce(ends_at, 'infinity') END AS hi,
           CASE WHEN from_next THEN -1 ELSE 1 END AS sign
    FROM choice
),
-- Materialized: computed once, whatever the planner estimates for the joins that follow.
parts AS MATERIALIZED (
    -- LATERAL ... OFFSET 0: each base period's rows read by the unique (tenant, period, item),
    -- whatever the planner estimates for the table.
    SELECT base.site_id, r.item_id, r.quantity, r.value
    FROM base CROSS JOIN LATERAL (
        SELECT r.item_id, r.quantity, r.value FROM inventory_valuationsnapshot r
        WHERE r.tenant_id = %(t)s AND r.period_id = base.period_id
          AND (%(item)s::bigint IS NULL OR r.item_id = %(item)s::bigint)
        OFFSET 0
    ) r
    UNION ALL
    -- The entries of the whole interval first, read once through one index range of the
    -- transactions (OFFSET 0: never once per site), then each site keeps its own bounds.
    -- Each transaction's entries by index (LATERAL ... OFFSET 0): joined plainly, the planner
    -- expecting hundreds a transaction scanned all of the tenant's entries instead.
    SELECT t.site_id, t.item_id, t.quantity * base.sign, t.value * base.sign
    FROM (
        SELECT e.site_id, e.item_id, e.quantity, e.value, x.posted_at
        FROM inventory_stocktransaction x
        CROSS JOIN LATERAL (
            SELECT e.site_id, e.item_id, e.quantity, e.value FROM inventory_stockentry e
            WHERE e.tenant_id = %(t)s AND e.transaction_id = x.id AND e.site_id IS NOT NULL
              AND (%(item)s::bigint IS NULL OR e.item_id = %(item)s::bigint)
            OFFSET 0
        ) e
        WHERE x.tenant_id = %(t)s
          AND x.posted_at >= (SELECT min(lo) FROM base)
          AND x.posted_at < (SELECT max(hi) FROM base)
        OFFSET 0
    ) t
    JOIN base ON base.site_id = t.site_id AND t.posted_at >= base.lo AND t.posted_at < base.hi
)
"""

# The tenant's items that pass the filters, hashed once (OFFSET 0: never one index lookup per
# part, which the planner picks when it underestimates the parts).
_ITEMS = """(
    SELECT i.id, i.sku, i.description, i.category, i.base_unit, i.costing_method
    FROM inventory_item i
    WHERE i.tenant_id = %(t)s
      AND (%(category)s::text IS NULL OR i.category = %(category)s::text)
      AND (%(search)s::text IS NULL OR i.sku ILIKE %(search)s::text
           OR i.description ILIKE %(search)s::text)
    OFFSET 0
)"""

_BY_SITE_AND_CATEGORY = f"""{_PARTS}
SELECT g.site_id AS site, s.code AS site__code, s.name AS site__name,
       s.time_zone AS site__time_zone, g.category AS item__category, g.quantity, g.value
FROM (
    -- Grouped on two narrow keys (a few dozen groups, hashed), the site's names joined after.
    SELECT parts.site_id, i.category, sum(parts.quantity) AS quantity, sum(parts.value) AS value
    FROM parts JOIN {_ITEMS} i ON i.id = parts.item_id
    GROUP BY parts.site_id, i.category
    HAVING NOT (sum(parts.quantity) = 0 AND sum(parts.value) = 0)
) g
JOIN inventory_site s ON s.tenant_id = %(t)s AND s.id = g.site_id
ORDER BY s.code, g.category
"""

_BY_CATEGORY = f"""{_PARTS}
SELECT NULL::bigint AS site, NULL::text AS site__code, NULL::text AS site__name,
       NULL::text AS site__time_zone, g.category AS item__category, g.quantity, g.value
FROM (
    SELECT i.category, sum(parts.quantity) AS quantity, sum(parts.value) AS value
    FROM parts JOIN {_ITEMS} i ON i.id = parts.item_id
    GROUP BY i.category
    HAVING NOT (sum(parts.quantity) = 0 AND sum(parts.value) = 0)
) g
ORDER BY g.category
"""

# Per item, ranked by value (then SKU): the window of a page and, in a "total" row, the count
# and sums over every item (`erp.ranked_rows`), so a page brings 50 rows into Python, not
# every item the site ever held (29,686 at 10^7).
_BY_ITEM = f"""{_PARTS},
sums AS MATERIALIZED (
    SELECT i.id AS item_id, i.sku, sum(parts.quantity) AS quantity, sum(parts.value) AS value
    FROM parts JOIN {_ITEMS} i ON i.id = parts.item_id
    GROUP BY i.id, i.sku
    HAVING NOT (sum(parts.quantity) = 0 AND sum(parts.value) = 0)
)
SELECT * FROM (
    SELECT 'row' AS part, w.item_id AS item, i.sku AS item__sku,
           i.description AS item__description, i.category AS item__category,
           i.base_unit AS item__base_unit, i.costing_method AS item__costing_method,
           w.quantity, w.value, w.value / NULLIF(w.quantity, 0) AS unit_cost,
           NULL::bigint AS rows
    FROM (
        SELECT * FROM sums ORDER BY value DESC, sku LIMIT %(limit)s OFFSET %(offset)s
    ) w
    JOIN inventory_item i ON i.tenant_id = %(t)s AND i.id = w.item_id
    UNION ALL
    SELECT 'total', NULL, NULL, NULL, NULL, NULL, NULL, coalesce(sum(quantity), 0),
           coalesce(sum(value), 0), NULL, count(*)
    FROM sums
) r
ORDER BY part = 'total', value DESC, item__sku
"""


# Each site's latest closed day (`ClosedDay`) on or before `day` (any, without a day), and
# the instant `day` ends there (NULL: no end).
_CLOSED_BEFORE = """
SELECT s.id, CASE WHEN %(day)s::date IS NULL THEN NULL
                  ELSE ((%(day)s::date + 1)::timestamp AT TIME ZONE s.time_zone) END,
       c.id, c.day, c.ends_at
FROM inventory_site s
LEFT JOIN LATERAL (
    SELECT c.id, c.day, c.ends_at FROM inventory_closedday c
    WHERE c.tenant_id = %(t)s AND c.site_id = s.id
      AND (%(day)s::date IS NULL OR c.day <= %(day)s::date)
    ORDER BY c.day DESC LIMIT 1
) c ON true
WHERE s.tenant_id = %(t)s AND (%(site)s::bigint IS NULL OR s.id = %(site)s::bigint)
"""

# Per site and category: the closed day's rows plus the site's entries from the closed day's
# end to the day's end (each transaction's entries by index, as in _PARTS).
_DAY_PARTS = """
WITH base AS (
    SELECT * FROM unnest(%(sites)s::bigint[], %(closed)s::bigint[], %(since)s::timestamptz[],
                         %(ends)s::timestamptz[]) AS b(site_id, closed_id, since, ends_at)
),
parts AS MATERIALIZED (
    SELECT base.site_id, r.category, r.quantity, r.value
    FROM base
    JOIN inventory_dayvalue r ON r.tenant_id = %(t)s AND r.closed_day_id = base.closed_id
    WHERE %(category)s::text IS NULL OR r.category = %(category)s::text
    UNION ALL
    SELECT e.site_id, i.category, e.quantity, e.value
    FROM inventory_stocktransaction x
    CROSS JOIN LATERAL (
        SELECT e.item_id, e.site_id, e.quantity, e.value FROM inventory_stockentry e
        WHERE e.tenant_id = %(t)s AND e.transaction_id = x.id AND e.site_id IS NOT NULL
        OFFSET 0
    ) e
    JOIN base ON base.site_id = e.site_id AND x.posted_at >= base.since
             AND (base.ends_at IS NULL OR x.posted_at < base.ends_at)
    JOIN inventory_item i ON i.tenant_id = %(t)s AND i.id = e.item_id
    WHERE x.tenant_id = %(t)s
      AND x.posted_at >= (SELECT min(since) FROM base)
      AND (%(hi)s::timestamptz IS NULL OR x.posted_at < %(hi)s::timestamptz)
      AND (%(category)s::text IS NULL OR i.category = %(category)s::text)
)
"""

_DAY_BY_SITE_AND_CATEGORY = f"""{_DAY_PARTS}
SELECT g.site_id AS site, s.code AS site__code, s.name AS site__name,
       s.time_zone AS site__time_zone, g.category AS item__category, g.quantity, g.value
FROM (
    SELECT site_id, category, sum(quantity) AS quantity, sum(value) AS value
    FROM parts GROUP BY site_id, category
    HAVING NOT (sum(quantity) = 0 AND sum(value) = 0)
) g
JOIN inventory_site s ON s.tenant_id = %(t)s AND s.id = g.site_id
ORDER BY s.code, g.category
"""

_DAY_BY_CATEGORY = f"""{_DAY_PARTS}
SELECT NULL::bigint AS site, NULL::text AS site__code, NULL::text AS site__name,
       NULL::text AS site__time_zone, category AS item__category, sum(quantity) AS quantity,
       sum(value) AS value
FROM parts GROUP BY category
HAVING NOT (sum(quantity) = 0 AND sum(value) = 0)
ORDER BY category
"""

# How far a closed day may lie before the day asked for (today, without a day): beyond it
# the months' snapshots (at most half a month of entries) are read instead.
CLOSED_DAY_REACH = datetime.timedelta(days=7)


def _from_closed_days(cursor, groups: ValuationGroups) -> list[dict] | None:
    """The groups by site and category from the sites' closed days and the entries since, or
    None when some site has no closed day within `CLOSED_DAY_REACH` of the day."""
    params = {"t": groups.tenant_id, "day": groups.day, "site": groups.site_id,
              "category": groups.category}  # fmt: skip
    cursor.execute(_CLOSED_BEFORE, params)
    sites = cursor.fetchall()
    wanted = groups.day or datetime.date.today()
    if not sites or any(c is None or wanted - c > CLOSED_DAY_REACH for _, _, _, c, _ in sites):
        return None
    ends = [e for _, e, _, _, _ in sites]
    cursor.execute(
        _DAY_BY_CATEGORY if groups.by == "category" else _DAY_BY_SITE_AND_CATEGORY,
        {
            **params,
            "sites": [s for s, _, _, _, _ in sites],
            "closed": [c for _, _, c, _, _ in sites],
            "since": [since for _, _, _, _, since in sites],
            "ends": ends,
            "hi": None if any(e is None for e in ends) else max(ends),
        },
    )
    names = [c.name for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass
class ValuationGroups:
    """Quantity and value per group as of the end of a day, narrowed by the valuation filters.

    Lazy and immutable: each narrowing returns a new one, and the one statement runs when the
    rows are first needed (a paginator's `count()`, a slice, iteration, `totals()`). Rows are
    dicts with the keys the templates name. It stands where a grouped queryset stood: a
    django-filter FilterSet narrows it through the methods below and `erp.tables` pages it.
    """

    tenant_id: int
    by: str  # "site_category", "category" (every site together) or "item"
    day: datetime.date | None = None  # None: everything posted so far
    site_id: int | None = None
    item_id: int | None = None
    category: str | None = None
    search: str | None = None
    alias: str = DEFAULT_DB_ALIAS
    empty: bool = False
    offset: int = 0  # by item: the first row of the page to read with the count and totals
    ordered: bool = field(default=True, init=False)  # rows come sorted; paging never overlaps
    model = StockEntry  # what the groups sum (django-filter hands it to its filters)

    # The few queryset methods that FilterSet, build_table and Paginator call.
    def all(self) -> ValuationGroups:
        return self

    def none(self) -> ValuationGroups:
        return replace(self, empty=True)

    def using(self, alias: str) -> ValuationGroups:
        return replace(self, alias=alias)

    def order_by(self, *fields) -> ValuationGroups:
        return self  # no sortable columns: groups keep their own order

    def as_of(self, day: datetime.date) -> ValuationGroups:
        return replace(self, day=day)

    def at_site(self, site: Site | int) -> ValuationGroups:
        return replace(self, site_id=getattr(site, "pk", site))

    def of_item(self, item: Item | int) -> ValuationGroups:
        return replace(self, item_id=getattr(item, "pk", item))

    def in_category(self, category: str) -> ValuationGroups:
        return replace(self, category=category)

    def grouped(self, by: str) -> ValuationGroups:
        """By "site_category" or by "category" alone (each site valued at its own day's end,
        summed over the sites); an item list stays by item."""
        if self.by == "item" or by not in ("site_category", "category"):
            return self
        return replace(self, by=by)

    def matching(self, text: str) -> ValuationGroups:
        return replace(self, search=text)

    def window(self, offset: int) -> ValuationGroups:
        """By item: read the page starting at `offset` with the count and totals."""
        return replace(self, offset=offset)

    def _params(self) -> dict:
        return {
            "t": self.tenant_id,
            "day": self.day,
            "site": self.site_id,
            "item": self.item_id,
            "category": self.category,
            "search": _like(self.search) if self.search else None,
        }

    @cached_property
    def ranked(self) -> RankedRows | None:
        """By item: the items ranked in SQL, a window at a time; None for the other groups,
        which are few enough to read whole."""
        if self.by != "item":
            return None
        if self.empty:
            return RankedRows(lambda offset, limit: [], first=0)
        return RankedRows(self._items, offset=self.offset)

    def _items(self, offset: int, limit: int | None) -> list[dict]:
        """By item: the ranked window (every row from `offset` when `limit` is None) and the
        total row."""
        with connections[self.alias].cursor() as cursor:
            cursor.execute(_BY_ITEM, {**self._params(), "offset": offset, "limit": limit})
            names = [c.name for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    @cached_property
    def rows(self) -> list[dict]:
        """Every group (by item: every item, ranked)."""
        if self.empty:
            return []
        if self.by == "item":  # in one statement, not a first window and then the rest
            return [row for row in self._items(0, None) if row["part"] == "row"]
        params = self._params()
        sql = _BY_CATEGORY if self.by == "category" else _BY_SITE_AND_CATEGORY
        with connections[self.alias].cursor() as cursor:
            # By site and category, a closed day answers with at most days of entries.
            by_groups = self.item_id is None and self.search is None
            if by_groups and (rows := _from_closed_days(cursor, self)) is not None:
                return rows
            cursor.execute(sql, params)
            names = [c.name for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def count(self) -> int:
        return self.ranked.count() if self.ranked is not None else len(self.rows)

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self.ranked if self.ranked is not None else self.rows)

    def __getitem__(self, index):
        return self.ranked[index] if self.ranked is not None else self.rows[index]

    def totals(self) -> dict:
        if self.ranked is not None:
            total = self.ranked.totals[0] if self.ranked.totals else {}
            return {
                "total_quantity": total.get("quantity", Decimal(0)),
                "total_value": total.get("value", Decimal(0)),
            }
        zero = Decimal(0)
        return {
            "total_quantity": sum((r["quantity"] for r in self.rows), zero),
            "total_value": sum((r["value"] for r in self.rows), zero),
        }


def value_by_site_and_category(*, tenant) -> ValuationGroups:
    """Quantity and value per (site, item category), leaving out groups at zero.

    Without a date this is everything posted so far; narrow it with `.as_of(D)`.
    """
    return ValuationGroups(tenant_id=tenant.pk, by="site_category")


def value_by_item(*, tenant, site: Site) -> ValuationGroups:
    """Quantity, value and average unit cost (value / quantity) per item at `site`."""
    return ValuationGroups(tenant_id=tenant.pk, by="item", site_id=site.pk)


def valuation_totals(groups: ValuationGroups) -> dict:
    """Sum of quantity and value over the groups (from the rows already read: no query)."""
    return groups.totals()


def item_value_as_of(
    *, tenant, item: Item, site: Site, day: datetime.date, using: str = DEFAULT_DB_ALIAS
) -> dict:
    """Quantity, value and average unit cost of `item` at `site` as of the end of `day`."""
    rows = value_by_item(tenant=tenant, site=site).of_item(item).as_of(day).using(using).rows
    zero = Decimal(0)
    totals = {
        "quantity": rows[0]["quantity"] if rows else zero,
        "value": rows[0]["value"] if rows else zero,
    }
    totals["unit_cost"] = totals["value"] / totals["quantity"] if totals["quantity"] else None
    return totals


def valued_items(*, tenant) -> QuerySet[Item]:
    return Item.objects.filter(tenant=tenant)


def item_categories(*, tenant) -> list[str]:
    return list(
        Item.objects.filter(tenant=tenant)
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )


def cost_layers(*, tenant, item: Item, site: Site) -> QuerySet[CostLayer]:
    """The present cost layers of `item` at `site` (FIFO: one per receipt; average: the pool)."""
    return CostLayer.objects.filter(tenant=tenant, item=item, site=site).select_related("entry")


def end_of_local_day(day: datetime.date, site: Site) -> datetime.datetime:
    """The instant `day` ends at `site`: the next midnight in the site's time zone."""
    midnight = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    return midnight.replace(tzinfo=zoneinfo.ZoneInfo(site.time_zone))


_QTY = DecimalField(max_digits=18, decimal_places=4)


def cost_layers_present(*, tenant, item: Item, site: Site) -> QuerySet[CostLayer]:
    """The layers as they stand now, with the as-of columns (`then_*`) equal to the present."""
    return cost_layers(tenant=tenant, item=item, site=site).annotate(
        then_quantity=F("remaining_quantity"), then_value=F("remaining_value")
    )


def cost_layers_as_of(
    *, tenant, item: Item, site: Site, day: datetime.date, quantity: Decimal, value: Decimal
) -> QuerySet[CostLayer]:
    """The cost layers of `item` at `site` as they stood at the end of `day`, annotated with
    `then_quantity` and `then_value` (one statement).

    `quantity` and `value` are the site's sums as of that day (`item_value_as_of`, from the
    snapshots). A moving-average item's one pool then held exactly those. A FIFO item's layers
    are the ones received by then; outflows take the oldest first, so what had left the site
    by then, consumed = Σ original of those layers - quantity, came out of the oldest, and a
    layer kept clamp(Σ original up to and including it - consumed, 0, its original quantity),
    at its own unit cost. A reversal or a return to the supplier that takes a named layer out
    of FIFO order is the one exception; the page compares the layers' sum with the ledger's.
    """
    layers = cost_layers(tenant=tenant, item=item, site=site)
    if item.costing_method == CostingMethod.AVERAGE:
        return layers.filter(is_pool=True).annotate(
            then_quantity=Value(quantity, output_field=_QTY),
            then_value=Value(value, output_field=_QTY),
        )
    order = [F("received_at").asc(), F("id").asc()]
    running = Window(Sum("original_quantity"), order_by=order)
    received = Window(Sum("original_quantity"))
    kept = Greatest(
        Value(Decimal(0), output_field=_QTY),
        Least(
            F("original_quantity"),
            running - received + Value(quantity, output_field=_QTY),
            output_field=_QTY,
        ),
        output_field=_QTY,
    )
    return (
        layers.filter(is_pool=False, received_at__lt=end_of_local_day(day, site))
        .annotate(then_quantity=kept)
        .annotate(then_value=F("then_quantity") * F("unit_cost"))
    )


def layer_entries(*, tenant, layer: CostLayer, day: datetime.date | None = None) -> list[dict]:
    """The ledger entries behind one FIFO layer: the inflow that made it, then every outflow
    from the site that took from it, in posting order, with the quantity and value taken
    (one statement). Outflows are the item's valued entries leaving the site (value < 0),
    numbered through in posting order; the layer holds the stretch
    [Σ original of older layers, + its own original) of the oldest-first order, and an
    outflow took the overlap of its stretch with that one. With `day`, only what was posted
    by the end of that day at the site. A moving-average pool has no single inflow: its
    entries are the item's valued entries at the site (`pool_entries`)."""
    ends = end_of_local_day(day, layer.site) if day else None
    sql = """
    WITH layer AS (
        SELECT l.id, l.entry_id, l.original_quantity, l.unit_cost,
               coalesce(sum(o.original_quantity), 0) AS lo
        FROM inventory_costlayer l
        LEFT JOIN inventory_costlayer o
          ON o.tenant_id = l.tenant_id AND o.item_id = l.item_id AND o.site_id = l.site_id
         AND NOT o.is_pool AND (o.received_at, o.id) < (l.received_at, l.id)
        WHERE l.tenant_id = %(t)s AND l.id = %(layer)s
        GROUP BY l.id
    ),
    outs AS (
        SELECT e.id, e.transaction_id, x.kind, x.reference, x.posted_at, e.location_id,
               -e.quantity AS quantity, -e.value AS value,
               sum(-e.quantity) OVER (ORDER BY x.posted_at, e.id) + e.quantity AS before
        FROM inventory_stockentry e
        JOIN inventory_stocktransaction x ON x.tenant_id = e.tenant_id AND x.id = e.transaction_id
        WHERE e.tenant_id = %(t)s AND e.item_id = %(item)s AND e.site_id = %(site)s
          AND e.value < 0 AND (%(ends)s::timestamptz IS NULL OR x.posted_at < %(ends)s)
    )
    SELECT 'inflow' AS role, e.id AS entry_id, e.transaction_id, x.kind, x.reference,
           x.posted_at, loc.code AS location, e.quantity AS quantity, e.value AS value,
           e.quantity AS layer_quantity, e.value AS layer_value
    FROM layer
    JOIN inventory_stockentry e ON e.tenant_id = %(t)s AND e.id = layer.entry_id
    JOIN inventory_stocktransaction x ON x.tenant_id = %(t)s AND x.id = e.transaction_id
    JOIN inventory_location loc ON loc.tenant_id = %(t)s AND loc.id = e.location_id
    UNION ALL
    SELECT 'outflow', outs.id, outs.transaction_id, outs.kind, outs.reference, outs.posted_at,
           loc.code, -outs.quantity, -outs.value,
           -(least(outs.before + outs.quantity, layer.lo + layer.original_quantity)
             - greatest(outs.before, layer.lo)),
           -round((least(outs.before + outs.quantity, layer.lo + layer.original_quantity)
                   - greatest(outs.before, layer.lo)) * layer.unit_cost, 4)
    FROM layer JOIN outs ON outs.before < layer.lo + layer.original_quantity
                        AND outs.before + outs.quantity > layer.lo
    JOIN inventory_location loc ON loc.tenant_id = %(t)s AND loc.id = outs.location_id
    ORDER BY posted_at, entry_id
    """
    params = {"t": tenant.pk, "layer": layer.pk, "item": layer.item_id, "site": layer.site_id,
              "ends": ends}  # fmt: skip
    with connections[layer._state.db or DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def pool_entries(*, tenant, item: Item, site: Site, day: datetime.date | None = None):
    """The entries that moved a moving-average pool: the item's valued entries at the site
    (value ≠ 0: stock that entered or left it), newest first, up to the end of `day`."""
    entries = StockEntry.objects.filter(tenant=tenant, item=item, site=site).exclude(value=0)
    if day is not None:
        entries = entries.filter(transaction__posted_at__lt=end_of_local_day(day, site))
    return entries.select_related("transaction", "location")


def layer_totals_then(layers: QuerySet[CostLayer]) -> dict:
    """Σ `then_quantity` and `then_value` over as-of layers (a window can't be aggregated in
    SQL by the ORM, so the open layers' pairs are summed here)."""
    zero = Decimal(0)
    pairs = layers.filter(then_quantity__gt=0).values_list("then_quantity", "then_value")
    quantity, value = zero, zero
    for q, v in pairs:
        quantity, value = quantity + q, value + v
    return {"quantity": quantity, "value": value.quantize(Decimal("0.0001"))}


def layer_totals(layers: QuerySet[CostLayer]) -> dict:
    zero = Decimal(0)
    return layers.aggregate(
        remaining_quantity=Sum("remaining_quantity", default=zero),
        remaining_value=Sum("remaining_value", default=zero),
    )


def in_transit(*, tenant, item: Item | None = None, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Quantity and value held in the tenant's in-transit location (goods between sites):
    the entries' sums, so what left a site's valuation is visible until it arrives. For the
    whole tenant, the hourly close plus the entries since (`ledger.transit_close`)."""
    if item is None:
        closed = transit_close.in_transit_now(tenant_id=tenant.pk, using=using)
        if closed is not None:
            return {"quantity": closed[0], "value": closed[1]}
    entries = StockEntry.objects.using(using).filter(
        tenant=tenant, location__kind=LocationKind.IN_TRANSIT
    )
    if item is not None:
        entries = entries.filter(item=item)
    totals = entries.aggregate(
        quantity=Sum("quantity", default=Decimal(0)), value=Sum("value", default=Decimal(0))
    )
    return {"quantity": totals["quantity"], "value": totals["value"]}
