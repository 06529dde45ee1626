"""`seed_scale_documents`: the warehouse documents behind a scale tenant's stock history.

`seed_scale` posts the history with its purchase and sales orders but no dock or floor
documents, so the service, supplier and count measures had nothing to read. This adds them,
each app making its own rows through its `scale` module:
- orders: when each shipped order was confirmed and what it was promised for (about 90% met,
  the rest late by 1-10 days); about 8% shipped short: one line ordered more than shipped,
  its remainder cancelled when the order closed (the ledger has one shipment posting per
  order, so a second shipment would contradict it); and a few hundred open backorders
  (confirmed, nothing allocated, promised in the past), published as demand;
- purchasing: when each received order was sent and the date it was expected (about 85%
  on time), some lines short-closed or over-received;
- warehouse: for each shipped order a shipment with its cartons and their lines (what the
  ledger's shipment posting took, lot included), shipped at the posting's time, and the
  picking before it (a wave per posting, a batch per order, a done task per line from the
  bin, so the zone, the posting took it from); for each
  received order its receipt lines at the dock the posting put them in, about 3% of orders
  with a discrepancy (short, over, damaged packaging) recorded and resolved; and for each
  "Cycle count" adjustment posting the approved counts behind it: the bins' snapshot as of
  just before the posting, the counted figures (expected + the posted variance), a recount
  where the variance is beyond the tenant's tolerance, and the per-item results.

Nothing is posted: every document points at the postings seed_scale already made, so the
ledger, its balances and available-to-promise are unchanged (the backorders add open demand).

Resuming: documents are made in chunks, one transaction each, and a chunk takes only orders
(postings) with no document yet, so a rerun continues where an interruption stopped and a
rerun after a full run adds nothing. Each order's choices come from its own random stream
(seed and number), so they do not depend on where a run resumed.
"""

from __future__ import annotations

import datetime
import random
import time
import zoneinfo
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from erp import scale as erp_scale
from erp.models import Tenant
from erp.tenancy import tenant_context
from inventory.models import (
    Item,
    Location,
    LocationKind,
    Site,
    StockEntry,
    StockTransaction,
    ZoneType,
)
from orders import scale as orders_scale
from orders.models import Customer
from purchasing import scale as purchasing_scale
from purchasing.models import Supplier
from warehouse.models import (
    BatchStatus,
    Carton,
    CartonLine,
    CartonStatus,
    Count,
    CountedLine,
    CountResult,
    CountRound,
    CountSettings,
    CountSnapshot,
    CountSource,
    CountStatus,
    Discrepancy,
    DiscrepancyKind,
    DiscrepancyState,
    PickBatch,
    PickState,
    PickTask,
    ReceiptLine,
    Shipment,
    ShipmentStatus,
    Wave,
    WaveOrder,
    WaveStatus,
)
from warehouse.packing.services import sscc

CHUNK = 500  # orders (or count postings) per transaction
BATCH = 2000
ON_TIME_SHIPPED = 0.90
SHORT_SHIPPED = 0.08
ON_TIME_RECEIVED = 0.85
SHORT_RECEIVED = 0.05
DISCREPANCY = 0.03
BACKORDERS = 300
# The scale tenant's GS1 prefix for carton SSCCs (GS1's documentation example).
COMPANY_PREFIX = "0614141"
# A scale tenant with no count settings counts with this tolerance: a variance of up to two
# units worth at most the value tolerance needs no recount.
QUANTITY_TOLERANCE = Decimal(2)
COUNT_REASON = "Cycle count"  # the reason seed_scale's count adjustments carry
COUNT_POSTINGS = 40  # count adjustment postings documented at most (a few thousand lines)


@dataclass
class Summary:
    shipments: int = 0
    short_orders: int = 0
    cartons: int = 0
    receipt_lines: int = 0
    discrepancies: int = 0
    counts: int = 0
    count_results: int = 0
    beyond_tolerance: int = 0
    backorders: int = 0
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)


