"""One planning run over 50,000 item-sites with a million demand rows:
`purchasing.planning.run.run_planning`, timed, with its SQL statements counted and its peak
memory measured.

    .venv/bin/python bench/plan.py [--items 10000] [--sites 5]

Data: a bench tenant `bench-plan-<items>x<sites>` with the items at every site (50,000
item-sites by default), each sold by two suppliers (one preferred) whose lead times are measured
from received orders. Every item-site ships on 20 different days of the last 392 (so some have
a year of history and follow the seasonal profile): 1,000,000 shipment lines, posted through
`inventory.ledger.post` after one receipt of what they ship plus a random stock left over.
Generated once (ledger entries cannot be deleted; postings carry idempotency keys, so an
interrupted generation resumes) and reused on the next run. No segments are computed (that is
bench/segment.py's work): every item-site plans at the level of a segment-less one (CZ), which
costs the run the same join.

Printed: the generation (when it ran), a warm-up run measured with tracemalloc for the peak
Python memory, then the measured run: seconds and SQL statements (a fixed handful plus the
insert batches), item-sites read, suggestions by kind, and the process's peak RSS. Checks that
the work was done: every item-site read, purchases and transfers both suggested, and every flat
suggestion's d̄ equal to a plain SQL sum of its site's shipments over the window / its days.
The reference, in the same process: that plain SQL sum (one GROUP BY over the window's
shipment entries), the least any planning must read. `ratio` = run time / reference time.
Last line: `seconds <measured run time>` (goal: under 60).
"""

from __future__ import annotations

import argparse
import datetime
import random
import resource
import time
import tracemalloc
from decimal import Decimal

from _setup import django_setup

django_setup()

from django.db import connection  # noqa: E402

from erp.models import Tenant, User  # noqa: E402
from erp.tenancy import tenant_context  # noqa: E402
from inventory import ledger  # noqa: E402
from inventory.models import (  # noqa: E402
    Bin,
    BinType,
    Item,
    LocationKind,
    Site,
    StockTransaction,
    Zone,
    ZoneType,
)
from purchasing.models import (  # noqa: E402
    PlanningRun,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchasingSettings,
    ReorderSuggestion,
    Supplier,
    SupplierItem,
)
from purchasing.planning import run as planning  # noqa: E402

AS_OF = datetime.date(2025, 6, 30)
DAYS = 392  # the year and the 28 days before its first, for the seasonal base
LINES = 20  # shipment days per item-site
CHUNK = 1000  # moves per posting
REFERENCE_SQL = """
    SELECT e.item_id, e.site_id, -sum(e.quantity)
    FROM inventory_stocktransaction t
    JOIN inventory_stockentry e ON e.tenant_id = t.tenant_id AND e.transaction_id = t.id
    WHERE t.tenant_id = %(tenant)s AND t.kind = 'shipment' AND e.site_id IS NOT NULL
      AND t.posted_at >= %(start)s AND t.posted_at < %(end)s
    GROUP BY e.item_id, e.site_id
"""


def _noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def _days(item: int, site: int) -> list[int]:
    """The days back (0 = AS_OF) on which the item-site ships: LINES distinct days."""
    start = (item * 7 + site * 13) % DAYS
    return [(start + 19 * k) % DAYS for k in range(LINES)]


def _post(tenant, *, kind: str, moves: list, key: str, at: datetime.datetime) -> bool:
    with tenant_context(tenant, durable=True):
        if StockTransaction.objects.filter(tenant=tenant, idempotency_key=key).exists():
            return False
        ledger.post(
            tenant=tenant, user=None, kind=kind, moves=moves, idempotency_key=key, posted_at=at,
            reference="bench planning",
        )  # fmt: skip
        return True


