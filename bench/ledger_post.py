"""Ledger posting throughput: `inventory.ledger.post` beside hand-written SQL, in one run.

    .venv/bin/python bench/ledger_post.py [--seconds 8] [--processes 1,2,4,8]
                                          [--entries 1000000] [--repeat 1]

What it measures (figures printed as `name value`; the last line is the headline):

- Spread: 2-line postings (one `ledger.Move`, bin to bin in one site, a random item) over
  10,000 balance rows (100 items x 100 bins), from 1, 2, 4 and 8 processes, each posting in
  its own durable tenant transaction for `--seconds`. The same work as hand-written SQL through
  psycopg as the same application role (set the tenant, lock the two balance rows in sorted
  order, insert header and entries, update both balances): postings per second of both, their
  ratio, and the CPU per posting in the posting processes and their database backends.
- Hot spot: every process on the same 10 balance rows (one item, 10 bins), both paths.
- After every run: the headers written equal the postings counted, and no update was lost
  (per balance row, the change during the run equals the sum of the run's entries); at the
  end `ledger.verify` over the whole bench tenant.
- Statements of a 2-line, 10-line and 100-line posting (CaptureQueriesContext), and the time
  of a 1,000-line (500 moves) and a 2,000-line (1,000 moves) posting.
- `ledger.verify` over `--entries` entries against the same four checks written as one SQL
  statement (and against the balance check alone), in a fresh process whose peak RSS is shown
  before and after.

Other work on the same cores moves the rates: the CPU it took during each run is printed
beside the run (`other_cores`), and `--repeat 3` keeps the best of three runs per configuration.

Data: entries cannot be deleted (a trigger makes them immutable), so the bench tenants stay
and are reused on the next run: `bench-ledger-post` (throughput; its ledger grows by the
postings of each run) and `bench-ledger-verify-<entries>` (generated once, about a minute and
a half per million entries on 2 cores, then reused as is). Removing them needs a role that
may bypass the trigger. The script migrates the database first (a no-op when up to date) and
runs ANALYZE on the ledger tables after loading a tenant.

Last line: `ratio <ORM postings/s / raw SQL postings/s, spread, 4 processes>`.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import statistics
import time
import traceback
from dataclasses import dataclass, field
from decimal import Decimal

from _setup import django_setup

django_setup()

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from erp.models import Tenant  # noqa: E402
from erp.tenancy import tenant_context  # noqa: E402
from inventory import ledger  # noqa: E402
from inventory.errors import InsufficientStock  # noqa: E402
from inventory.models import (  # noqa: E402
    Bin,
    BinType,
    Item,
    Location,
    LocationKind,
    Site,
    StockBalance,
    StockEntry,
    Zone,
    ZoneType,
)
from warehouse.scale.run import process_cpu_seconds  # noqa: E402

THROUGHPUT_SLUG = "bench-ledger-post"
HOT_ROWS = 10
STOCK = Decimal(1_000_000)  # per balance row: moves of 1-5 never run a row dry
GENERATE_MOVES = 1000  # moves per generated posting (2,000 entries)

# ---------------------------------------------------------------------------------------------
# Set-up of a bench tenant: one site, one zone, `bins` bins, `items` items, and a balance row
# with STOCK units for every (item, bin), received from the supplier through ledger.post.


@dataclass
class Stock:
    tenant_id: int
    site_id: int
    item_ids: list[int]
    location_ids: list[int]  # the bins' ledger locations, in bin order


def ensure_tenant(slug: str, *, items: int, bins: int) -> Stock:
    tenant, _ = Tenant.objects.get_or_create(slug=slug, defaults={"name": f"Bench {slug}"})
    with tenant_context(tenant, durable=True):
        site, _ = Site.objects.get_or_create(tenant=tenant, code="BEN", defaults={"name": "Bench"})
        zone, _ = Zone.objects.get_or_create(
            tenant=tenant,
            site=site,
            code="BEN",
            defaults={"name": "Bench", "zone_type": ZoneType.STORAGE},
        )
        have = set(Bin.objects.filter(tenant=tenant).values_list("code", flat=True))
        Bin.objects.bulk_create(
            Bin(tenant=tenant, site=site, zone=zone, code=code, bin_type=BinType.RESERVE,
                walk_sequence=n)
            for n in range(bins) if (code := f"B-{n:05}") not in have
        )  # fmt: skip
        ledger.ensure_bin_locations(tenant=tenant)
        have = set(Item.objects.filter(tenant=tenant).values_list("sku", flat=True))
        Item.objects.bulk_create(
            Item(tenant=tenant, sku=sku, description=f"Bench item {n}", standard_cost=Decimal(2))
            for n in range(items) if (sku := f"BEN-{n:05}") not in have
        )  # fmt: skip
        item_objs = list(
            Item.objects.filter(tenant=tenant, sku__lt=f"BEN-{items:05}").order_by("sku")
        )
        locations = list(
            Location.objects.filter(tenant=tenant, bin__code__lt=f"B-{bins:05}").order_by(
                "bin__code"
            )
        )
        stocked = set(
            StockBalance.objects.filter(tenant=tenant, is_real=True).values_list(
                "item_id", "location_id"
            )
        )
        supplier = ledger.virtual_location(tenant=tenant, kind=LocationKind.SUPPLIER)
    missing = [(i, loc) for i in item_objs for loc in locations if (i.pk, loc.pk) not in stocked]
    for start in range(0, len(missing), 1000):
        with tenant_context(tenant, durable=True):
            ledger.post(
                tenant=tenant, user=None, kind="receipt", reference="bench stock",
                moves=[ledger.Move(item=i, quantity=STOCK, source=supplier, destination=loc,
                                   unit_cost=Decimal("2.00"))
                       for i, loc in missing[start : start + 1000]],
            )  # fmt: skip
    if missing:
        analyze()
    return Stock(tenant.pk, site.pk, [i.pk for i in item_objs], [loc.pk for loc in locations])


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load, as autovacuum eventually would.

    Until then a tenant missing from the statistics of inventory_stockbalance can get a plan
    for post's balance upsert that reads every balance row of the tenant (through the index on
    tenant_id alone) once per line taking stock; the figures here are the steady state.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE inventory_stockbalance, inventory_stockentry, inventory_stocktransaction, "
            "inventory_costlayer"
        )


# ---------------------------------------------------------------------------------------------
# Worker processes (spawned: each sets Django up itself and keeps its own connections).


@dataclass
class Job:
    path: str  # "orm", "raw" or "generate"
    stock: Stock
    item_ids: list[int]  # the rows this run draws from: every item x location pair
    location_ids: list[int]
    seconds: float = 0.0
    postings: int = 0  # "generate": how many postings of GENERATE_MOVES moves
    seed: int | str = 0


@dataclass
class Result:
    posted: int = 0
    insufficient: int = 0
    deadlocks: int = 0
    other: int = 0
    elapsed: float = 0.0
    client_cpu: float = 0.0  # seconds of CPU in the posting processes
    server_cpu: float | None = None  # ... and in their database backends (when /proc shows them)
    errors: list[str] = field(default_factory=list)


def _is_deadlock(exc: BaseException) -> bool:
    while exc is not None:
        if isinstance(exc, psycopg.errors.DeadlockDetected):
            return True
        exc = exc.__cause__
    return False


class OrmPoster:
    """2-line postings through `ledger.post`, each in its own durable tenant transaction."""

    def __init__(self, job: Job):
        self.tenant = Tenant.objects.get(pk=job.stock.tenant_id)
        with tenant_context(self.tenant, durable=True):
            self.items = list(Item.objects.filter(pk__in=job.item_ids))
            self.locations = list(Location.objects.filter(pk__in=job.location_ids))

    def backend_pid(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    def post(self, rng: random.Random) -> None:
        source, destination = rng.sample(self.locations, 2)
        move = ledger.Move(
            item=rng.choice(self.items),
            quantity=Decimal(rng.randint(1, 5)),
            source=source,
            destination=destination,
        )
        with tenant_context(self.tenant, durable=True):
            ledger.post(tenant=self.tenant, user=None, kind="move", moves=[move])

    def generate(self, rng: random.Random, moves: int) -> None:
        batch = []
        for _ in range(moves):
            source, destination = rng.sample(self.locations, 2)
            batch.append(
                ledger.Move(item=rng.choice(self.items), quantity=Decimal(rng.randint(1, 5)),
                            source=source, destination=destination)
            )  # fmt: skip
        with tenant_context(self.tenant, durable=True):
            ledger.post(tenant=self.tenant, user=None, kind="move", moves=batch)


# The hand-written equivalent: same tables, constraints and triggers, psycopg defaults (which
# prepare a statement on the server after its fifth use).
RAW_LOCK = """
    SELECT location_id, on_hand FROM inventory_stockbalance
    WHERE tenant_id = %s AND item_id = %s AND location_id = ANY(%s)
      AND lot_id IS NULL AND serial_id IS NULL AND status = 'available'
    ORDER BY location_id FOR UPDATE
