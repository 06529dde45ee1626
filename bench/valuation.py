"""Valuation as of a date from monthly snapshots, beside the one-SQL full-history sum.

    .venv/bin/python bench/valuation.py [--entries 1000000] [--months 36] [--items 30000]
                                        [--repeat 5] [--tenant SLUG]

Data: a tenant `bench-valuation-<entries>` with two sites (Chicago and Berlin, 20 bins each)
and `--items` items, whose history is `--entries` entries spread evenly at random over the
`--months` months before the current one: postings of 100 moves (200 entries) between a bin and
the supplier, receipts and returns to the supplier mixed, each at a random instant. They are
written by one INSERT ... SELECT per 100,000 entries rather than through `ledger.post`: the
valuation reads entries and transactions only, and `bench/ledger_post.py` measures posting.
Entries cannot be deleted, so the tenant is generated once and reused (generation resumes
where it stopped). Then `ledger.snapshots.close_periods` closes every finished month (timed;
a no-op on a rerun).

`--tenant SLUG` values an existing tenant instead (the one `manage.py seed_scale` made;
`--entries`, `--months` and `--items` are then ignored): nothing is generated, its finished
months are closed the same way (a no-op when seed_scale closed them), and the past dates are
the middle of its history (halfway between its first and latest posting) and a year ago.

Figures, p50 over `--repeat` runs (ms), each beside the cheapest single SQL statement for the
same numbers (the full-history sum, which the page ran three times per request before), and
checked equal to it:
- `as_of_past`: by site and category, as of the 15th of the middle month of the history;
- `as_of_year_ago` (with `--tenant`): the same as of the same day a year ago (left out when
  that is the middle of the history);
- `as_of_today`: the same as of today (the latest snapshot plus this month's entries);
- `items_past`: one site's items as of that past date (the item drill-down page's query);
- `item_past`: one item at one site as of that date (the cost-layer page's as-of figure);
  with `--tenant`, the site is the first by code and the item the one of its largest balance.

Last line: `valuation_as_of_ms <p50 of as_of_past>`.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time

from _setup import django_setup

django_setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from erp.models import Tenant  # noqa: E402
from erp.tenancy import tenant_context  # noqa: E402
from inventory import ledger, selectors  # noqa: E402
from inventory.ledger import snapshots  # noqa: E402
from inventory.models import (  # noqa: E402
    Bin,
    BinType,
    Item,
    Location,
    LocationKind,
    Site,
    StockBalance,
    StockTransaction,
    Zone,
    ZoneType,
)

SITES = [("CHI", "America/Chicago"), ("BER", "Europe/Berlin")]
BINS = 20
CHUNK = 100_000  # entries per INSERT statement (and per commit)

GENERATE_SQL = """
WITH h AS (
    INSERT INTO inventory_stocktransaction (tenant_id, kind, reference, posted_at, reason)
    SELECT %(t)s, 'receipt', 'bench valuation',
           %(start)s::timestamptz + random() * (%(end)s::timestamptz - %(start)s::timestamptz), ''
    FROM generate_series(1, %(postings)s)
    RETURNING id
),
m AS (
    SELECT h.id AS txn,
           (%(items)s::bigint[])[1 + floor(random() * %(n_items)s)::int] AS item,
           1 + floor(random() * %(n_bins)s)::int AS slot,
           -- three receipts for every return: stock grows, as a distributor's does
           ((1 + floor(random() * 5)) * (CASE WHEN random() < 0.75 THEN 1 ELSE -1 END))::numeric
               AS q,
           round((1 + random() * 9)::numeric, 2) AS cost
    FROM h, generate_series(1, 100)
)
INSERT INTO inventory_stockentry
    (tenant_id, transaction_id, item_id, location_id, status, quantity, unit_cost, value, site_id)
SELECT %(t)s, m.txn, m.item,
       CASE WHEN leg = 1 THEN (%(bins)s::bigint[])[m.slot] ELSE %(supplier)s END,
       'available',
       CASE WHEN leg = 1 THEN m.q ELSE -m.q END, m.cost,
       CASE WHEN leg = 1 THEN m.q * m.cost ELSE -m.q * m.cost END,
       CASE WHEN leg = 1 THEN (%(sites)s::bigint[])[m.slot] END
FROM m, (VALUES (1), (2)) AS legs(leg)
"""

# The cheapest one statement for the same figures: every entry since the beginning.
REF_BY_SITE_AND_CATEGORY = """
SELECT e.site_id, i.category, sum(e.quantity), sum(e.value)
FROM inventory_stockentry e
JOIN inventory_stocktransaction x ON x.tenant_id = e.tenant_id AND x.id = e.transaction_id
JOIN inventory_site s ON s.tenant_id = e.tenant_id AND s.id = e.site_id
JOIN inventory_item i ON i.tenant_id = e.tenant_id AND i.id = e.item_id
WHERE e.tenant_id = %(t)s AND e.site_id IS NOT NULL
  AND x.posted_at < ((%(day)s::date + 1)::timestamp AT TIME ZONE s.time_zone)