def _masters(tenant: Tenant, items: int, sites: int):
    user, _ = User.objects.get_or_create(
        email="bench-plan@example.invalid", defaults={"full_name": "Bench planner"}
    )
    with tenant_context(tenant, durable=True):
        site_objs = []
        for s in range(sites):
            site, _ = Site.objects.get_or_create(
                tenant=tenant, code=f"S{s}", defaults={"name": f"Site {s}", "time_zone": "UTC"}
            )
            zone, _ = Zone.objects.get_or_create(
                tenant=tenant, site=site, code="Z",
                defaults={"name": "Storage", "zone_type": ZoneType.STORAGE},
            )  # fmt: skip
            Bin.objects.get_or_create(
                tenant=tenant, site=site, code="B-1",
                defaults={"zone": zone, "bin_type": BinType.RESERVE, "walk_sequence": 1},
            )  # fmt: skip
            site_objs.append(site)
        ledger.ensure_bin_locations(tenant=tenant)
        have = set(Item.objects.filter(tenant=tenant).values_list("sku", flat=True))
        Item.objects.bulk_create(
            (Item(tenant=tenant, sku=sku, description=f"Bench item {n}")
             for n in range(items) if (sku := f"PLN-{n:05}") not in have),
            batch_size=5000,
        )  # fmt: skip
        item_objs = list(Item.objects.filter(tenant=tenant).order_by("sku"))
        suppliers = []
        for code, lead in (("FAST", 5), ("SLOW", 12)):
            supplier, _ = Supplier.objects.get_or_create(
                tenant=tenant, code=code, defaults={"name": code, "default_lead_time_days": lead}
            )
            suppliers.append(supplier)
        if not SupplierItem.objects.filter(tenant=tenant).exists():
            SupplierItem.objects.bulk_create(
                [
                    SupplierItem(
                        tenant=tenant, supplier=supplier, item=item, pack_size=Decimal(6 * (1 + n % 4)),
                        minimum_order_quantity=Decimal(12 * (n % 3)), price=Decimal("2.00") + s,
                        preferred=(s == n % 2),
                    )
                    for n, item in enumerate(item_objs)
                    for s, supplier in enumerate(suppliers)
                ],
                batch_size=5000,
            )  # fmt: skip
        if not PurchaseOrder.objects.filter(tenant=tenant).exists():
            # Lead times to measure: five received lines per supplier, 1 day either side of
            # its stated lead time.
            for supplier in suppliers:
                for n in range(5):
                    sent = _noon(AS_OF - datetime.timedelta(days=60 + n))
                    order = PurchaseOrder.objects.create(
                        tenant=tenant, number=f"PO-B{supplier.code}{n}", supplier=supplier,
                        site=site_objs[0], expected_date=AS_OF, status="received", currency="USD",
                        created_by=user, approved_by=user, approved_at=sent, sent_at=sent,
                    )  # fmt: skip
                    PurchaseOrderLine.objects.create(
                        tenant=tenant, order=order, line_no=1, item=item_objs[n], unit="each",
                        quantity=10, quantity_base=10, unit_cost=2, expected_date=AS_OF,
                        received_base=10,
                        first_received_at=sent + datetime.timedelta(
                            days=supplier.default_lead_time_days + (n % 3) - 1
                        ),
                    )  # fmt: skip
        bins = [
            ledger.bin_location(tenant=tenant, bin=Bin.objects.get(tenant=tenant, site=site))
            for site in site_objs
        ]
        supplier_loc = ledger.virtual_location(tenant=tenant, kind=LocationKind.SUPPLIER)
        customer = ledger.virtual_location(tenant=tenant, kind=LocationKind.CUSTOMER)
    return item_objs, bins, supplier_loc, customer


def ensure_tenant(items: int, sites: int) -> Tenant:
    tenant, _ = Tenant.objects.get_or_create(
        slug=f"bench-plan-{items}x{sites}", defaults={"name": f"Bench planning {items}x{sites}"}
    )
    item_objs, bins, supplier, customer = _masters(tenant, items, sites)
    rng = random.Random(20250630)
    # quantity per (item, site, line), and what stays on hand after them
    plan = {}
    for i in range(items):
        for s in range(sites):
            plan[(i, s)] = ([rng.randint(1, 30) for _ in range(LINES)], rng.randint(0, 80))
    started, posted = time.perf_counter(), 0
    receive_at = _noon(AS_OF - datetime.timedelta(days=DAYS + 10))
    for s in range(sites):
        for start in range(0, items, CHUNK):
            moves = [
                ledger.Move(item=item_objs[i], quantity=Decimal(sum(plan[(i, s)][0]) + plan[(i, s)][1]),
                            source=supplier, destination=bins[s], unit_cost=Decimal("2.00"))
                for i in range(start, min(start + CHUNK, items))
            ]  # fmt: skip
            posted += _post(tenant, kind="receipt", moves=moves, key=f"r{s}:{start}", at=receive_at)
    by_day: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for (i, s), (quantities, _) in plan.items():
        for k, day in enumerate(_days(i, s)):
            by_day.setdefault((s, day), []).append((i, quantities[k]))
    for (s, day), lines in sorted(by_day.items()):
        at = _noon(AS_OF - datetime.timedelta(days=day))
        for start in range(0, len(lines), CHUNK):
            moves = [
                ledger.Move(item=item_objs[i], quantity=Decimal(q), source=bins[s],
                            destination=customer)
                for i, q in lines[start : start + CHUNK]
            ]  # fmt: skip
            posted += _post(tenant, kind="shipment", moves=moves, key=f"d{s}:{day}:{start}", at=at)
    if posted:
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE inventory_stockbalance, inventory_stockentry, inventory_stocktransaction"
            )
    if posted:
        lines = sum(len(v) for v in by_day.values())
        print(
            f"generated {posted} postings ({lines} shipment lines) in "
            f"{time.perf_counter() - started:.0f} s"
        )
    return tenant