"""
RAW_INSERT = """
    WITH h AS (
        INSERT INTO inventory_stocktransaction (tenant_id, kind, reference, posted_at, reason)
        VALUES (%(t)s, 'move', '', now(), '') RETURNING id)
    INSERT INTO inventory_stockentry
        (tenant_id, transaction_id, item_id, location_id, status, quantity, unit_cost, value, site_id)
    SELECT %(t)s, h.id, %(item)s, e.loc, 'available', e.q, 0, 0, %(site)s
    FROM h, (VALUES (%(src)s::bigint, -%(q)s::numeric), (%(dst)s::bigint, %(q)s::numeric)) AS e(loc, q)
"""
RAW_UPDATE = """
    UPDATE inventory_stockbalance b SET on_hand = b.on_hand + u.q
    FROM (VALUES (%(src)s::bigint, -%(q)s::numeric), (%(dst)s::bigint, %(q)s::numeric)) AS u(loc, q)
    WHERE b.tenant_id = %(t)s AND b.item_id = %(item)s AND b.location_id = u.loc
      AND b.lot_id IS NULL AND b.serial_id IS NULL AND b.status = 'available'
"""


class RawPoster:
    def __init__(self, job: Job):
        self.job = job
        self.conn = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)

    def backend_pid(self) -> int:
        return self.conn.info.backend_pid

    def post(self, rng: random.Random) -> None:
        job = self.job
        item = rng.choice(job.item_ids)
        source, destination = rng.sample(job.location_ids, 2)
        quantity = rng.randint(1, 5)
        args = {"t": job.stock.tenant_id, "item": item, "src": source, "dst": destination,
                "q": quantity, "site": job.stock.site_id}  # fmt: skip
        with self.conn.transaction(), self.conn.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('app.tenant_id', %s, true)", [str(job.stock.tenant_id)]
            )
            rows = cursor.execute(
                RAW_LOCK, [job.stock.tenant_id, item, sorted((source, destination))]
            ).fetchall()
            if dict(rows).get(source, 0) < quantity:
                raise InsufficientStock(
                    sku=str(item), location=str(source), lot="", available=0, requested=quantity
                )
            cursor.execute(RAW_INSERT, args)
            cursor.execute(RAW_UPDATE, args)


def _run(job: Job, inbox: mp.Queue, outbox: mp.Queue) -> Result:
    rng = random.Random(job.seed)
    poster = RawPoster(job) if job.path == "raw" else OrmPoster(job)
    result = Result()
    if job.path == "generate":
        started = time.perf_counter()
        for _ in range(job.postings):
            poster.generate(rng, GENERATE_MOVES)
            result.posted += 1
        result.elapsed = time.perf_counter() - started
        return result
    for _ in range(20):  # warm up: connection, prepared statements, caches
        poster.post(rng)
    outbox.put("ready")
    if inbox.get() != "go":
        raise RuntimeError("expected go")
    backend = process_cpu_seconds(poster.backend_pid())
    cpu = time.process_time()
    started = time.perf_counter()
    deadline = started + job.seconds
    while time.perf_counter() < deadline:
        try:
            poster.post(rng)
            result.posted += 1
        except InsufficientStock:
            result.insufficient += 1
        except Exception as exc:
            if _is_deadlock(exc):
                result.deadlocks += 1
            else:
                result.other += 1
                if len(result.errors) < 3:
                    result.errors.append(f"{type(exc).__name__}: {exc}"[:200])
    result.elapsed = time.perf_counter() - started
    result.client_cpu = time.process_time() - cpu
    if backend is not None:
        result.server_cpu = process_cpu_seconds(poster.backend_pid()) - backend
    if job.path == "raw":
        poster.conn.close()
    return result


def worker(inbox: mp.Queue, outbox: mp.Queue) -> None:
    """Run jobs from `inbox` until None: report "ready", wait for "go", post until time is up."""
    while (job := inbox.get()) is not None:
        try:
            outbox.put(_run(job, inbox, outbox))
        except Exception:
            outbox.put(traceback.format_exc())


class Pool:
    def __init__(self, size: int):
        ctx = mp.get_context("spawn")
        self.outbox = ctx.Queue()
        self.inboxes = [ctx.Queue() for _ in range(size)]
        self.processes = [
            ctx.Process(target=worker, args=(inbox, self.outbox), daemon=True)
            for inbox in self.inboxes
        ]
        for process in self.processes:
            process.start()

    def _get(self, timeout: float):
        message = self.outbox.get(timeout=timeout)
        if isinstance(message, str) and message != "ready":
            raise RuntimeError(f"a worker failed:\n{message}")
        return message

    def run(self, jobs: list[Job], before_go=None) -> list[Result]:
        for inbox, job in zip(self.inboxes, jobs, strict=False):
            inbox.put(job)
        if jobs[0].path != "generate":
            for _ in jobs:
                self._get(timeout=300)
            if before_go:
                before_go()
            for inbox in self.inboxes[: len(jobs)]:
                inbox.put("go")
        return [self._get(timeout=3600) for _ in jobs]

    def close(self) -> None:
        for inbox in self.inboxes:
            inbox.put(None)
        for process in self.processes:
            process.join(timeout=30)


# ---------------------------------------------------------------------------------------------
# Checks around a run: headers written = postings counted, and no lost update.


def _snapshot(tenant_id: int) -> tuple[dict, int, int]:
    with tenant_context(tenant_id, durable=True), connection.cursor() as cursor:
        cursor.execute(
            "SELECT item_id, location_id, on_hand FROM inventory_stockbalance "
            "WHERE tenant_id = %s AND is_real",
            [tenant_id],
        )
        balances = {(i, loc): q for i, loc, q in cursor.fetchall()}
        cursor.execute(
            "SELECT (SELECT COALESCE(max(id), 0) FROM inventory_stocktransaction WHERE tenant_id = %s),"
            "       (SELECT COALESCE(max(id), 0) FROM inventory_stockentry WHERE tenant_id = %s)",
            [tenant_id, tenant_id],
        )
        last_header, last_entry = cursor.fetchone()
    return balances, last_header, last_entry


def _check_run(tenant_id: int, before: tuple[dict, int, int]) -> tuple[int, int]:
    """(headers written since `before`, balance rows whose change differs from their entries)."""
    balances, last_header, last_entry = before
    after, _, _ = _snapshot(tenant_id)
    with tenant_context(tenant_id, durable=True), connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM inventory_stocktransaction WHERE tenant_id = %s AND id > %s",
            [tenant_id, last_header],
        )
        headers = cursor.fetchone()[0]
        cursor.execute(
            "SELECT item_id, location_id, sum(quantity) FROM inventory_stockentry "
            "WHERE tenant_id = %s AND id > %s GROUP BY 1, 2",
            [tenant_id, last_entry],
        )
        moved = {(i, loc): q for i, loc, q in cursor.fetchall()}
    lost = sum(
        1
        for key in after.keys() | balances.keys()
        if after.get(key, 0) - balances.get(key, 0) != moved.get(key, 0)
    )
    return headers, lost


@dataclass
class Run:
    case: str
    path: str
    processes: int
    rate: float
    result: Result
    headers: int
    lost: int
    other_cores: float | None  # CPU used meanwhile by everything but the posting processes


def _machine_busy() -> float | None:
    """CPU seconds the machine has been busy (all cores), from /proc/stat (None elsewhere)."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(x) for x in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def run_case(pool: Pool, stock: Stock, case: str, path: str, processes: int, seconds: float) -> Run:
    if case == "hot":
        item_ids, location_ids = stock.item_ids[:1], stock.location_ids[:HOT_ROWS]
    else:
        item_ids, location_ids = stock.item_ids, stock.location_ids
    jobs = [
        Job(path, stock, item_ids, location_ids, seconds=seconds, seed=f"{case}-{path}-{n}")
        for n in range(processes)
    ]
    before: list = []

    def before_go() -> None:
        before.extend([_snapshot(stock.tenant_id), _machine_busy(), time.perf_counter()])

    results = pool.run(jobs, before_go=before_go)
    busy, wall = _machine_busy(), time.perf_counter() - before[2]
    total = Result(
        posted=sum(r.posted for r in results),
        insufficient=sum(r.insufficient for r in results),
        deadlocks=sum(r.deadlocks for r in results),
        other=sum(r.other for r in results),
        elapsed=max(r.elapsed for r in results),
        client_cpu=sum(r.client_cpu for r in results),
        server_cpu=None
        if any(r.server_cpu is None for r in results)
        else sum(r.server_cpu for r in results),
        errors=[e for r in results for e in r.errors][:3],
    )
    other = None
    if busy is not None and before[1] is not None and total.server_cpu is not None:
        other = max(0.0, busy - before[1] - total.client_cpu - total.server_cpu) / wall
    headers, lost = _check_run(stock.tenant_id, before[0])
    return Run(case, path, processes, total.posted / total.elapsed, total, headers, lost, other)


