"""Lot and serial trace for recalls: where a lot (or one serial) came from and everywhere it
went, read from the ledger and linked to the documents that posted it (issue 16).

The ledger is the source of every quantity. A posting that moved the lot across the
warehouse's edge has an entry at one of the tenant's virtual locations (supplier, customer,
scrap, adjustment, in transit); what that entry gave or took is the movement, and the
document that posted it (receipt, shipment, RMA, transfer, adjustment, count, inspection) is
found by the posting it holds. Moves between bins and status changes stay inside and are not
listed. Because every posting sums to zero per item and lot, the movements add up to what the
real bins hold now; the page shows both figures side by side, from two separate reads (the
entries and the balances), so a difference would show rather than be papered over.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erp.errors import DomainError
from inventory import selectors as inventory_selectors
from inventory.errors import InvalidPosting
from inventory.models import Item, LocationKind, Lot, SerialNumber, StockEntry, TransactionKind
from inventory.scanning import parse_scan, resolve_item
from orders.models import Customer, SalesOrder
from purchasing.models import Supplier
from returns import selectors as returns_selectors
from warehouse.counting import selectors as counting_selectors
from warehouse.receiving import selectors as receiving_selectors
from warehouse.shipping import selectors as shipping_selectors
from warehouse.transfers import selectors as transfer_selectors

ZERO = Decimal(0)


class TraceError(DomainError):
    """What the trace form was given does not name a lot or serial of this tenant."""

    message = _("{detail}")

    def __init__(self, detail: str):
        # As a fact, not as the message: a typed "{" in a lot code must not reach str.format.
        super().__init__(detail=detail)


# What a movement is, from the virtual location it crossed and its direction (+: into stock).
RECEIVED = "received"
RETURNED_TO_SUPPLIER = "returned_to_supplier"
SHIPPED = "shipped"
RETURNED = "returned"
SCRAPPED = "scrapped"
ADJUSTED = "adjusted"
TRANSFERRED = "transferred"
REVERSED = "reversed"

LABELS = {
    RECEIVED: _("Received from supplier"),
    RETURNED_TO_SUPPLIER: _("Returned to supplier"),
    SHIPPED: _("Shipped to customer"),
    RETURNED: _("Returned by customer"),
    SCRAPPED: _("Scrapped"),
    ADJUSTED: _("Adjustment"),
    TRANSFERRED: _("Transfer"),
    REVERSED: _("Reversal"),
}


def _category(kind: str, inflow: Decimal, transaction_kind: str) -> str:
    if transaction_kind == TransactionKind.REVERSAL:
        return REVERSED
    if kind == LocationKind.SUPPLIER:
        return RECEIVED if inflow > 0 else RETURNED_TO_SUPPLIER
    if kind == LocationKind.CUSTOMER:
        return RETURNED if inflow > 0 else SHIPPED
    if kind == LocationKind.SCRAP:
        return SCRAPPED
    if kind == LocationKind.IN_TRANSIT:
        return TRANSFERRED
    return ADJUSTED


@dataclass
class Target:
    item: Item
    lot: Lot | None = None
    serial: SerialNumber | None = None

    @property
    def label(self) -> str:
        if self.serial is not None:
            return f"{self.item.sku} serial {self.serial.serial}"
        return f"{self.item.sku} lot {self.lot.code}"

    def query(self) -> dict:
        if self.serial is not None:
            return {"item": self.item.sku, "serial": self.serial.serial}
        return {"item": self.item.sku, "lot": self.lot.code}


@dataclass
class Movement:
    """One posting's crossing of the warehouse's edge for the traced lot or serial."""

    category: str
    transaction_id: int
    posted_at: object
    inflow: Decimal  # signed: + into the warehouse's bins, - out of them
    sites: str
    bins: str
    reference: str
    reason: str
    document: str = ""
    document_url: str = ""
    party: str = ""  # supplier or customer
    party_url: str = ""
    order: str = ""  # purchase or sales order (and line)
    order_url: str = ""
    detail: str = ""  # dock, transfer route, direction

    @property
    def quantity(self) -> Decimal:
        return abs(self.inflow)

    @property
    def label(self) -> str:
        return str(LABELS[self.category])

    @property
    def posting_url(self) -> str:
        return reverse("inventory:transaction_detail", args=[self.transaction_id])


@dataclass
class OnHand:
    site: str
    bin: str
    bin_url: str
    zone: str
    status: str
    serial: str
    quantity: Decimal


@dataclass
class Totals:
    received: Decimal = ZERO
    returned_to_supplier: Decimal = ZERO
    shipped: Decimal = ZERO
    returned: Decimal = ZERO
    scrapped: Decimal = ZERO
    adjusted: Decimal = ZERO  # signed
    in_transit: Decimal = ZERO  # left a site on a transfer, not yet received at the other
    reversed: Decimal = ZERO  # signed
    on_hand: Decimal = ZERO  # what the balances say, read separately

    @property
    def expected(self) -> Decimal:
        return (
            self.received
            - self.returned_to_supplier
            - self.shipped
            + self.returned
            - self.scrapped
            + self.adjusted
            - self.in_transit
            + self.reversed
        )

    @property
    def reconciles(self) -> bool:
        return self.expected == self.on_hand


@dataclass
class Trace:
    target: Target
    movements: list[Movement]
    on_hand: list[OnHand]
    totals: Totals
    customers: list[dict] = field(default_factory=list)
    note: str = ""  # why it was read on the primary rather than the replica (erp.replica)

    def of(self, *categories: str) -> list[Movement]:
        return [m for m in self.movements if m.category in categories]

    @property
    def receipts(self) -> list[Movement]:
        return self.of(RECEIVED)

    @property
    def returns(self) -> list[Movement]:
        return self.of(RETURNED)

    @property
    def shipments(self) -> list[Movement]:
        return self.of(SHIPPED)

    @property
    def transfers(self) -> list[Movement]:
        return self.of(TRANSFERRED)

    @property
    def write_offs(self) -> list[Movement]:
        return self.of(SCRAPPED, ADJUSTED, RETURNED_TO_SUPPLIER, REVERSED)


def resolve(*, tenant, item: str = "", lot: str = "", serial: str = "", scan: str = "") -> Target:
    """The lot or serial named by an item (SKU or GTIN) with a lot code or serial, or by a GS1
    scan carrying AI 01 with AI 10 or 21. Raises `TraceError` naming what was not understood
    or not found; another tenant's lots are simply not found."""
    item, lot, serial, scan = (v.strip() for v in (item, lot, serial, scan))
    if scan:
        parsed = parse_scan(scan)
        if not parsed.gtin:
            raise TraceError(
                "That scan is not a GS1 barcode with a GTIN (AI 01): scan the carton label, "
                "or type the SKU with the lot or serial."
            )
        if not (parsed.lot or parsed.serial):
            raise TraceError(
                f"The scan names GTIN {parsed.gtin} but carries no lot (AI 10) or serial "
                "(AI 21): type the lot or serial."
            )
        item_text = scan
        lot, serial = parsed.lot or "", parsed.serial or ""
    elif not item:
        raise TraceError("Give the item (SKU or GTIN) with a lot or a serial, or scan a label.")
    else:
        item_text = item
        if not (lot or serial):
            raise TraceError("Give the lot or the serial to trace.")
        if lot and serial:
            raise TraceError("Give a lot or a serial, not both.")
    try:
        found, _unit, _parsed = resolve_item(tenant=tenant, text=item_text)
    except InvalidPosting as exc:
        raise TraceError(str(exc)) from exc
    if serial:
        number = inventory_selectors.serial_of(tenant=tenant, item=found, serial=serial)
        if number is None:
            raise TraceError(f"{found.sku} has no serial {serial}.")
        return Target(item=found, serial=number)
    code = inventory_selectors.lot_of(tenant=tenant, item=found, code=lot)
    if code is None:
        raise TraceError(f"{found.sku} has no lot {lot}.")
    return Target(item=found, lot=code)