def run(tenant: Tenant) -> tuple[float, list[str], PlanningRun]:
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with tenant_context(tenant, durable=True):
        job = PlanningRun.objects.create(tenant=tenant)
    # Timed with the commit, where the deferred composite foreign keys of the new rows are
    # checked.
    started = time.perf_counter()
    with connection.execute_wrapper(count), tenant_context(tenant, durable=True):
        planning.run_planning(tenant=tenant, run=job, as_of=AS_OF)
    elapsed = time.perf_counter() - started
    with tenant_context(tenant, durable=True):
        job.refresh_from_db()
    return elapsed, statements, job


def reference(tenant: Tenant, window: int) -> tuple[float, dict]:
    start = _noon(AS_OF - datetime.timedelta(days=window - 1)) - datetime.timedelta(hours=12)
    end = _noon(AS_OF) + datetime.timedelta(hours=12)
    with tenant_context(tenant, durable=True), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(REFERENCE_SQL, {"tenant": tenant.pk, "start": start, "end": end})
        found = {(item, site): q for item, site, q in cursor.fetchall()}
        return time.perf_counter() - started, found


def check(tenant: Tenant, item_sites: int, job: PlanningRun, sums: dict, window: int) -> dict:
    assert job.status == "done" and job.item_sites == item_sites, (job.status, job.item_sites)
    with tenant_context(tenant, durable=True):
        rows = list(
            ReorderSuggestion.objects.filter(tenant=tenant, status="open").values_list(
                "kind", "item_id", "site_id", "seasonal", "demand_per_day"
            )
        )
    kinds = {kind: sum(1 for r in rows if r[0] == kind) for kind in ("purchase", "transfer")}
    assert all(kinds.values()), kinds
    for _, item, site, seasonal, rate in rows:
        if not seasonal:
            expected = (sums.get((item, site), Decimal(0)) / window).quantize(Decimal("0.0001"))
            assert rate == expected, (item, site, rate, expected)
    kinds["seasonal"] = sum(1 for r in rows if r[3])
    return kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--sites", type=int, default=5)
    args = parser.parse_args()

    tenant = ensure_tenant(args.items, args.sites)
    with tenant_context(tenant, durable=True):
        window = (
            PurchasingSettings.objects.filter(tenant=tenant)
            .values_list("demand_window_days", flat=True)
            .first()
            or PurchasingSettings._meta.get_field("demand_window_days").default
        )
    tracemalloc.start()
    warm, _, _ = run(tenant)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"warm-up run (under tracemalloc): {warm:.2f} s, peak Python memory {peak / 2**20:.0f} MiB"
    )
    elapsed, statements, job = run(tenant)
    ref_elapsed, sums = reference(tenant, window)
    kinds = check(tenant, args.items * args.sites, job, sums, window)
    kinds_sql = " ".join(sql.split()[0] for sql in statements)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"item-sites {job.item_sites}: {elapsed:.2f} s, {len(statements)} SQL statements "
        f"({kinds_sql}), {job.suggestion_count} suggestions"
    )
    print(
        f"purchases {kinds['purchase']}  transfers {kinds['transfer']}  seasonal "
        f"{kinds['seasonal']}  peak RSS {rss:.0f} MiB"
    )
    print(f"reference (plain SUM of the window's shipment entries): {ref_elapsed:.2f} s")
    print(f"ratio {elapsed / ref_elapsed:.2f}")
    print(f"seconds {elapsed:.2f}")


if __name__ == "__main__":
    main()