# ---------------------------------------------------------------------------------------------
# Statements and large postings (in this process).


def _moves(stock: Stock, tenant: Tenant, count: int, rng: random.Random) -> list[ledger.Move]:
    items = list(Item.objects.filter(pk__in=stock.item_ids))
    locations = list(Location.objects.filter(pk__in=stock.location_ids))
    moves = []
    for _ in range(count):
        source, destination = rng.sample(locations, 2)
        moves.append(
            ledger.Move(item=rng.choice(items), quantity=Decimal(1), source=source,
                        destination=destination)
        )  # fmt: skip
    return moves


def statements(stock: Stock) -> dict:
    """Moves -> (statements inside post, statements of the whole tenant transaction)."""
    tenant = Tenant.objects.get(pk=stock.tenant_id)
    rng = random.Random(7)
    counts: dict = {}
    for count in (1, 5, 50):
        with tenant_context(tenant, durable=True):
            moves = _moves(stock, tenant, count, rng)
        # The whole transaction: set_config, post's statements and COMMIT (psycopg's implicit
        # BEGIN is not captured).
        with (
            CaptureQueriesContext(connection) as whole,
            tenant_context(tenant, durable=True),
            CaptureQueriesContext(connection) as inner,
        ):
            ledger.post(tenant=tenant, user=None, kind="move", moves=moves)
        counts[count] = (len(inner), len(whole))
        if count == 1:
            counts["sql"] = [q["sql"].split()[0] for q in whole.captured_queries]
    return counts


