"""Segmentation: each item's ABC and XYZ class per site, computed from the ledger.

Consumption is what was shipped to customers: the entries in a site's bins of `shipment`
transactions, net of the reversals of those shipments. A reversal counts on the day of the
shipment it reverses, so a shipment undone a week later leaves no trace in either week. Other
outflows (transfers to another site, scrap, adjustments, counts) are not demand, and customer
returns are not netted: the demand happened. Quantities are in the item's base unit; value is
the cost the ledger recorded for the outflow (FIFO layers or moving average), not a price.

The year: the 365 days up to and including `as_of`, each posting placed on its date in its
site's own time zone (as the valuation page does). The 52 weeks count back from `as_of`
(week 0 = the 7 days ending on it); the oldest week also takes the 365th day, so the weeks
add up to the year exactly.

ABC, per site, by annual consumption value (DOMAIN.md): items in descending value; an item's
class follows the share of the site's value held by the items before it:
    before < 80 %  -> A   (so the item that crosses 80 % is A),
    before < 95 %  -> B   (the one that crosses 95 % is B),
    otherwise      -> C.
Items of equal value are one step of the ranking: each has the same "before" (the value of
the items worth more), so ties never split across a class boundary on an arbitrary order.
Items without consumption (no quantity or no value) are C; a site without any is all C.

XYZ by the coefficient of variation of weekly demand, CV = sd / mean over the 52 weeks, weeks
without demand counted as 0 and sd the population standard deviation (the 52 weeks are the
whole year measured, not a sample of it): with S = Σ q and SS = Σ q², CV = √(52·SS - S²) / S.
The CV is rounded to 4 decimals and the rounded figure is classed, so the page and the class
agree: CV ≤ X_MAX_CV -> X, ≤ Y_MAX_CV -> Y, above or no demand at all -> Z.

The rows: one per item and site where the item has ever been in a bin (a balance row exists),
so slow and dead stock is there to be counted too (as C, Z).
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from erp import outbox
from erp.models import Tenant, User
from erp.roles import require_role
from inventory.models import ItemSegment, TransactionKind
from inventory.permissions import SEGMENT_RECOMPUTERS

WINDOW_DAYS = 365
WEEKS = 52
# DOMAIN.md: A = the items making the first 80 % of value, B the next 15 %, C the last 5 %.
A_SHARE_PCT = 80
B_SHARE_PCT = 95
# The usual cut-offs of XYZ analysis. Up to 0.5 the weekly demand stays within about half its
# mean either way, and a forecast from the average serves (X). Up to 1.0 it swings as widely as
# its mean, with trend or season to plan for (Y). Beyond, most weeks are far from the mean and
# many are empty: sporadic demand that a mean forecasts badly (Z).
X_MAX_CV = Decimal("0.5")
Y_MAX_CV = Decimal("1.0")

# One statement reads the year's shipments, buckets them by week, ranks the items per site and
# writes the rows. Every table is filtered by the tenant (row-level security would also hide
# other tenants' rows, but the filter lets the planner use the tenant indexes).
_COMPUTE = """
WITH flows AS (
    SELECT e.item_id, e.site_id,
           %(as_of)s::date
               - (coalesce(o.posted_at, t.posted_at) AT TIME ZONE s.time_zone)::date AS days_ago,
           -e.quantity AS quantity, -e.value AS value
    FROM inventory_stocktransaction t
    LEFT JOIN inventory_stocktransaction o
           ON o.tenant_id = t.tenant_id AND o.id = t.reverses_id AND o.kind = %(shipment)s
    JOIN inventory_stockentry e ON e.tenant_id = t.tenant_id AND e.transaction_id = t.id
    JOIN inventory_site s ON s.tenant_id = e.tenant_id AND s.id = e.site_id
    WHERE t.tenant_id = %(tenant)s
      -- A loose range of instants for the posted_at index; the exact days follow.
      AND t.posted_at >= %(earliest)s AND t.posted_at < %(latest)s
      AND (t.kind = %(shipment)s OR (t.kind = %(reversal)s AND o.id IS NOT NULL))
      AND (t.posted_at AT TIME ZONE s.time_zone)::date <= %(as_of)s
),
weekly AS (
    SELECT item_id, site_id, least(days_ago / 7, %(weeks)s - 1) AS week,
           sum(quantity) AS quantity, sum(value) AS value
    FROM flows
    WHERE days_ago < %(window)s
    GROUP BY item_id, site_id, week
),
demand AS (
    SELECT item_id, site_id, sum(quantity) AS quantity, sum(value) AS value,
           sum(quantity * quantity) AS squares, count(*) FILTER (WHERE quantity > 0) AS periods
    FROM weekly
    GROUP BY item_id, site_id
),
pairs AS (
    SELECT item_id, site_id FROM inventory_stockbalance
    WHERE tenant_id = %(tenant)s AND is_real
    UNION
    SELECT item_id, site_id FROM demand
),
measured AS (
    SELECT p.item_id, p.site_id,
           coalesce(d.quantity, 0) AS quantity, coalesce(d.value, 0) AS value,
           coalesce(d.periods, 0) AS periods,
           CASE WHEN d.quantity > 0 THEN round(
               sqrt(greatest(%(weeks)s * d.squares - d.quantity * d.quantity, 0)) / d.quantity, 4
           ) END AS cv,
           CASE WHEN d.quantity > 0 AND d.value > 0 THEN d.value ELSE 0 END AS ranked_value
    FROM pairs p LEFT JOIN demand d USING (item_id, site_id)
),
ranked AS (
    -- The value of the items worth more: the running sum down to this value, ties included
    -- (the default RANGE frame), less the ties. A frame with EXCLUDE GROUP says the same but
    -- is summed afresh for every row, quadratic in the items of a site.
    SELECT m.*,
           sum(ranked_value) OVER (PARTITION BY site_id) AS site_value,
           sum(ranked_value) OVER (PARTITION BY site_id ORDER BY ranked_value DESC)
               - sum(ranked_value) OVER (PARTITION BY site_id, ranked_value) AS before
    FROM measured m
),
inserted AS (
    INSERT INTO inventory_itemsegment
        (tenant_id, item_id, site_id, abc_class, xyz_class, annual_quantity, annual_value,
         demand_cv, demand_periods, computed_on)
    SELECT %(tenant)s, item_id, site_id,
           CASE WHEN ranked_value <= 0 THEN 'C'
                WHEN before * 100 < site_value * %(a_share)s THEN 'A'
                WHEN before * 100 < site_value * %(b_share)s THEN 'B'
                ELSE 'C' END,
           CASE WHEN cv IS NULL THEN 'Z'
                WHEN cv <= %(x_max)s THEN 'X'
                WHEN cv <= %(y_max)s THEN 'Y'
                ELSE 'Z' END,
           quantity, value, cv, periods, %(as_of)s
    FROM ranked
    RETURNING abc_class, xyz_class
)
SELECT abc_class, xyz_class, count(*) FROM inserted GROUP BY abc_class, xyz_class
"""


@dataclass
class SegmentRun:
    computed_on: datetime.date
    # (abc, xyz) -> rows written
    cells: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.cells.values())

    def count(self, *, abc: str | None = None, xyz: str | None = None) -> int:
        return sum(
            n
            for (a, x), n in self.cells.items()
            if (abc is None or a == abc) and (xyz is None or x == xyz)
        )


def tenant_today(tenant: Tenant) -> datetime.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(tenant.time_zone)).date()


@transaction.atomic
def compute_segments(*, tenant: Tenant, as_of: datetime.date | None = None) -> SegmentRun:
    """Replace the tenant's segments with those of the year up to `as_of` (the tenant's
    today when None); see the module docstring for the formulas.

    Guarantees: one transaction; afterwards the tenant has exactly one row per item and site
    (as computed now), none left from an earlier run. Two runs for one tenant at once take
    turns on a transaction-level advisory lock, so a task delivered twice just computes twice.
    Reads only inventory's ledger and balances, writes only `ItemSegment`. Statements: the
    lock, the delete and one INSERT ... SELECT, whatever the number of items.
    """
    as_of = as_of or tenant_today(tenant)
    # Instants that surely hold every site's local days of the year, whatever its offset.
    earliest = datetime.datetime.combine(
        as_of - datetime.timedelta(days=WINDOW_DAYS), datetime.time.min, tzinfo=datetime.UTC
    )
    latest = datetime.datetime.combine(
        as_of + datetime.timedelta(days=2), datetime.time.min, tzinfo=datetime.UTC
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"segmentation:{tenant.pk}"]
        )
        ItemSegment.objects.filter(tenant=tenant).delete()
        cursor.execute(
            _COMPUTE,
            {
                "tenant": tenant.pk,
                "as_of": as_of,
                "earliest": earliest,
                "latest": latest,
                "window": WINDOW_DAYS,
                "weeks": WEEKS,
                "shipment": TransactionKind.SHIPMENT.value,
                "reversal": TransactionKind.REVERSAL.value,
                "a_share": A_SHARE_PCT,
                "b_share": B_SHARE_PCT,
                "x_max": X_MAX_CV,
                "y_max": Y_MAX_CV,
            },
        )
        cells = {(abc, xyz): n for abc, xyz, n in cursor.fetchall()}
    return SegmentRun(computed_on=as_of, cells=cells)


def queue_segmentation(*, tenant: Tenant, user: User) -> None:
    """Queue a recomputation of the tenant's segments, sent to the broker only once the
    caller's transaction commits. Raises `RoleRequired` for roles outside SEGMENT_RECOMPUTERS."""
    require_role(tenant=tenant, user=user, roles=SEGMENT_RECOMPUTERS)
    from inventory.tasks import compute_segments_task

    outbox.enqueue(compute_segments_task, tenant.pk)
