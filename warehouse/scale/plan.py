"""The postings of a scale history: which flow posting n is, and its moves.

Postings follow a cycle per site, the way a DC's day runs: receipts into the docks, putaway
to reserve, replenishment of the pick faces, shipments to customers, moves between reserve
bins, adjustments or scrap, and a transfer to the next site through in-transit (out, then
in on the very next posting, so a resumed run finds the goods on their way in one read).
Every outflow takes at most what the in-memory stock holds, and the stock is updated as the
moves are planned. Posting n draws from its own random stream, so its content depends only
on the seed, n and the stock it starts from.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from inventory.ledger import Move
from inventory.models import LocationKind, TransactionKind
from inventory.scale import CASE
from orders.scale import ShippedLine, ShippedOrder
from purchasing.scale import ReceivedLine, ReceivedOrder
from warehouse.scale.world import DOCK, PICK, RESERVE, World, price

RECEIPT, PUTAWAY, REPLENISH, SHIP, MOVE, ADJUST, TRANSFER_OUT, TRANSFER_IN = (
    "receipt", "putaway", "replenish", "ship", "move", "adjust", "transfer_out", "transfer_in",
)  # fmt: skip
CYCLE = (
    RECEIPT, PUTAWAY, REPLENISH, SHIP, SHIP, RECEIPT, PUTAWAY, REPLENISH, SHIP, MOVE, ADJUST,
    TRANSFER_OUT, TRANSFER_IN,
)  # fmt: skip
# A posting is a day's receiving or shipping at a DC; the documents behind it are a few
# orders whose lines are its first moves. One order line per move would triple the cost of
# a posting and give millions of documents, where a distributor's history has thousands.
PO_LINES = 20
SO_LINES = 10
ORDERS_PER_POSTING = 3


def key_prefix(worker: int) -> str:
    return f"seed:{worker}:"


def key_text(worker: int, n: int) -> str:
    # Zero-padded so that the text order of the keys is their numeric order: a worker's
    # last posting is then one backward step on the (tenant, idempotency_key) index.
    return f"{key_prefix(worker)}{n:09d}"


def flow(n: int) -> str:
    return CYCLE[n % len(CYCLE)]


def site_of(n: int, sites: int) -> int:
    return n // len(CYCLE) % sites


@dataclass
class Posting:
    n: int
    kind: str
    tag: str  # worker and n, for document numbers and references
    moves: list[Move] = field(default_factory=list)
    reference: str = ""
    reason: str = ""
    purchase_orders: list[ReceivedOrder] = field(default_factory=list)
    sales_orders: list[ShippedOrder] = field(default_factory=list)


@dataclass
class InTransit:
    """Goods sent by a transfer-out posting, to arrive at `site` on the next one."""

    site: int
    lines: list[tuple[int, int, int, Decimal]]  # item id, lot id, quantity, unit cost


class Planner:
    """Plans one worker's postings: its share of the items (index % workers == worker)."""

    def __init__(
        self, world: World, *, seed: int, size: int, lot_clock, worker: int = 0, workers: int = 1
    ) -> None:
        self.world = world
        self.worker = worker
        self.mine = range(worker, len(world.items), workers)
        self.seed = seed
        self.size = size
        self.lot_clock = lot_clock  # posted_at -> fraction of the history passed, 0..1
        self.in_transit: InTransit | None = None

    def plan(self, n: int, posted_at: datetime.datetime, limit: int) -> Posting:
        """Posting n with at most `limit` moves."""
        rng = random.Random((self.seed * 1_000_003 + n) * 101 + self.worker)
        world = self.world
        site = site_of(n, len(world.sites))
        kind = flow(n)
        size = min(limit, self.size)
        if kind in (TRANSFER_OUT, TRANSFER_IN) and len(world.sites) < 2:
            kind = RECEIPT
        posting = Posting(n, kind, tag=f"{self.worker}{n:07d}")
        if kind == PUTAWAY:
            self._putaway(posting, rng, site, size)
        elif kind == REPLENISH:
            self._replenish(posting, rng, site, size)
        elif kind == SHIP:
            self._ship(posting, rng, site, size)
        elif kind == MOVE:
            self._move(posting, rng, site, size)
        elif kind == ADJUST:
            self._adjust(posting, rng, site, max(1, size // 5), n)
        elif kind == TRANSFER_OUT:
            self._transfer_out(posting, rng, site, size)
        elif kind == TRANSFER_IN:
            self._transfer_in(posting, size)
        if not posting.moves:  # nothing to take yet: receive instead
            posting = Posting(n, RECEIPT, tag=posting.tag)
        if posting.kind == RECEIPT:
            self._receive(posting, rng, site, size, posted_at)
        return posting

    # --- flows ---------------------------------------------------------------------------

    def _pick_item(self, rng: random.Random) -> int:
        # Skewed towards the first items: a few sell a lot, most a little (ABC).
        return self.mine[int(len(self.mine) * rng.random() ** 2.5)]

    def _lot_id(self, item_id: int, posted_at: datetime.datetime) -> int:
        lots = self.world.lots.get(item_id)
        if not lots:
            return 0
        at = min(len(lots) - 1, max(0, int(self.lot_clock(posted_at) * len(lots))))
        return lots[at].pk

    def _move_of(self, key, quantity: int, source, destination, **extra) -> Move:
        world = self.world
        _, item_id, lot_id = key
        item = world.items[world.item_index[item_id]]
        lot = _find_lot(world.lots.get(item_id, ()), lot_id)
        return Move(item=item, quantity=Decimal(quantity), source=source,
                    destination=destination, lot=lot, **extra)  # fmt: skip

    def _receive(self, posting, rng, site, size, posted_at) -> None:
        world = self.world
        posting.kind = RECEIPT
        supplier_location = world.virtual[LocationKind.SUPPLIER]
        docks = world.bins[(site, DOCK)]
        by_supplier: dict[int, list[tuple[Move, ReceivedLine]]] = defaultdict(list)
        for _ in range(size):
            index = self._pick_item(rng)
            item = world.items[index]
            cases = rng.randint(1, 12)
            factor = world.case_factor[item.pk]
            quantity = cases * factor
            # Prices drift a little from one receipt to the next, so FIFO layers differ.
            cost = (item.standard_cost * Decimal(rng.randint(90, 110)) / 100).quantize(
                Decimal("0.0001")
            )
            lot_id = self._lot_id(item.pk, posted_at) if item.is_lot_tracked else 0
            dock = docks[rng.randrange(len(docks))]
            key = (dock.pk, item.pk, lot_id)
            move = Move(item=item, quantity=Decimal(cases), unit=CASE, source=supplier_location,
                        destination=dock, lot=_find_lot(world.lots.get(item.pk, ()), lot_id),
                        unit_cost=cost)  # fmt: skip
            world.stock.add(key, quantity)
            supplier = world.suppliers[index % len(world.suppliers)]
            line = ReceivedLine(item.pk, CASE, Decimal(cases), Decimal(quantity), cost * factor)
            by_supplier[supplier].append((move, line))
        for supplier in sorted(by_supplier):
            group = by_supplier[supplier]
            posting.moves += [move for move, _ in group]
            if len(posting.purchase_orders) < ORDERS_PER_POSTING:
                number = len(posting.purchase_orders) + 1
                posting.purchase_orders.append(
                    ReceivedOrder(f"PO-S{posting.tag}-{number:03d}", supplier,
                                  world.sites[site].pk, [line for _, line in group[:PO_LINES]])
                )  # fmt: skip
        posting.reference = _span(posting.purchase_orders)

    def _putaway(self, posting, rng, site, size) -> None:
        world = self.world
        for key in world.stock.pool(site, DOCK).sample(rng, size):
            item = world.item_index[key[1]]
            destination = world.home(site, RESERVE, item, spread=rng.random() < 0.2)
            quantity = world.stock.on_hand[key]
            posting.moves.append(self._move_of(key, quantity, world.locations[key[0]], destination))
            world.stock.take(key, quantity)
            world.stock.add((destination.pk, key[1], key[2]), quantity)
        posting.kind = PUTAWAY
        posting.reference = f"PUT-S{posting.tag}"

    def _replenish(self, posting, rng, site, size) -> None:
        world = self.world
        for key in world.stock.pool(site, RESERVE).sample(rng, size):
            item = world.item_index[key[1]]
            destination = world.home(site, PICK, item)
            held = world.stock.on_hand[key]
            quantity = max(1, int(held * rng.uniform(0.3, 1.0)))
            posting.moves.append(self._move_of(key, quantity, world.locations[key[0]], destination))
            world.stock.take(key, quantity)
            world.stock.add((destination.pk, key[1], key[2]), quantity)
        posting.kind = REPLENISH
        posting.reference = f"REP-S{posting.tag}"

    def _ship(self, posting, rng, site, size) -> None:
        world = self.world
        customer_location = world.virtual[LocationKind.CUSTOMER]
        keys = world.stock.pool(site, PICK).sample(rng, size)
        if len(keys) < size:  # full cases straight from reserve when the faces run low
            keys += world.stock.pool(site, RESERVE).sample(rng, size - len(keys))
        lines = []
        for key in keys:
            held = world.stock.on_hand[key]
            quantity = max(1, int(held * rng.uniform(0.2, 0.9)))
            move = self._move_of(key, quantity, world.locations[key[0]], customer_location)
            posting.moves.append(move)
            world.stock.take(key, quantity)
            lines.append(ShippedLine(key[1], Decimal(quantity), price(move.item)))
        documented = lines[: SO_LINES * ORDERS_PER_POSTING]
        for number, start in enumerate(range(0, len(documented), SO_LINES), start=1):
            customer = world.customers[rng.randrange(len(world.customers))]
            posting.sales_orders.append(
                ShippedOrder(f"SO-S{posting.tag}-{number:03d}", customer,
                             world.sites[site].pk, documented[start : start + SO_LINES])
            )  # fmt: skip
        posting.kind = SHIP
        posting.reference = _span(posting.sales_orders)

    def _move(self, posting, rng, site, size) -> None:
        world = self.world
        for key in world.stock.pool(site, RESERVE).sample(rng, size):
            item = world.item_index[key[1]]
            destination = world.home(site, RESERVE, item, spread=rng.randint(1, 3))
            if destination.pk == key[0]:
                continue
            quantity = world.stock.on_hand[key]
            posting.moves.append(self._move_of(key, quantity, world.locations[key[0]], destination))
            world.stock.take(key, quantity)
            world.stock.add((destination.pk, key[1], key[2]), quantity)
        posting.kind = MOVE
        posting.reference = f"MOV-S{posting.tag}"
        posting.reason = "Consolidate reserve"

    def _adjust(self, posting, rng, site, size, n) -> None:
        """Count losses and finds on odd cycles, damaged stock scrapped on even ones."""
        world = self.world
        scrap = n // len(CYCLE) % 2 == 0
        target = world.virtual[LocationKind.SCRAP if scrap else LocationKind.ADJUSTMENT]
        keys = world.stock.pool(site, PICK).sample(rng, size)
        for number, key in enumerate(keys):
            held = world.stock.on_hand[key]
            quantity = rng.randint(1, max(1, min(held, 5)))
            location = world.locations[key[0]]
            if not scrap and number % 3 == 2:  # found in the count: back into the bin
                posting.moves.append(self._move_of(key, quantity, target, location))
                world.stock.add(key, quantity)
                continue
            posting.moves.append(self._move_of(key, quantity, location, target))
            world.stock.take(key, quantity)
        posting.kind = "scrap" if scrap else "adjust"
        posting.reference = f"{'SCR' if scrap else 'ADJ'}-S{posting.tag}"
        posting.reason = "Damaged in handling" if scrap else "Cycle count"

    def _transfer_out(self, posting, rng, site, size) -> None:
        world = self.world
        transit = world.virtual[LocationKind.IN_TRANSIT]
        for key in world.stock.pool(site, RESERVE).sample(rng, size):
            held = world.stock.on_hand[key]
            quantity = max(1, int(held * rng.uniform(0.2, 0.6)))
            posting.moves.append(self._move_of(key, quantity, world.locations[key[0]], transit))
            world.stock.take(key, quantity)
        posting.kind = TRANSFER_OUT
        posting.reference = f"TRF-S{posting.tag}"

    def _transfer_in(self, posting, size) -> None:
        world = self.world
        pending, self.in_transit = self.in_transit, None
        if pending is None:
            return
        transit = world.virtual[LocationKind.IN_TRANSIT]
        for item_id, lot_id, quantity, cost in pending.lines[:size]:
            item = world.item_index[item_id]
            destination = world.home(pending.site, RESERVE, item)
            key = (destination.pk, item_id, lot_id)
            posting.moves.append(
                # At the cost it left the other site with, so in-transit ends at zero value.
                self._move_of(key, quantity, transit, destination, unit_cost=cost)
            )
            world.stock.add(key, quantity)
        posting.kind = TRANSFER_IN
        posting.reference = f"TRF-S{self.worker}{posting.n - 1:07d}"


def ledger_kind(kind: str) -> str:
    return {
        RECEIPT: TransactionKind.RECEIPT, PUTAWAY: TransactionKind.PUTAWAY,
        REPLENISH: TransactionKind.REPLENISHMENT, SHIP: TransactionKind.SHIPMENT,
        MOVE: TransactionKind.MOVE, "adjust": TransactionKind.ADJUSTMENT,
        "scrap": TransactionKind.SCRAP, TRANSFER_OUT: TransactionKind.TRANSFER,
        TRANSFER_IN: TransactionKind.TRANSFER,
    }[kind]  # fmt: skip


def in_transit_from(entries, site: int) -> InTransit:
    """What a transfer-out posting's in-transit entries (item, lot, quantity, value) hold,
    per item and lot, at the average cost it left with."""
    totals: dict[tuple[int, int], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for item_id, lot_id, quantity, value in entries:
        total = totals[(item_id, lot_id or 0)]
        total[0] += quantity
        total[1] += value
    return InTransit(
        site,
        [
            (item, lot, int(q), (v / q).quantize(Decimal("0.000001")))
            for (item, lot), (q, v) in sorted(totals.items())
            if q > 0
        ],
    )


def _find_lot(lots, lot_id: int):
    if not lot_id:
        return None
    for lot in lots:
        if lot.pk == lot_id:
            return lot
    raise LookupError(f"lot {lot_id}")


def _span(documents) -> str:
    if not documents:
        return ""
    first, last = documents[0].number, documents[-1].number
    return first if first == last else f"{first}..{last[-3:]}"