def large_posting_seconds(stock: Stock, moves: int, repeat: int = 3) -> list[float]:
    tenant = Tenant.objects.get(pk=stock.tenant_id)
    rng = random.Random(moves)
    times = []
    for _ in range(repeat):
        with tenant_context(tenant, durable=True):
            batch = _moves(stock, tenant, moves, rng)
        started = time.perf_counter()
        with tenant_context(tenant, durable=True):
            ledger.post(tenant=tenant, user=None, kind="move", moves=batch)
        times.append(time.perf_counter() - started)
    return times


# ---------------------------------------------------------------------------------------------
# verify_ledger against one statement.

# The four checks of inventory.ledger.verify as one statement: one scan of the entries grouped
# three ways (GROUPING SETS), joined to the balances and cost layers. set_id has a bit set for
# each of (transaction_id, location_id, status, site_id) the set leaves out: 9 is the balance
# key, 7 the transaction, 14 the item and site.
ONE_STATEMENT = """
    WITH g AS (
        SELECT GROUPING(transaction_id, location_id, status, site_id) AS set_id,
               transaction_id, item_id, location_id, COALESCE(lot_id, 0) AS lot,
               COALESCE(serial_id, 0) AS serial, status, site_id,
               sum(quantity) AS quantity, sum(value) AS value
        FROM inventory_stockentry WHERE tenant_id = %(t)s
        GROUP BY GROUPING SETS (
            (item_id, location_id, COALESCE(lot_id, 0), COALESCE(serial_id, 0), status),
            (transaction_id, item_id, COALESCE(lot_id, 0), COALESCE(serial_id, 0)),
            (item_id, site_id))),
    balance AS (
        SELECT item_id, location_id, COALESCE(lot_id, 0) AS lot, COALESCE(serial_id, 0) AS serial,
               status, on_hand
        FROM inventory_stockbalance WHERE tenant_id = %(t)s),
    layers AS (
        SELECT item_id, site_id, sum(remaining_quantity) AS quantity, sum(remaining_value) AS value
        FROM inventory_costlayer WHERE tenant_id = %(t)s GROUP BY 1, 2)
    (SELECT 'balance', COALESCE(e.item_id, b.item_id), COALESCE(e.location_id, b.location_id),
            COALESCE(e.quantity, 0), COALESCE(b.on_hand, 0)
     FROM (SELECT * FROM g WHERE set_id = 9) e
     FULL JOIN balance b USING (item_id, location_id, lot, serial, status)
     WHERE COALESCE(e.quantity, 0) <> COALESCE(b.on_hand, 0) LIMIT 1000)
    UNION ALL
    (SELECT 'unbalanced_transaction', transaction_id, item_id, quantity, value
     FROM g WHERE set_id = 7 AND (quantity <> 0 OR value <> 0) LIMIT 1000)
    UNION ALL
    (SELECT 'valuation', COALESCE(e.item_id, l.item_id), COALESCE(e.site_id, l.site_id),
            COALESCE(e.quantity, 0), COALESCE(l.quantity, 0)
     FROM (SELECT * FROM g WHERE set_id = 14 AND site_id IS NOT NULL) e
     FULL JOIN layers l USING (item_id, site_id)
     WHERE COALESCE(e.quantity, 0) <> COALESCE(l.quantity, 0)
        OR COALESCE(e.value, 0) <> COALESCE(l.value, 0) LIMIT 1000)
    UNION ALL
    (SELECT 'reserved', b.id, b.item_id, b.reserved, COALESCE(r.quantity, 0)
     FROM inventory_stockbalance b
     LEFT JOIN (SELECT balance_id, sum(quantity) AS quantity FROM inventory_reservation
                WHERE tenant_id = %(t)s GROUP BY balance_id) r ON r.balance_id = b.id
     WHERE b.tenant_id = %(t)s AND b.reserved <> COALESCE(r.quantity, 0) LIMIT 1000)
"""