@contextmanager
def historical_times(*models):
    """Let bulk inserts keep the times they are given: auto_now / auto_now_add fields of
    `models` stop stamping "now" until the block ends (history happened in the past)."""
    changed = []
    for model in models:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                changed.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in changed:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def posting_key(number: str) -> str:
    """The idempotency key of the seed posting behind document `number` ("SO-S<tag>-001",
    tag = worker and posting n, 7 digits): see warehouse.scale.plan.key_text."""
    tag = number[4:].rsplit("-", 1)[0]
    return f"seed:{tag[:-7]}:{int(tag[-7:]):09d}"


def _rng(seed: int, number: str) -> random.Random:
    return random.Random(f"{seed}:{number}")


class Context:
    def __init__(self, tenant: Tenant, seed: int) -> None:
        self.tenant = tenant
        self.seed = seed
        _, self.users = erp_scale.seed_scale(slug=tenant.slug)
        self.tz = zoneinfo.ZoneInfo(tenant.time_zone or "UTC")
        self.site_tz = {
            pk: zoneinfo.ZoneInfo(tz or "UTC")
            for pk, tz in Site.objects.filter(tenant=tenant).values_list("pk", "time_zone")
        }
        self.zone_of = dict(
            Location.objects.filter(tenant=tenant, kind=LocationKind.BIN).values_list(
                "pk", "bin__zone_id"
            )
        )
        # Each site's first shipping lane: where waves stage their picks.
        self.staging = {}
        for pk, site_id in (
            Location.objects.filter(
                tenant=tenant, kind=LocationKind.BIN, bin__zone__zone_type=ZoneType.SHIPPING
            )
            .order_by("-code")
            .values_list("pk", "site_id")
        ):
            self.staging[site_id] = pk
        self.site_of = dict(
            Location.objects.filter(tenant=tenant, kind=LocationKind.BIN).values_list(
                "pk", "site_id"
            )
        )

    def balances(self, keys) -> dict[tuple[int, int, int], int]:
        """(bin, item, lot or 0) -> the available balance's id, for `keys`."""
        keys = list(keys)
        if not keys:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT b.location_id, b.item_id, coalesce(b.lot_id, 0), b.id
                FROM inventory_stockbalance b
                JOIN unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS k(location_id, item_id, lot)
                  ON b.location_id = k.location_id AND b.item_id = k.item_id
                 AND coalesce(b.lot_id, 0) = k.lot
                WHERE b.tenant_id = %s AND b.status = 'available' AND b.serial_id IS NULL
                """,
                [[k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys], self.tenant.pk],
            )
            return {(loc, item, lot): pk for loc, item, lot, pk in cursor.fetchall()}

    def postings(self, numbers) -> dict[str, tuple[int, datetime.datetime]]:
        """Seed posting key -> (transaction id, posted at) for documents `numbers`."""
        keys = {posting_key(n) for n in numbers}
        return {
            key: (pk, at)
            for pk, key, at in StockTransaction.objects.filter(
                tenant=self.tenant, idempotency_key__in=keys
            ).values_list("pk", "idempotency_key", "posted_at")
        }


def run(*, slug: str, seed: int = 1, backorders: int = BACKORDERS, stderr=None) -> Summary:
    started = time.monotonic()
    tenant = Tenant.objects.get(slug=slug)
    summary = Summary()
    with tenant_context(tenant):
        context = Context(tenant, seed)
    for name, step in (
        ("shipments", _shipments),
        ("receipts", _receipts),
        ("counts", _counts),
    ):
        at = time.monotonic()
        step(context, summary, stderr)
        summary.steps[name] = time.monotonic() - at
    at = time.monotonic()
    with tenant_context(tenant, durable=True):
        summary.backorders = _backorders(context, backorders)
    summary.steps["backorders"] = time.monotonic() - at
    summary.seconds = time.monotonic() - started
    return summary


def _say(stderr, text: str) -> None:
    if stderr is not None:
        stderr.write(text + "\n")
        stderr.flush()


def _by_posting(orders):
    """`orders` (by number) in chunks of about CHUNK that keep a posting's orders together:
    a posting's wave is made with its first chunk, and a chunk is one transaction."""
    chunk: list = []
    for order in orders:
        if len(chunk) >= CHUNK and posting_key(order.number) != posting_key(chunk[-1].number):
            yield chunk
            chunk = []
        chunk.append(order)
    if chunk:
        yield chunk