GROUP BY 1, 2 HAVING NOT (sum(e.quantity) = 0 AND sum(e.value) = 0)
"""
REF_BY_ITEM = """
SELECT e.item_id, sum(e.quantity), sum(e.value)
FROM inventory_stockentry e
JOIN inventory_stocktransaction x ON x.tenant_id = e.tenant_id AND x.id = e.transaction_id
WHERE e.tenant_id = %(t)s AND e.site_id = %(site)s
  AND x.posted_at < ((%(day)s::date + 1)::timestamp AT TIME ZONE %(zone)s)
  AND (%(item)s::bigint IS NULL OR e.item_id = %(item)s::bigint)
GROUP BY 1 HAVING NOT (sum(e.quantity) = 0 AND sum(e.value) = 0)
"""


def _month_start(day: datetime.date, back: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


def ensure_tenant(entries: int, items: int) -> Tenant:
    tenant, _ = Tenant.objects.get_or_create(
        slug=f"bench-valuation-{entries}", defaults={"name": f"Bench valuation {entries}"}
    )
    with tenant_context(tenant, durable=True):
        for code, zone_name in SITES:
            site, _ = Site.objects.get_or_create(
                tenant=tenant, code=code, defaults={"name": code, "time_zone": zone_name}
            )
            zone, _ = Zone.objects.get_or_create(
                tenant=tenant, site=site, code=code,
                defaults={"name": code, "zone_type": ZoneType.STORAGE},
            )  # fmt: skip
            have = set(Bin.objects.filter(site=site).values_list("code", flat=True))
            Bin.objects.bulk_create(
                Bin(tenant=tenant, site=site, zone=zone, code=f"{code}-{n:03}",
                    bin_type=BinType.RESERVE, walk_sequence=n)
                for n in range(BINS) if f"{code}-{n:03}" not in have
            )  # fmt: skip
        ledger.ensure_bin_locations(tenant=tenant)
        have = Item.objects.filter(tenant=tenant).count()
        Item.objects.bulk_create(
            Item(tenant=tenant, sku=f"VAL-{n:06}", description=f"Valued item {n}",
                 category=f"cat-{n % 12:02}")
            for n in range(have, items)
        )  # fmt: skip
    return tenant


def generate(tenant: Tenant, entries: int, months: int) -> float:
    today = timezone.localdate()
    start = datetime.datetime.combine(_month_start(today, months), datetime.time(), datetime.UTC)
    end = datetime.datetime.combine(_month_start(today, 0), datetime.time(), datetime.UTC)
    began = time.perf_counter()
    with tenant_context(tenant, durable=True):
        items = list(Item.objects.filter(tenant=tenant).values_list("pk", flat=True))
        bins = list(
            Location.objects.filter(tenant=tenant, kind=LocationKind.BIN)
            .order_by("pk")
            .values_list("pk", "site_id")
        )
        supplier = ledger.virtual_location(tenant=tenant, kind=LocationKind.SUPPLIER).pk
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM inventory_stockentry WHERE tenant_id = %s", [tenant.pk]
            )
            have = cursor.fetchone()[0]
    while have < entries:
        postings = min(CHUNK, entries - have) // 200 or 1
        with tenant_context(tenant, durable=True), connection.cursor() as cursor:
            cursor.execute(
                GENERATE_SQL,
                {
                    "t": tenant.pk, "start": start, "end": end, "postings": postings,
                    "items": items, "n_items": len(items), "n_bins": len(bins),
                    "bins": [b for b, _ in bins], "sites": [s for _, s in bins],
                    "supplier": supplier,
                },
            )  # fmt: skip
        have += postings * 200
        print(f"generated {have} entries ({time.perf_counter() - began:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inventory_stockentry, inventory_stocktransaction")
    return time.perf_counter() - began


def history_dates(tenant: Tenant, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The day halfway through the tenant's history, and a year before today: the first and
    latest posting are one step each on the (tenant, posted_at, id) keyset index."""
    postings = StockTransaction.objects.filter(tenant=tenant).order_by("posted_at", "pk")
    first = postings.values_list("posted_at", flat=True).first()
    last = postings.reverse().values_list("posted_at", flat=True).first()
    if first is None:
        sys.exit(f"{tenant.slug} has no postings to value.")
    middle = timezone.localdate(first + (last - first) / 2)
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today - datetime.timedelta(days=365)
    return middle, year_ago


