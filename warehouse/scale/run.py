"""`seed_scale`: build a big tenant and post years of stock history through `ledger.post`.

Each app creates its own rows through its `scale` module (erp: tenant and users; inventory:
sites, bins, items, units, lots; purchasing: suppliers and received orders; orders: customers
and shipped orders); this module plans the stock history and posts it, one database
transaction per posting together with the documents it references.

Resuming: posting n carries the idempotency key `seed:<n, zero-padded>`, so the last one
posted is one backward step on the (tenant, idempotency_key) index, and the stock on hand is
read back from the balances. A rerun continues from there to exactly `entries` entries; a
rerun at the same size posts nothing.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import time
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.utils import timezone

from erp import scale as erp_scale
from erp.tenancy import tenant_context
from inventory import ledger
from inventory import scale as inventory_scale
from inventory.models import Item, LocationKind, Site, StockEntry, StockTransaction
from orders import scale as orders_scale
from purchasing import scale as purchasing_scale
from warehouse.scale import plan as plans
from warehouse.scale import world as worlds
from warehouse.scale.progress import Progress

LEDGER_TABLES = (
    "inventory_stocktransaction", "inventory_stockentry", "inventory_stockbalance",
    "inventory_costlayer",
)  # fmt: skip
# What a posting reads besides the ledger. Bulk-created rows have no statistics until
# autovacuum comes by, and the planner then takes 500 items for one row and nests loops.
MASTER_TABLES = (
    "inventory_item", "inventory_itemunit", "inventory_lot", "inventory_location", "inventory_bin",
    "inventory_site", "erp_tenant",
)  # fmt: skip


@dataclass(frozen=True)
class Options:
    tenant: str
    items: int
    entries: int
    years: int
    sites: int = 2
    seed: int = 1
    moves: int = 500  # per posting
    workers: int = 1  # processes, each posting its share of the items


@dataclass
class Summary:
    tenant_id: int
    entries: int
    transactions: int
    items: int
    sites: int
    posted: int  # entries posted by this run
    seconds: float
    posting_seconds: float
    client_cpu: float  # seconds of CPU this process spent posting
    server_cpu: float | None  # and its PostgreSQL backend, when on this machine
    emails: list[str]

    @property
    def rate(self) -> float:
        return self.posted / self.posting_seconds if self.posting_seconds else 0.0


@dataclass(frozen=True)
class Resume:
    next_n: int
    entries: int
    last_at: datetime.datetime | None
    in_transit: plans.InTransit | None


def master_data(options: Options):
    with transaction.atomic(durable=True):
        tenant, users = erp_scale.seed_scale(slug=options.tenant)
    with tenant_context(tenant, durable=True):
        inventory_scale.seed_scale(tenant=tenant, items=options.items, sites=options.sites,
                                   years=options.years, seed=options.seed)  # fmt: skip
        suppliers = purchasing_scale.seed_scale(tenant=tenant, items=options.items)
        customers = orders_scale.seed_scale(tenant=tenant, items=options.items)
    return tenant, users, suppliers, customers


def resume_point(tenant, world: worlds.World, worker: int) -> Resume:
    """Where the worker's last run stopped. Call inside the tenant's context."""
    prefix = plans.key_prefix(worker)
    mine = {"idempotency_key__gte": prefix, "idempotency_key__lt": prefix[:-1] + ";"}
    last = (
        StockTransaction.objects.filter(tenant=tenant, **mine)
        .order_by("-idempotency_key")
        .values_list("pk", "idempotency_key", "posted_at", "kind")
        .first()
    )
    if last is None:
        return Resume(0, 0, None, None)
    pk, key, posted_at, kind = last
    n = int(key.rsplit(":", 1)[1])
    entries = StockEntry.objects.filter(
        tenant=tenant, **{f"transaction__{name}": value for name, value in mine.items()}
    ).count()
    pending = None
    if plans.flow(n) == plans.TRANSFER_OUT and kind == "transfer" and len(world.sites) > 1:
        transit = world.virtual[LocationKind.IN_TRANSIT]
        rows = StockEntry.objects.filter(
            tenant=tenant, transaction_id=pk, location=transit
        ).values_list("item_id", "lot_id", "quantity", "value")
        pending = plans.in_transit_from(
            rows, (plans.site_of(n, len(world.sites)) + 1) % len(world.sites)
        )
    return Resume(n + 1, entries, posted_at, pending)


@dataclass(frozen=True)
class Share:
    """What one worker posted: its share of the items and of the entries."""

    entries: int
    posted: int
    seconds: float
    client_cpu: float
    server_cpu: float | None


_counters = None  # per worker: entries done (-1 until its resume point is known)


def run(options: Options, *, stderr=None) -> Summary:
    started = time.monotonic()
    tenant, users, suppliers, customers = master_data(options)
    with tenant_context(tenant, durable=True):
        _analyze(MASTER_TABLES + LEDGER_TABLES)
    workers = options.workers
    targets = [options.entries // workers + (options.entries % workers if w == 0 else 0)
               for w in range(workers)]  # fmt: skip
    args = [
        (options, tenant.pk, users, suppliers, customers, w, targets[w]) for w in range(workers)
    ]
    if workers == 1:
        progress = Progress(options.entries, stream=stderr)
        shares = [_post_share(*args[0], report=progress)]
    else:
        shares = _in_processes(args, options.entries, stderr)
    with tenant_context(tenant, durable=True):
        _analyze(LEDGER_TABLES)
        transactions = StockTransaction.objects.filter(tenant=tenant).count()
        items = Item.objects.filter(tenant=tenant).count()
        sites = Site.objects.filter(tenant=tenant).count()
    return Summary(
        tenant_id=tenant.pk, entries=sum(s.entries for s in shares), transactions=transactions,
        items=items, sites=sites, posted=sum(s.posted for s in shares),
        seconds=time.monotonic() - started, posting_seconds=max(s.seconds for s in shares),
        client_cpu=sum(s.client_cpu for s in shares),
        server_cpu=None if None in [s.server_cpu for s in shares] else sum(s.server_cpu for s in shares),
        emails=[erp_scale.user_email(role, tenant.slug) for role in users],
    )  # fmt: skip


def _in_processes(args, total: int, stderr) -> list[Share]:
    """Workers in forked processes, each on its own connection, drawing one progress bar."""
    global _counters
    context = multiprocessing.get_context("fork")
    _counters = context.Array("q", [-1] * len(args))
    connections.close_all()  # each child opens its own
    with context.Pool(len(args)) as pool:
        pending = pool.starmap_async(_share_in_child, args)
        progress = None
        while not pending.ready():
            pending.wait(0.25)
            counts = list(_counters)
            if progress is None and min(counts) >= 0:
                progress = Progress(total, sum(counts), stderr)
            elif progress is not None:
                progress.update(sum(counts))
        shares = pending.get()
    if progress is not None:
        progress.update(sum(s.entries for s in shares))
        progress.finish()
    return shares


def _share_in_child(*args) -> Share:
    worker = args[5]

    class Report:
        def __init__(self, done: int) -> None:
            _counters[worker] = done

        def update(self, done: int) -> None:
            _counters[worker] = done

        def finish(self) -> None:
            pass

    try:
        return _post_share(*args, report=Report)
    finally:
        connections.close_all()


def _post_share(options, tenant_id, users, suppliers, customers, worker, target, *, report):
    """Post the worker's share up to `target` entries; `report(done)` makes its progress."""
    from erp.models import Tenant

    tenant = Tenant.objects.get(pk=tenant_id)
    with tenant_context(tenant, durable=True):
        world = worlds.load(tenant=tenant, users=users, suppliers=suppliers, customers=customers,
                            worker=worker, workers=options.workers)  # fmt: skip
        resume = resume_point(tenant, world, worker)
    now = timezone.now()
    history_start = now - datetime.timedelta(days=365 * options.years)
    span = now - history_start

    def lot_clock(at: datetime.datetime) -> float:
        return (at - history_start) / (now - history_start)

    planner = plans.Planner(world, seed=options.seed, size=options.moves, lot_clock=lot_clock,
                            worker=worker, workers=options.workers)  # fmt: skip
    planner.in_transit = resume.in_transit
    n, done = resume.next_n, resume.entries
    progress = report(done) if isinstance(report, type) else report
    if progress is report:
        progress.start_done = progress.done = done
    analyzed_at = max(done * options.workers, 1)
    backend = _backend_pid()
    server_cpu = process_cpu_seconds(backend)
    client_cpu = time.process_time()
    posting_started = time.monotonic()
    while target - done >= 2:
        if done * options.workers >= 4 * analyzed_at:
            # The ledger tables grow from nothing: refresh their statistics as they grow
            # fourfold, so the posting statement keeps its plan.
            _analyze(LEDGER_TABLES)
            analyzed_at = done * options.workers
        # Time is the share of the target posted so far: a resumed run carries on where it
        # stopped, and a run to a larger target spreads its new entries over the years too
        # (continuing "from the last posting to now" put 9 of 10 million entries into the
        # last month when a 10^6 tenant was grown to 10^7).
        posted_at = history_start + span * ((done + 1) / target)
        posting = planner.plan(n, posted_at, (target - done) // 2)
        sent = _post(world, posting, posted_at, worker)
        if sent is not None:
            planner.in_transit = sent
        done += 2 * len(posting.moves)
        n += 1
        progress.update(done)
    seconds = time.monotonic() - posting_started
    progress.finish()
    return Share(
        entries=done, posted=done - resume.entries, seconds=seconds,
        client_cpu=time.process_time() - client_cpu,
        server_cpu=process_cpu_seconds(backend) - server_cpu if server_cpu is not None else None,
    )  # fmt: skip


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a local process, or None when it is not visible here."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _analyze(tables) -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(tables))


def _post(
    world: worlds.World, posting: plans.Posting, posted_at: datetime.datetime, worker: int
) -> plans.InTransit | None:
    """Post and record the documents in one transaction; returns what a transfer sent."""
    tenant = world.tenant
    with tenant_context(tenant, durable=True):
        header = ledger.post(
            tenant=tenant, user=world.operator, kind=plans.ledger_kind(posting.kind),
            moves=posting.moves, reference=posting.reference, reason=posting.reason,
            idempotency_key=plans.key_text(worker, posting.n), posted_at=posted_at,
        )  # fmt: skip
        if posting.purchase_orders:
            purchasing_scale.record_received_orders(
                tenant=tenant, user=world.planner, orders=posting.purchase_orders,
                received_at=posted_at,
            )  # fmt: skip
        if posting.sales_orders:
            orders_scale.record_shipped_orders(
                tenant=tenant, user=world.planner, orders=posting.sales_orders,
                shipped_at=posted_at,
            )  # fmt: skip
        if posting.kind == plans.TRANSFER_OUT:
            transit = world.virtual[LocationKind.IN_TRANSIT]
            rows = StockEntry.objects.filter(
                tenant=tenant, transaction_id=header.pk, location=transit
            ).values_list("item_id", "lot_id", "quantity", "value")
            destination = (plans.site_of(posting.n, len(world.sites)) + 1) % len(world.sites)
            return plans.in_transit_from(rows, destination)
    return None