def _movements(entries: list[StockEntry]) -> list[Movement]:
    by_transaction: dict[int, list[StockEntry]] = defaultdict(list)
    for entry in entries:
        by_transaction[entry.transaction_id].append(entry)
    movements = []
    for transaction_id, legs in by_transaction.items():
        transaction = legs[0].transaction
        real = [leg for leg in legs if leg.location.kind == LocationKind.BIN]
        sites = ", ".join(sorted({leg.site.code for leg in real if leg.site}))
        bins = ", ".join(sorted({leg.location.bin.code for leg in real if leg.location.bin}))
        crossing: dict[str, Decimal] = defaultdict(Decimal)
        for leg in legs:
            if leg.location.kind != LocationKind.BIN:
                crossing[leg.location.kind] -= leg.quantity
        for kind, inflow in sorted(crossing.items()):
            if inflow == 0:
                continue
            movements.append(
                Movement(
                    category=_category(kind, inflow, transaction.kind),
                    transaction_id=transaction_id,
                    posted_at=transaction.posted_at,
                    inflow=inflow,
                    sites=sites,
                    bins=bins,
                    reference=transaction.reference,
                    reason=transaction.reason,
                    detail=str(LocationKind(kind).label) if kind == LocationKind.IN_TRANSIT else "",
                )
            )
    return movements


