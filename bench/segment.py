"""Segmentation of 20,000 items with a year of shipments at one site:
`inventory.services.segmentation.compute_segments`, timed and with its SQL statements counted.

    .venv/bin/python bench/segment.py [--items 20000]

Data: a bench tenant `bench-segment-<items>` with one site, 200 bins and the items, each
received a year back and then shipped through `inventory.ledger.post` in weekly shipments
ending on a fixed date (so the data never leaves the window): a fifth of the items ship every
week (half of them steadily), one in twenty every other week, the rest in three weeks of the
year, in random quantities at
random (skewed) unit costs. About 280,000 shipment lines; generated once (a few minutes on 2
cores; ledger entries cannot be deleted) and reused on the next run. Postings carry
idempotency keys, so an interrupted generation resumes where it stopped.

Printed: the generation (when it ran), a warm-up run, then the measured run: seconds and SQL
statements (which must not grow with the items), rows written and the count of each class.
Checks that it did the work: one row per item, every class present, A items fewer than B+C
items, and every item's shipped quantity and value equal to a plain SQL sum of its shipment
entries. The reference, in the same process: that plain SQL sum (one GROUP BY over the year's
shipment entries, no weeks, ranking or writing), the least any segmentation must read.
`ratio` = segmentation time / reference time. Last line: `seconds <measured run time>`.
"""

from __future__ import annotations

import argparse
import datetime
import random
import time
from decimal import Decimal

from _setup import django_setup

django_setup()

from django.db import connection  # noqa: E402

from erp.models import Tenant  # noqa: E402
from erp.tenancy import tenant_context  # noqa: E402
from inventory import ledger  # noqa: E402
from inventory.models import (  # noqa: E402
    Bin,
    BinType,
    Item,
    ItemSegment,
    LocationKind,
    Site,
    StockTransaction,
    Zone,
    ZoneType,
)
from inventory.services import segmentation  # noqa: E402

AS_OF = datetime.date(2025, 6, 30)
BINS = 200
CHUNK = 1000  # moves per posting
REFERENCE_SQL = """
    SELECT e.item_id, -sum(e.quantity), -sum(e.value)
    FROM inventory_stocktransaction t
    JOIN inventory_stockentry e ON e.tenant_id = t.tenant_id AND e.transaction_id = t.id
    WHERE t.tenant_id = %(tenant)s AND t.kind = 'shipment' AND e.site_id IS NOT NULL
      AND t.posted_at >= %(start)s AND t.posted_at < %(end)s
    GROUP BY e.item_id
"""


def _noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def _weekly(index: int, rng: random.Random) -> dict[int, int]:
    """Week (0 = the week ending on AS_OF) -> quantity item `index` ships: one item in ten
    steadily (X), one in ten every week but erratically (mostly Y), one in twenty every other
    week (CV 1.0, Y), the rest in three weeks of the year (Z)."""
    kind = index % 20
    if kind in (0, 1):
        return {week: rng.randint(8, 12) for week in range(52)}
    if kind in (2, 3):
        return {week: rng.randint(1, 20) for week in range(52)}
    if kind == 4:
        return {week: 10 for week in range(0, 52, 2)}
    return {week: rng.randint(1, 40) for week in rng.sample(range(52), 3)}


def _plan(items: int) -> tuple[list[Decimal], dict[int, list[tuple[int, Decimal]]]]:
    """Unit cost per item, and per week the (item index, quantity) shipped; seeded, so every
    run plans the same data."""
    rng = random.Random(20250630)
    costs = [Decimal(str(round(rng.lognormvariate(1.0, 1.4), 2) or 0.01)) for _ in range(items)]
    shipments: dict[int, list[tuple[int, Decimal]]] = {k: [] for k in range(52)}
    for index in range(items):
        for week, quantity in _weekly(index, rng).items():
            shipments[week].append((index, Decimal(quantity)))
    return costs, shipments


def _post(tenant, *, kind: str, moves: list, key: str, at: datetime.datetime) -> bool:
    """Post unless a posting with `key` exists already; True when it posted."""
    with tenant_context(tenant, durable=True):
        if StockTransaction.objects.filter(tenant=tenant, idempotency_key=key).exists():
            return False
        ledger.post(
            tenant=tenant, user=None, kind=kind, moves=moves, idempotency_key=key, posted_at=at,
            reference="bench segmentation",
        )  # fmt: skip
        return True