# --- shipments ---------------------------------------------------------------------------


def _shipments(context: Context, summary: Summary, stderr) -> None:
    tenant = context.tenant
    with tenant_context(tenant):
        documented = Shipment.objects.filter(tenant=tenant).values("order_id")
        orders = orders_scale.seeded_orders(tenant=tenant, exclude_ids=documented)
    done = 0
    for chunk in _by_posting(orders):
        with tenant_context(tenant, durable=True), historical_times(Shipment, Carton, Wave):
            _ship_chunk(context, summary, chunk)
        done += len(chunk)
        _say(stderr, f"shipments: {done:,}/{len(orders):,} orders")


def _ship_chunk(context: Context, summary: Summary, orders) -> None:
    tenant, user = context.tenant, context.users["operator"]
    postings = context.postings(o.number for o in orders)
    # What each shipment posting took out of the bins: (item, quantity) -> (lot, bin), FIFO.
    taken: dict[int, dict[tuple[int, Decimal], list[tuple[int | None, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for txn, item_id, lot_id, location_id, quantity in (
        StockEntry.objects.filter(
            tenant=tenant, transaction_id__in=[pk for pk, _ in postings.values()], quantity__lt=0
        )
        .order_by("id")
        .values_list("transaction_id", "item_id", "lot_id", "location_id", "quantity")
    ):
        taken[txn][(item_id, -quantity)].append((lot_id, location_id))
    promises, shipments, plans = [], [], []
    for order in orders:
        txn, shipped_at = postings[posting_key(order.number)]
        rng = _rng(context.seed, order.number)
        shipped_on = shipped_at.astimezone(context.tz).date()
        if rng.random() < ON_TIME_SHIPPED:
            promised = shipped_on + datetime.timedelta(days=rng.randint(0, 3))
        else:
            promised = shipped_on - datetime.timedelta(days=rng.randint(1, 10))
        # Confirmed between a few hours and a week before it shipped (and before its promise).
        confirmed_at = shipped_at - datetime.timedelta(hours=rng.uniform(4, 24 * 7))
        short_line, short = None, Decimal(0)
        if rng.random() < SHORT_SHIPPED and order.lines:
            line = order.lines[rng.randrange(len(order.lines))]
            short_line, short = line.pk, Decimal(rng.randint(1, max(1, int(line.quantity_base))))
            summary.short_orders += 1
        promises.append(orders_scale.Promise(order.pk, confirmed_at, promised, short_line, short))
        number = "SH-" + order.number[3:]
        shipments.append(
            Shipment(tenant=tenant, number=number, order_id=order.pk, status=ShipmentStatus.SHIPPED,
                     created_at=shipped_at - datetime.timedelta(minutes=rng.randint(20, 180)),
                     shipped_at=shipped_at, shipped_by=user, on_time=shipped_on <= promised,
                     transaction_id=txn)
        )  # fmt: skip
        tag = order.number[4:].rsplit("-", 1)
        serial = int(tag[0] + tag[1][-1])
        plans.append((order, txn, serial, shipped_at))
    orders_scale.record_promises(tenant=tenant, promises=promises)
    shipments = bulk_create_with_history(
        shipments, Shipment, batch_size=BATCH, default_user=user, default_date=timezone.now()
    )
    cartons, contents = [], []
    for shipment, (order, txn, serial, _) in zip(shipments, plans, strict=True):
        carton = Carton(
            tenant=tenant, order_id=order.pk, shipment=shipment, status=CartonStatus.SHIPPED,
            sscc=sscc(extension=0, company_prefix=COMPANY_PREFIX, serial=serial),
            created_by=user, created_at=shipment.created_at,
        )  # fmt: skip
        cartons.append(carton)
        for line in order.lines:
            spots = taken[txn].get((line.item_id, line.quantity_base))
            lot_id, location_id = spots.pop(0)
            contents.append((carton, line, lot_id, location_id))
    cartons = bulk_create_with_history(cartons, Carton, batch_size=BATCH, default_user=user)
    CartonLine.objects.bulk_create(
        [
            CartonLine(tenant=tenant, carton=carton, order_line_id=line.pk, item_id=line.item_id,
                       lot_id=lot_id, quantity=line.quantity_base)
            for carton, line, lot_id, _ in contents
        ],
        batch_size=BATCH,
    )  # fmt: skip
    _picks(context, shipments, plans, contents)
    summary.shipments += len(shipments)
    summary.cartons += len(cartons)


def _picks(context: Context, shipments, plans, contents) -> None:
    """The picking behind the shipments: a wave per shipment posting (its orders, from its
    site), one picker's batch per order, a task per line from the bin the posting took it
    from (its zone) to the site's shipping lane, done shortly before the shipment."""
    tenant, picker, planner = context.tenant, context.users["operator"], context.users["planner"]
    by_posting: dict[int, list] = defaultdict(list)
    for shipment, (order, txn, _, shipped_at) in zip(shipments, plans, strict=True):
        by_posting[txn].append((shipment, order, shipped_at))
    numbers = {txn: "WV-" + group[0][1].number[3:].rsplit("-", 1)[0]
               for txn, group in by_posting.items()}  # fmt: skip
    # A posting's wave is there already when an earlier run documented some of its orders.
    existing = {
        w.number: w for w in Wave.objects.filter(tenant=tenant, number__in=numbers.values())
    }
    waves = []
    for txn, group in by_posting.items():
        if numbers[txn] in existing:
            continue
        shipment, order, shipped_at = group[0]
        released = min(s.created_at for s, _, _ in group) - datetime.timedelta(hours=2)
        waves.append(
            Wave(tenant=tenant, number=numbers[txn],
                 site_id=order.site_id, status=WaveStatus.DONE, cutoff=shipped_at.date(),
                 orders_per_batch=1, staging_id=context.staging[order.site_id],
                 created_by=planner, created_at=released - datetime.timedelta(minutes=30),
                 released_at=released)
        )  # fmt: skip
    waves = bulk_create_with_history(waves, Wave, batch_size=BATCH, default_user=planner)
    existing.update((wave.number, wave) for wave in waves)
    wave_of = {txn: existing[number] for txn, number in numbers.items()}
    WaveOrder.objects.bulk_create(
        [
            WaveOrder(tenant=tenant, wave=wave_of[txn], order_id=order.pk)
            for txn, group in by_posting.items()
            for _, order, _ in group
        ],
        batch_size=BATCH,
    )
    batches, batch_of = [], {}
    for txn, group in by_posting.items():
        for shipment, order, _ in group:
            # The order's number in its posting ("...-002": 2): one batch per order.
            batch = PickBatch(tenant=tenant, wave=wave_of[txn], number=int(order.number[-3:]),
                              status=BatchStatus.DONE, picker=picker,
                              done_at=shipment.created_at - datetime.timedelta(minutes=5))  # fmt: skip
            batches.append(batch)
            batch_of[order.pk] = (batch, txn)
    bulk_create_with_history(batches, PickBatch, batch_size=BATCH, default_user=picker)
    balances = context.balances(
        {(location_id, line.item_id, lot_id or 0) for _, line, lot_id, location_id in contents}
    )
    tasks = []
    sequence: dict[int, int] = defaultdict(int)
    for carton, line, lot_id, location_id in contents:
        batch, txn = batch_of[carton.order_id]
        sequence[carton.order_id] += 1
        n = sequence[carton.order_id]
        tasks.append(
            PickTask(tenant=tenant, batch=batch, order_id=carton.order_id, order_line_id=line.pk,
                     tote=1, sequence=n, item_id=line.item_id, lot_id=lot_id,
                     from_location_id=location_id, to_location_id=context.staging[
                         context.site_of[location_id]],
                     balance_id=balances.get((location_id, line.item_id, lot_id or 0), 0),
                     quantity=line.quantity_base, picked_quantity=line.quantity_base,
                     state=PickState.DONE, completed_by=picker,
                     completed_at=batch.done_at - datetime.timedelta(minutes=2 * max(1, 11 - n)),
                     transaction_id=txn)
        )  # fmt: skip
    bulk_create_with_history(tasks, PickTask, batch_size=BATCH, default_user=picker)


# --- receipts ----------------------------------------------------------------------------


def _receipts(context: Context, summary: Summary, stderr) -> None:
    tenant = context.tenant
    with tenant_context(tenant):
        documented = ReceiptLine.objects.filter(tenant=tenant).values("order_id")
        orders = purchasing_scale.seeded_orders(tenant=tenant, exclude_ids=documented)
        context.lead_days = dict(
            Supplier.objects.filter(tenant=tenant).values_list("pk", "default_lead_time_days")
        )
    for start in range(0, len(orders), CHUNK):
        chunk = orders[start : start + CHUNK]
        with tenant_context(tenant, durable=True), historical_times(ReceiptLine, Discrepancy):
            _receive_chunk(context, summary, chunk)
        _say(stderr, f"receipts: {min(start + CHUNK, len(orders)):,}/{len(orders):,} orders")


def _receive_chunk(context: Context, summary: Summary, orders) -> None:
    tenant, operator = context.tenant, context.users["operator"]
    supervisor = context.users["supervisor"]
    postings = context.postings(o.number for o in orders)
    # What each receipt posting put on the docks: (item, base quantity) -> (lot, dock), FIFO.
    put: dict[int, dict[tuple[int, Decimal], list[tuple[int | None, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for txn, item_id, lot_id, location_id, quantity in (
        StockEntry.objects.filter(
            tenant=tenant, transaction_id__in=[pk for pk, _ in postings.values()], quantity__gt=0
        )
        .order_by("id")
        .values_list("transaction_id", "item_id", "lot_id", "location_id", "quantity")
    ):
        put[txn][(item_id, quantity)].append((lot_id, location_id))
    promises, receipts, found = [], [], []
    for order in orders:
        txn, received_at = postings[posting_key(order.number)]
        rng = _rng(context.seed, order.number)
        received_on = received_at.astimezone(context.site_tz[order.site_id]).date()
        if rng.random() < ON_TIME_RECEIVED:
            expected = received_on + datetime.timedelta(days=rng.randint(0, 4))
        else:
            expected = received_on - datetime.timedelta(days=rng.randint(1, 7))
        lead = context.lead_days.get(order.supplier_id, 7)
        sent_at = received_at - datetime.timedelta(
            days=max(1, lead + rng.randint(-2, 3)), hours=rng.uniform(0, 8)
        )
        ordered: dict[int, tuple[Decimal, Decimal]] = {}
        kind = None
        roll = rng.random()
        line = order.lines[rng.randrange(len(order.lines))] if order.lines else None
        factor = line.quantity_base / line.quantity if line else Decimal(1)
        if line is not None and roll < DISCREPANCY:
            kind = (DiscrepancyKind.SHORT_RECEIPT, DiscrepancyKind.OVER_RECEIPT,
                    DiscrepancyKind.DAMAGED)[rng.randrange(3)]  # fmt: skip
            if kind == DiscrepancyKind.OVER_RECEIPT and line.quantity < 2:
                kind = DiscrepancyKind.SHORT_RECEIPT
        if kind == DiscrepancyKind.OVER_RECEIPT:
            less = rng.randint(1, int(line.quantity) - 1)
            ordered[line.pk] = (line.quantity - less, (line.quantity - less) * factor)
        elif kind == DiscrepancyKind.SHORT_RECEIPT or (
            line is not None and DISCREPANCY <= roll < DISCREPANCY + SHORT_RECEIVED
        ):
            more = rng.randint(1, 3)
            ordered[line.pk] = (line.quantity + more, (line.quantity + more) * factor)
        promises.append(purchasing_scale.Promise(order.pk, sent_at, expected, ordered))
        for po_line in order.lines:
            spots = put[txn].get((po_line.item_id, po_line.quantity_base))
            lot_id, dock = spots.pop(0)
            receipt = ReceiptLine(
                tenant=tenant, order_id=order.pk, order_line_id=po_line.pk,
                item_id=po_line.item_id, unit=po_line.unit, quantity=po_line.quantity,
                quantity_base=po_line.quantity_base, accepted_base=po_line.quantity_base,
                lot_id=lot_id, location_id=dock, transaction_id=txn,
                scan_key=f"seed:{order.number}/{po_line.line_no}", received_by=operator,
                received_at=received_at,
            )  # fmt: skip
            receipts.append(receipt)
            if kind is not None and po_line is line:
                found.append((receipt, kind, ordered.get(line.pk), rng, received_at))
    purchasing_scale.record_promises(tenant=tenant, promises=promises)
    ReceiptLine.objects.bulk_create(receipts, batch_size=BATCH)
    discrepancies = []
    for receipt, kind, ordered, rng, received_at in found:
        if kind == DiscrepancyKind.DAMAGED:
            quantity = receipt.quantity_base / receipt.quantity  # one case
            reason, resolution = "Outer case crushed", "Contents checked: sound, kept available"
            status = "available"
        else:
            quantity = abs(receipt.quantity_base - ordered[1])
            status = "available" if kind == DiscrepancyKind.OVER_RECEIPT else ""
            reason = "More than ordered" if status else "Less than ordered"
            resolution = "Accepted into stock" if status else "Order line closed short"
        discrepancies.append(
            Discrepancy(tenant=tenant, kind=kind, state=DiscrepancyState.ACCEPTED,
                        order_id=receipt.order_id, order_line_id=receipt.order_line_id,
                        receipt_line=receipt, item_id=receipt.item_id, lot_id=receipt.lot_id,
                        quantity=quantity, status=status, reason=reason,
                        needs_approval=kind == DiscrepancyKind.OVER_RECEIPT,
                        created_by=operator, created_at=received_at, resolved_by=supervisor,
                        resolved_at=received_at + datetime.timedelta(hours=rng.uniform(1, 48)),
                        resolution=resolution)
        )  # fmt: skip
    if discrepancies:
        bulk_create_with_history(
            discrepancies, Discrepancy, batch_size=BATCH, default_user=operator
        )
    summary.receipt_lines += len(receipts)
    summary.discrepancies += len(discrepancies)


# --- counts ------------------------------------------------------------------------------

SNAPSHOT_SQL = """
SELECT e.location_id, e.item_id, coalesce(e.lot_id, 0), sum(e.quantity)
FROM inventory_stockentry e
WHERE e.tenant_id = %s AND e.location_id = ANY(%s) AND e.id < %s
GROUP BY 1, 2, 3
HAVING sum(e.quantity) <> 0
"""


def _counts(context: Context, summary: Summary, stderr) -> None:
    tenant = context.tenant
    with tenant_context(tenant, durable=True):
        limits = CountSettings.objects.filter(tenant=tenant).first()
        if limits is None:
            limits = CountSettings.objects.create(
                tenant=tenant, quantity_tolerance=QUANTITY_TOLERANCE
            )
    with tenant_context(tenant):
        documented = Count.objects.filter(tenant=tenant, transaction__isnull=False).values(
            "transaction_id"
        )
        every = list(
            StockTransaction.objects.filter(
                tenant=tenant, idempotency_key__startswith="seed:", kind="adjustment",
                reason=COUNT_REASON,
            )
            .order_by("posted_at", "pk")
            .values_list("pk", "posted_at", "idempotency_key")
        )  # fmt: skip
        # At most COUNT_POSTINGS of them, spread evenly over the years: each one's snapshot
        # reads its bins' history, which grows with the tenant.
        step = max(1, -(-len(every) // COUNT_POSTINGS))
        done = set(documented.values_list("transaction_id", flat=True))
        postings = [p for p in every[::step] if p[0] not in done]
        context.costs = dict(Item.objects.filter(tenant=tenant).values_list("pk", "standard_cost"))
    for start in range(0, len(postings), 20):
        chunk = postings[start : start + 20]
        with tenant_context(tenant, durable=True), historical_times(Count, CountedLine):
            for posting in chunk:
                _count_posting(context, summary, limits, *posting)
        _say(stderr, f"counts: {min(start + 20, len(postings)):,}/{len(postings):,} postings")


def _count_posting(context, summary, limits, txn, posted_at, key) -> None:
    """The approved counts behind one count adjustment posting: one per bin it adjusted."""
    tenant = context.tenant
    counter, recounter = context.users["operator"], context.users["planner"]
    supervisor = context.users["supervisor"]
    entries = list(
        StockEntry.objects.filter(tenant=tenant, transaction_id=txn)
        .order_by("id")
        .values_list("id", "location_id", "item_id", "lot_id", "quantity", "unit_cost")
    )
    variance: dict[tuple[int, int, int], Decimal] = defaultdict(Decimal)
    cost: dict[tuple[int, int, int], Decimal] = {}
    for _, location_id, item_id, lot_id, quantity, unit_cost in entries:
        if location_id not in context.zone_of:
            continue  # the adjustment account's side
        k = (location_id, item_id, lot_id or 0)
        variance[k] += quantity
        cost[k] = unit_cost or context.costs.get(item_id) or Decimal(0)
    if not variance:
        return
    first = entries[0][0]
    bins = sorted({k[0] for k in variance})
    expected: dict[tuple[int, int, int], Decimal] = {}
    with connection.cursor() as cursor:
        cursor.execute(SNAPSHOT_SQL, [tenant.pk, bins, first])
        for location_id, item_id, lot_id, quantity in cursor.fetchall():
            expected[(location_id, item_id, lot_id)] = quantity
    rng = _rng(context.seed, key)
    counts, rows = [], []
    for location_id in bins:
        keys = sorted(
            {k for k in expected if k[0] == location_id}
            | {k for k in variance if k[0] == location_id}
        )
        lines = []
        for k in keys:
            before = expected.get(k, Decimal(0))
            counted = before + variance.get(k, Decimal(0))
            unit_cost = cost.get(k) or context.costs.get(k[1]) or Decimal(0)
            diff = counted - before
            beyond = abs(diff) > limits.quantity_tolerance or abs(diff * unit_cost) > (
                limits.value_tolerance
            )
            lines.append((k, before, counted, unit_cost, beyond))
        recount = any(line[4] for line in lines)
        opened = posted_at - datetime.timedelta(hours=rng.uniform(3, 30))
        count = Count(
            tenant=tenant, site_id=context.site_of[location_id],
            zone_id=context.zone_of[location_id], location_id=location_id,
            status=CountStatus.APPROVED, reason=COUNT_REASON, source=CountSource.PLAN,
            snapshot_entry_id=first - 1, created_at=opened, decided_by=supervisor,
            decided_at=posted_at, transaction_id=txn, updated_at=posted_at,
        )  # fmt: skip
        counts.append(count)
        rows.append((count, lines, recount, opened))
        summary.beyond_tolerance += sum(1 for line in lines if line[4])
    counts = bulk_create_with_history(counts, Count, batch_size=BATCH, default_user=supervisor)
    snapshots, rounds, counted_lines, results = [], [], [], []
    for count, lines, recount, opened in rows:
        finished = [opened + datetime.timedelta(minutes=rng.randint(10, 120))]
        if recount:
            finished.append(finished[0] + datetime.timedelta(minutes=rng.randint(30, 240)))
        for number, at in enumerate(finished, start=1):
            round_ = CountRound(
                tenant=tenant, count=count, number=number,
                counter=counter if number == 1 else recounter,
                bin_scanned_at=at - datetime.timedelta(minutes=5), entry_id=count.snapshot_entry_id,
                finished_at=at, empty=all(line[2] == 0 for line in lines),
            )  # fmt: skip
            rounds.append(round_)
            for k, _, counted, _, _ in lines:
                if counted:
                    counted_lines.append(
                        CountedLine(tenant=tenant, round=round_, item_id=k[1], lot_id=k[2] or None,
                                    quantity=counted, counted_at=at)
                    )  # fmt: skip
        for k, before, counted, unit_cost, beyond in lines:
            if before:
                snapshots.append(
                    CountSnapshot(tenant=tenant, count=count, item_id=k[1], lot_id=k[2] or None,
                                  status="available", quantity=before)
                )  # fmt: skip
            results.append(
                CountResult(tenant=tenant, count=count, item_id=k[1], lot_id=k[2] or None,
                            expected=before, counted=counted, unit_cost=unit_cost,
                            within_tolerance=not beyond)
            )  # fmt: skip
    CountSnapshot.objects.bulk_create(snapshots, batch_size=BATCH)
    CountRound.objects.bulk_create(rounds, batch_size=BATCH)
    CountedLine.objects.bulk_create(counted_lines, batch_size=BATCH)
    CountResult.objects.bulk_create(results, batch_size=BATCH)
    summary.counts += len(counts)
    summary.count_results += len(results)


# --- backorders --------------------------------------------------------------------------


def _backorders(context: Context, wanted: int) -> int:
    """A few hundred open orders whose lines wait for stock, promised 1-120 days ago."""
    tenant = context.tenant
    customers = list(
        Customer.objects.filter(tenant=tenant, code__startswith="CUS")
        .order_by("code")
        .values_list("pk", flat=True)
    )
    sites = list(
        Site.objects.filter(tenant=tenant, code__startswith="DC")
        .order_by("code")
        .values_list("pk", flat=True)
    )
    items = list(
        Item.objects.filter(tenant=tenant, sku__startswith="SC")
        .order_by("sku")
        .values_list("pk", "standard_cost")
    )
    if not (customers and sites and items):
        return 0
    today = timezone.now().astimezone(context.tz).date()
    orders = []
    for n in range(1, wanted + 1):
        number = f"{orders_scale.BACKORDER}{n:05d}"
        rng = _rng(context.seed, number)
        promised = today - datetime.timedelta(days=rng.randint(1, 120))
        confirmed_at = timezone.now() - datetime.timedelta(
            days=(today - promised).days + rng.randint(1, 10)
        )
        lines = []
        for index in rng.sample(range(len(items)), min(len(items), rng.randint(1, 3))):
            item_id, cost = items[index]
            lines.append((item_id, Decimal(rng.randint(1, 48)),
                          (cost * Decimal("1.4")).quantize(Decimal("0.01"))))  # fmt: skip
        orders.append(
            orders_scale.Backorder(number, customers[rng.randrange(len(customers))],
                                   sites[n % len(sites)], confirmed_at, promised, lines)
        )  # fmt: skip
    return orders_scale.record_backorders(
        tenant=tenant, user=context.users["planner"], orders=orders
    )