def _link_party(movement: Movement, party: Supplier | Customer | None) -> None:
    if isinstance(party, Supplier):
        movement.party = party.name
        movement.party_url = reverse("purchasing:supplier_detail", args=[party.pk])
    elif isinstance(party, Customer):
        movement.party = party.name
        movement.party_url = reverse("orders:customer_detail", args=[party.pk])


def _link_sales_order(movement: Movement, order: SalesOrder) -> None:
    movement.order = order.number
    movement.order_url = reverse("orders:order_detail", args=[order.pk])
    _link_party(movement, order.customer)


def _documents(tenant, movements: list[Movement], using: str) -> None:
    """Fill each movement's document, party and order from the owning app's records of the
    posting; what no document claims links to the posting itself."""
    ids = {m.transaction_id for m in movements}
    receipts = {
        r.transaction_id: r
        for r in receiving_selectors.receipt_lines(tenant=tenant)
        .filter(transaction_id__in=ids)
        .select_related("order__supplier")
        .using(using)
    }
    shipments = {
        s.transaction_id: s
        for s in shipping_selectors.shipments(tenant=tenant)
        .filter(transaction_id__in=ids)
        .using(using)
    }
    rma_receipts = {
        r.transaction_id: r
        for r in returns_selectors.all_receipts(tenant=tenant)
        .filter(transaction_id__in=ids)
        .select_related("line__rma__order__customer")
        .using(using)
    }
    inspections = {
        i.transaction_id: i
        for i in returns_selectors.inspections(tenant=tenant)
        .filter(transaction_id__in=ids)
        .select_related("line__rma__order__customer")
        .using(using)
    }
    supplier_returns = {
        s.transaction_id: s
        for s in returns_selectors.supplier_returns(tenant=tenant)
        .filter(transaction_id__in=ids)
        .select_related("supplier")
        .using(using)
    }
    transfer_in = {
        r.transaction_id: r.line.transfer
        for r in transfer_selectors.all_receipts(tenant=tenant)
        .filter(transaction_id__in=ids)
        .using(using)
    }
    adjustments = {
        a.transaction_id: a
        for a in inventory_selectors.adjustments(tenant=tenant)
        .filter(transaction_id__in=ids)
        .using(using)
    }
    counts = {
        c.transaction_id: c
        for c in counting_selectors.counts(tenant=tenant)
        .filter(transaction_id__in=ids)
        .using(using)
    }
    # A transfer's shipping posting is found by the key it was posted under
    # (warehouse.transfers.services.ship: "transfer-ship:<transfer id>").
    keys = dict(
        inventory_selectors.transactions(tenant=tenant)
        .filter(pk__in=ids, idempotency_key__startswith="transfer-ship:")
        .values_list("pk", "idempotency_key")
        .using(using)
    )
    shipped_transfers = {int(key.split(":", 1)[1]): pk for pk, key in keys.items()}
    transfer_out = {
        shipped_transfers[t.pk]: t
        for t in transfer_selectors.transfers(tenant=tenant)
        .filter(pk__in=shipped_transfers)
        .using(using)
    }

    for m in movements:
        t = m.transaction_id
        if t in receipts:
            line = receipts[t]
            m.document = f"{line.order.number} receipt"
            m.document_url = reverse("purchasing:order_detail", args=[line.order_id])
            m.order = (
                f"{line.order.number}/{line.order_line.line_no}"
                if line.order_line
                else f"{line.order.number} (not on order)"
            )
            m.order_url = m.document_url
            m.detail = line.location.code
            _link_party(m, line.order.supplier)
        elif t in shipments:
            shipment = shipments[t]
            m.document = shipment.number
            m.document_url = reverse("warehouse:shipment_detail", args=[shipment.pk])
            _link_sales_order(m, shipment.order)
        elif t in rma_receipts or t in inspections:
            rma = rma_receipts[t].line.rma if t in rma_receipts else inspections[t].line.rma
            m.document = rma.number
            m.document_url = reverse("returns:rma_detail", args=[rma.pk])
            _link_sales_order(m, rma.order)
        elif t in supplier_returns:
            rtv = supplier_returns[t]
            m.document = rtv.number
            m.document_url = reverse("returns:supplier_return_list")
            _link_party(m, rtv.supplier)
        elif t in transfer_in or t in transfer_out:
            transfer = transfer_in.get(t) or transfer_out[t]
            m.document = transfer.number
            m.document_url = reverse("warehouse:transfer_detail", args=[transfer.pk])
            direction = _("in") if t in transfer_in else _("out")
            m.detail = f"{transfer.from_site.code} → {transfer.to_site.code} ({direction})"
        elif t in adjustments:
            adjustment = adjustments[t]
            m.document = f"ADJ-{adjustment.pk}"
            m.document_url = reverse("inventory:adjustment_detail", args=[adjustment.pk])
        elif t in counts:
            m.document = f"COUNT-{counts[t].pk}"
            m.document_url = reverse("warehouse:count_detail", args=[counts[t].pk])
        if not m.document:
            m.document = m.reference or f"#{t}"
            m.document_url = m.posting_url