# The balance check alone, as one statement: the cheapest SQL for the figure verify checks most.
BALANCE_CHECK = """
    WITH e AS (
        SELECT item_id, location_id, COALESCE(lot_id, 0) AS lot, COALESCE(serial_id, 0) AS serial,
               status, sum(quantity) AS quantity
        FROM inventory_stockentry WHERE tenant_id = %(t)s
        GROUP BY 1, 2, 3, 4, 5),
    b AS (
        SELECT item_id, location_id, COALESCE(lot_id, 0) AS lot, COALESCE(serial_id, 0) AS serial,
               status, on_hand
        FROM inventory_stockbalance WHERE tenant_id = %(t)s)
    SELECT COALESCE(e.item_id, b.item_id), COALESCE(e.location_id, b.location_id),
           COALESCE(e.lot, b.lot), COALESCE(e.serial, b.serial), COALESCE(e.status, b.status),
           COALESCE(e.quantity, 0), COALESCE(b.on_hand, 0)
    FROM e FULL JOIN b USING (item_id, location_id, lot, serial, status)
    WHERE COALESCE(e.quantity, 0) <> COALESCE(b.on_hand, 0)
"""


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def verify_worker(tenant_id: int, rounds: int, outbox: mp.Queue) -> None:
    """In a fresh process: time verify and the one-statement checks, and the peak RSS."""
    with tenant_context(tenant_id, durable=True):
        entries = StockEntry.objects.filter(tenant_id=tenant_id).count()  # also warms the cache
    rss_before = _rss_mb()
    timings: dict[str, list[float]] = {"verify": [], "one_statement": [], "balance_check": []}
    differences: dict[str, int] = {}
    for _ in range(rounds):
        for name in timings:
            with tenant_context(tenant_id, durable=True), connection.cursor() as cursor:
                started = time.perf_counter()
                if name == "verify":
                    found = len(ledger.verify(tenant_id))
                else:
                    cursor.execute(
                        ONE_STATEMENT if name == "one_statement" else BALANCE_CHECK,
                        {"t": tenant_id},
                    )
                    found = len(cursor.fetchall())
                timings[name].append(time.perf_counter() - started)
                differences[name] = found
    outbox.put((entries, rss_before, _rss_mb(), timings, differences))