def ensure_tenant(items: int) -> Tenant:
    tenant, _ = Tenant.objects.get_or_create(
        slug=f"bench-segment-{items}", defaults={"name": f"Bench segmentation {items}"}
    )
    with tenant_context(tenant, durable=True):
        site, _ = Site.objects.get_or_create(
            tenant=tenant, code="SEG", defaults={"name": "Bench", "time_zone": "UTC"}
        )
        zone, _ = Zone.objects.get_or_create(
            tenant=tenant, site=site, code="SEG",
            defaults={"name": "Bench", "zone_type": ZoneType.STORAGE},
        )  # fmt: skip
        have = set(Bin.objects.filter(tenant=tenant).values_list("code", flat=True))
        Bin.objects.bulk_create(
            Bin(tenant=tenant, site=site, zone=zone, code=code, bin_type=BinType.RESERVE,
                walk_sequence=n)
            for n in range(BINS) if (code := f"S-{n:04}") not in have
        )  # fmt: skip
        ledger.ensure_bin_locations(tenant=tenant)
        have = set(Item.objects.filter(tenant=tenant).values_list("sku", flat=True))
        Item.objects.bulk_create(
            Item(tenant=tenant, sku=sku, description=f"Bench item {n}")
            for n in range(items) if (sku := f"SEG-{n:05}") not in have
        )  # fmt: skip
        item_objs = list(Item.objects.filter(tenant=tenant).order_by("sku"))
        bins = [
            ledger.bin_location(tenant=tenant, bin=b)
            for b in Bin.objects.filter(tenant=tenant).order_by("code")
        ]
        supplier = ledger.virtual_location(tenant=tenant, kind=LocationKind.SUPPLIER)
        customer = ledger.virtual_location(tenant=tenant, kind=LocationKind.CUSTOMER)
    costs, shipments = _plan(items)
    totals = [Decimal(0)] * items
    for lines in shipments.values():
        for index, quantity in lines:
            totals[index] += quantity
    started, posted = time.perf_counter(), 0
    receive_at = _noon(AS_OF - datetime.timedelta(days=400))
    for start in range(0, items, CHUNK):
        moves = [
            ledger.Move(item=item_objs[i], quantity=totals[i], source=supplier,
                        destination=bins[i % BINS], unit_cost=costs[i])
            for i in range(start, min(start + CHUNK, items))
        ]  # fmt: skip
        posted += _post(tenant, kind="receipt", moves=moves, key=f"receipt:{start}", at=receive_at)
    for week, lines in shipments.items():
        at = _noon(AS_OF - datetime.timedelta(days=7 * week + 3))
        for start in range(0, len(lines), CHUNK):
            moves = [
                ledger.Move(item=item_objs[i], quantity=q, source=bins[i % BINS],
                            destination=customer)
                for i, q in lines[start : start + CHUNK]
            ]  # fmt: skip
            posted += _post(tenant, kind="shipment", moves=moves, key=f"w{week}:{start}", at=at)
    if posted:
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE inventory_stockbalance, inventory_stockentry, inventory_stocktransaction"
            )
        lines = sum(len(v) for v in shipments.values())
        print(
            f"generated {posted} postings ({lines} shipment lines) in "
            f"{time.perf_counter() - started:.0f} s"
        )
    return tenant


def run(tenant: Tenant) -> tuple[float, list[str], segmentation.SegmentRun]:
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    # Timed with the commit, where the deferred composite foreign keys of the new rows are
    # checked.
    started = time.perf_counter()
    with connection.execute_wrapper(count), tenant_context(tenant, durable=True):
        result = segmentation.compute_segments(tenant=tenant, as_of=AS_OF)
    elapsed = time.perf_counter() - started
    return elapsed, statements, result


def reference(tenant: Tenant) -> tuple[float, dict[int, tuple[Decimal, Decimal]]]:
    start = datetime.datetime.combine(
        AS_OF - datetime.timedelta(days=364), datetime.time.min, tzinfo=datetime.UTC
    )
    end = datetime.datetime.combine(
        AS_OF + datetime.timedelta(days=1), datetime.time.min, tzinfo=datetime.UTC
    )
    with tenant_context(tenant, durable=True), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(REFERENCE_SQL, {"tenant": tenant.pk, "start": start, "end": end})
        found = {item: (q, v) for item, q, v in cursor.fetchall()}
        return time.perf_counter() - started, found


def check(tenant: Tenant, items: int, result: segmentation.SegmentRun, sums: dict) -> None:
    with tenant_context(tenant, durable=True):
        stored = {
            item: (q, v)
            for item, q, v in ItemSegment.objects.filter(tenant=tenant).values_list(
                "item_id", "annual_quantity", "annual_value"
            )
        }
    assert len(stored) == items == result.rows, (len(stored), items, result.rows)
    assert {k: v for k, v in stored.items() if v != (0, 0)} == sums, "sums differ"
    abc = {c: result.count(abc=c) for c in "ABC"}
    xyz = {c: result.count(xyz=c) for c in "XYZ"}
    assert all(abc.values()) and all(xyz.values()), (abc, xyz)
    assert abc["A"] < abc["B"] + abc["C"], abc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=20_000)
    args = parser.parse_args()

    tenant = ensure_tenant(args.items)
    warm, _, _ = run(tenant)
    print(f"warm-up run: {warm:.2f} s")
    elapsed, statements, result = run(tenant)
    ref_elapsed, sums = reference(tenant)
    check(tenant, args.items, result, sums)
    abc = " ".join(f"{c}={result.count(abc=c)}" for c in "ABC")
    xyz = " ".join(f"{c}={result.count(xyz=c)}" for c in "XYZ")
    kinds = " ".join(sql.split()[0] for sql in statements)
    print(
        f"items {args.items}: {elapsed:.2f} s, {len(statements)} SQL statements ({kinds}), "
        f"{result.rows} rows"
    )
    print(f"classes {abc}  {xyz}")
    print(f"reference (plain SUM of the year's shipment entries): {ref_elapsed:.2f} s")
    print(f"ratio {elapsed / ref_elapsed:.2f}")
    print(f"seconds {elapsed:.2f}")


if __name__ == "__main__":
    main()