def _on_hand(tenant, target: Target, using: str) -> list[OnHand]:
    rows = []
    for balance in inventory_selectors.traced_balances(
        tenant=tenant, lot=target.lot, serial=target.serial
    ).using(using):
        bin = balance.location.bin
        rows.append(
            OnHand(
                site=balance.site.code if balance.site else "",
                bin=bin.code,
                bin_url=reverse("inventory:bin_detail", args=[bin.pk]),
                zone=bin.zone.code,
                status=balance.get_status_display(),
                serial=balance.serial.serial if balance.serial else "",
                quantity=balance.on_hand,
            )
        )
    return rows


def _totals(movements: list[Movement], on_hand: list[OnHand]) -> Totals:
    totals = Totals(on_hand=sum((row.quantity for row in on_hand), ZERO))
    for m in movements:
        if m.category == RECEIVED:
            totals.received += m.inflow
        elif m.category == RETURNED_TO_SUPPLIER:
            totals.returned_to_supplier -= m.inflow
        elif m.category == SHIPPED:
            totals.shipped -= m.inflow
        elif m.category == RETURNED:
            totals.returned += m.inflow
        elif m.category == SCRAPPED:
            totals.scrapped -= m.inflow
        elif m.category == TRANSFERRED:
            totals.in_transit -= m.inflow
        elif m.category == REVERSED:
            totals.reversed += m.inflow
        else:
            totals.adjusted += m.inflow
    return totals


def _customers(shipments: list[Movement], returns: list[Movement]) -> list[dict]:
    """Each customer reached: shipments, quantity shipped and returned (the recall list)."""
    reached: dict[str, dict] = {}
    for m in shipments:
        row = reached.setdefault(
            m.party,
            {"customer": m.party, "url": m.party_url, "shipments": 0, "shipped": ZERO,
             "returned": ZERO},
        )  # fmt: skip
        row["shipments"] += 1
        row["shipped"] += m.quantity
    for m in returns:
        if m.party in reached:
            reached[m.party]["returned"] += m.quantity
    for row in reached.values():
        row["held"] = row["shipped"] - row["returned"]
    return sorted(reached.values(), key=lambda row: row["customer"])


def trace(*, tenant, target: Target, using: str = DEFAULT_DB_ALIAS) -> Trace:
    """The whole trace of `target`: movements oldest first, on hand now, and the totals,
    every row read on the `using` database (a replica for the page: `erp.replica`)."""
    entries = list(
        inventory_selectors.traced_entries(
            tenant=tenant, lot=target.lot, serial=target.serial
        ).using(using)
    )
    movements = _movements(entries)
    _documents(tenant, movements, using)
    on_hand = _on_hand(tenant, target, using)
    result = Trace(
        target=target, movements=movements, on_hand=on_hand, totals=_totals(movements, on_hand)
    )
    result.customers = _customers(result.shipments, result.returns)
    return result