def verify_case(pool: Pool, entries: int, items: int, bins: int, rounds: int) -> tuple:
    stock = ensure_tenant(f"bench-ledger-verify-{entries}", items=items, bins=bins)
    with tenant_context(stock.tenant_id, durable=True):
        have = StockEntry.objects.filter(tenant_id=stock.tenant_id).count()
    needed = max(0, -(-(entries - have) // (2 * GENERATE_MOVES)))
    generated = 0.0
    if needed:
        # Each worker takes its own items, so that the two never wait for each other's locks.
        workers = 2
        started = time.perf_counter()
        pool.run(
            [
                Job("generate", stock, stock.item_ids[n::workers], stock.location_ids, seed=n,
                    postings=needed // workers + (n < needed % workers))
                for n in range(workers)
            ]
        )  # fmt: skip
        generated = time.perf_counter() - started
        analyze()
    ctx = mp.get_context("spawn")
    outbox = ctx.Queue()
    process = ctx.Process(target=verify_worker, args=(stock.tenant_id, rounds, outbox))
    process.start()
    result = outbox.get(timeout=3600)
    process.join()
    return (needed, generated, *result)


# ---------------------------------------------------------------------------------------------


def _swap_pairs(plan: list) -> list:
    return [step for i in range(0, len(plan), 2) for step in (plan[i + 1], plan[i])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per run (default 8)")
    parser.add_argument("--processes", default="1,2,4,8", help="comma-separated (default 1,2,4,8)")
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--bins", type=int, default=100, help="balance rows = items x bins")
    parser.add_argument(
        "--entries", type=int, default=1_000_000, help="for verify; 0 skips (default 1,000,000)"
    )
    parser.add_argument("--verify-rounds", type=int, default=3)
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs per configuration; rates are the best (default 1)",
    )
    args = parser.parse_args()
    counts = [int(n) for n in args.processes.split(",")]
    headline = 4 if 4 in counts else counts[-1]

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    stock = ensure_tenant(THROUGHPUT_SLUG, items=args.items, bins=args.bins)
    print(
        f"setup tenant {THROUGHPUT_SLUG} (id {stock.tenant_id}): {len(stock.item_ids)} items x "
        f"{len(stock.location_ids)} bins = {len(stock.item_ids) * len(stock.location_ids)} "
        f"balance rows, {time.perf_counter() - started:.1f} s"
    )
    print(
        f"cpus {os.cpu_count()}  seconds_per_run {args.seconds:g}  postgres {connection.pg_version}"
    )

    pool = Pool(max([*counts, 2]))
    try:
        runs: list[Run] = []
        # cpu: milliseconds of CPU per posting in the posting processes + their database
        # backends; other_cores: CPU used meanwhile by everything else (PostgreSQL's own
        # background processes, and other work on the machine, which skews the rates). Both
        # come from /proc, so only for a database server on this machine.
        print(
            "\ncase    path  procs  postings/s  insufficient  deadlocks  other  headers_ok  "
            "lost_updates  cpu_ms_client+server  other_cores"
        )
        plan = [("spread", path, n) for n in counts for path in ("orm", "raw")]
        plan += [
            ("hot", path, n) for n in sorted({headline, counts[-1]}) for path in ("orm", "raw")
        ]
        # Each ORM run beside its raw run; on repeats the raw run goes first, so that drift in
        # the machine's load favours neither.
        rounds = [plan if n % 2 == 0 else _swap_pairs(plan) for n in range(args.repeat)]
        for case, path, n in [step for steps in rounds for step in steps]:
            run = run_case(pool, stock, case, path, n, args.seconds)
            runs.append(run)
            r = run.result
            cpu = f"{1000 * r.client_cpu / r.posted:.2f}+" + (
                "?" if r.server_cpu is None else f"{1000 * r.server_cpu / r.posted:.2f}"
            )
            print(
                f"{case:<7} {path:<5} {n:>5}  {run.rate:>10.0f}  {r.insufficient:>12}  "
                f"{r.deadlocks:>9}  {r.other:>5}  {run.headers == r.posted!s:>10}  {run.lost:>12}  "
                f"{cpu:>20}  {'?' if run.other_cores is None else f'{run.other_cores:.2f}':>11}"
            )
            for error in r.errors:
                print(f"    error: {error}")
        rate: dict[tuple, float] = {}
        for run in runs:
            key = (run.case, run.path, run.processes)
            rate[key] = max(rate.get(key, 0.0), run.rate)
        if args.repeat > 1:
            print(f"(rates below: best of {args.repeat})")
        print()
        for n in counts:
            print(
                f"ratio_orm_to_raw_spread_{n}p {rate['spread', 'orm', n] / rate['spread', 'raw', n]:.2f}"
            )
        for n in sorted({headline, counts[-1]}):
            print(
                f"hot_to_spread_orm_{n}p {rate['hot', 'orm', n] / rate['spread', 'orm', n]:.2f}  "
                f"hot_to_spread_raw_{n}p {rate['hot', 'raw', n] / rate['spread', 'raw', n]:.2f}"
            )
        print(
            f"total_deadlocks {sum(r.result.deadlocks for r in runs)}  "
            f"total_lost_updates {sum(r.lost for r in runs)}  "
            f"total_other_errors {sum(r.result.other for r in runs)}  "
            f"headers_match_postings {all(r.headers == r.result.posted for r in runs)}"
        )
        h = headline
        failures = sum(
            r.result.deadlocks + r.lost + r.result.other for r in runs if r.case == "hot"
        )
        goals = [
            (f"orm_to_raw_spread_{h}p >= 0.6",
             f"{rate['spread', 'orm', h] / rate['spread', 'raw', h]:.2f}",
             rate["spread", "orm", h] >= 0.6 * rate["spread", "raw", h]),
            (f"hot_to_spread_orm_{h}p >= 0.6, no deadlock, lost update or other failure",
             f"{rate['hot', 'orm', h] / rate['spread', 'orm', h]:.2f}, {failures} failures",
             rate["hot", "orm", h] >= 0.6 * rate["spread", "orm", h] and not failures),
        ]  # fmt: skip
        started = time.perf_counter()
        with tenant_context(stock.tenant_id, durable=True):
            differences = ledger.verify(stock.tenant_id)
            entries = StockEntry.objects.filter(tenant_id=stock.tenant_id).count()
        print(
            f"verify_throughput_tenant differences {len(differences)} over {entries} entries "
            f"({time.perf_counter() - started:.2f} s)"
        )

        print()
        counted = statements(stock)
        print(f"statements_2_line {counted[1][0]} in post ({counted[1][1]} with set_config and COMMIT): {' '.join(counted['sql'])}")  # fmt: skip
        print(f"statements_10_line {counted[5][0]}  statements_100_line {counted[50][0]}")
        goals.append(
            ("statements_2_line <= 8 in post, the same for 10 and 100 lines",
             f"{counted[1][0]}, {counted[5][0]}, {counted[50][0]}",
             counted[1][0] <= 8 and counted[1][0] == counted[5][0] == counted[50][0])
        )  # fmt: skip
        for moves in (500, 1000):
            times = large_posting_seconds(stock, moves)
            print(
                f"seconds_{2 * moves}_line_posting best {min(times):.3f} "
                f"median {statistics.median(times):.3f}  ({moves} moves)"
            )
            if moves == 500:
                goals.append(
                    ("seconds_1000_line_posting < 1", f"{statistics.median(times):.3f}",
                     statistics.median(times) < 1)
                )  # fmt: skip

        if args.entries:
            print()
            needed, generated, entries, rss_before, rss_after, timings, found = verify_case(
                pool, args.entries, args.items, args.bins, args.verify_rounds
            )
            if needed:
                print(f"generated {needed} postings of {GENERATE_MOVES} moves in {generated:.0f} s")
            best = {name: min(t) for name, t in timings.items()}
            print(f"verify_entries {entries}")
            for name, t in timings.items():
                print(
                    f"{name}_seconds best {best[name]:.2f} median {statistics.median(t):.2f}  "
                    f"differences {found[name]}"
                )
            print(f"verify_to_one_statement {best['verify'] / best['one_statement']:.2f}")
            print(f"verify_to_balance_check {best['verify'] / best['balance_check']:.2f}")
            print(f"verify_peak_rss_mb before {rss_before:.0f} after {rss_after:.0f}")
            goals.append(
                ("verify_to_one_statement <= 2, no differences",
                 f"{best['verify'] / best['one_statement']:.2f}, {found['verify']} differences",
                 best["verify"] <= 2 * best["one_statement"] and not any(found.values()))
            )  # fmt: skip
    finally:
        pool.close()

    print()
    for name, value, met in goals:
        print(f"goal {'met   ' if met else 'MISSED'} {name}: {value}")
    print(f"\nratio {rate['spread', 'orm', headline] / rate['spread', 'raw', headline]:.2f}")


if __name__ == "__main__":
    main()