def largest_item(tenant: Tenant, site: Site) -> Item:
    """The item of the site's largest real balance: one with stock and history to value."""
    balance = (
        StockBalance.objects.filter(tenant=tenant, site=site, is_real=True)
        .order_by("-on_hand", "pk")
        .select_related("item")
        .first()
    )
    if balance is None:
        sys.exit(f"{tenant.slug} has no stock at {site.code}.")
    return balance.item


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--items", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--tenant", help="an existing tenant's slug (seed_scale's) to value")
    args = parser.parse_args()

    today = timezone.localdate()
    if args.tenant:
        tenant = Tenant.objects.filter(slug=args.tenant).first()
        if tenant is None:
            sys.exit(f"No tenant {args.tenant}: make it with manage.py seed_scale first.")
    else:
        tenant = ensure_tenant(args.entries, args.items)
        print(f"generate_s {generate(tenant, args.entries, args.months):.1f}")
    began = time.perf_counter()
    closed = snapshots.close_periods(tenant)
    print(f"close_periods_s {time.perf_counter() - began:.1f} (periods closed: {closed})")
    with connection.cursor() as cursor:
        # As autovacuum would after the load: the plans below assume current statistics.
        cursor.execute(
            "ANALYZE inventory_item, inventory_site, inventory_snapshotperiod,"
            " inventory_valuationsnapshot"
        )

    with tenant_context(tenant, durable=True):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), count(DISTINCT period_id) FROM inventory_valuationsnapshot"
            )
            rows, periods = cursor.fetchone()
            cursor.execute(
                "SELECT count(*) FROM inventory_stockentry WHERE tenant_id = %s", [tenant.pk]
            )
            entries = cursor.fetchone()[0]
        if args.tenant:
            past, year_ago = history_dates(tenant, today)
            site = Site.objects.filter(tenant=tenant).order_by("code").first()
            item = largest_item(tenant, site)
        else:
            past = _month_start(today, args.months // 2) + datetime.timedelta(days=14)
            year_ago = None
            site = Site.objects.get(tenant=tenant, code=SITES[0][0])
            item = Item.objects.filter(tenant=tenant).order_by("sku").first()
        print(
            f"tenant {tenant.slug} (id {tenant.pk}) entries {entries} snapshot_rows {rows} "
            f"periods_with_rows {periods}"
        )
        if year_ago == past:  # a two-year history's middle: the same figure twice
            year_ago = None
        also = f" year_ago {year_ago}" if year_ago else ""
        print(f"past {past}{also} site {site.code} item {item.sku}")

        def groups(day):
            query = selectors.value_by_site_and_category(tenant=tenant).as_of(day)
            return {(r["site"], r["item__category"]): (r["quantity"], r["value"]) for r in query}

        def reference(day):
            with connection.cursor() as cursor:
                cursor.execute(REF_BY_SITE_AND_CATEGORY, {"t": tenant.pk, "day": day})
                return {(s, c): (q, v) for s, c, q, v in cursor.fetchall()}

        def items(day, one=None):
            query = selectors.value_by_item(tenant=tenant, site=site).as_of(day)
            if one is not None:
                query = query.of_item(one)
            return {r["item"]: (r["quantity"], r["value"]) for r in query}

        def items_reference(day, one=None):
            with connection.cursor() as cursor:
                cursor.execute(
                    REF_BY_ITEM,
                    {"t": tenant.pk, "site": site.pk, "day": day, "zone": site.time_zone,
                     "item": one.pk if one else None},
                )  # fmt: skip
                return {i: (q, v) for i, q, v in cursor.fetchall()}

        cases = [
            ("as_of_past", lambda: groups(past), lambda: reference(past)),
            *(
                [("as_of_year_ago", lambda: groups(year_ago), lambda: reference(year_ago))]
                if year_ago
                else []
            ),
            ("as_of_today", lambda: groups(today), lambda: reference(today)),
            ("items_past", lambda: items(past), lambda: items_reference(past)),
            ("item_past", lambda: items(past, item), lambda: items_reference(past, item)),
        ]
        headline = None
        for name, snap, ref in cases:
            snap_ms, snap_rows = timed(snap, args.repeat)
            ref_ms, ref_rows = timed(ref, max(1, args.repeat // 2))
            same = "equal" if snap_rows == ref_rows else "DIFFERENT"
            print(
                f"{name}_ms {snap_ms:.1f} full_history_sql_ms {ref_ms:.1f} "
                f"ratio {snap_ms / ref_ms:.2f} rows {len(snap_rows)} {same}",
                flush=True,
            )
            headline = headline or snap_ms
    print(f"valuation_as_of_ms {headline:.1f}")


if __name__ == "__main__":
    main()
