"""Reads of returns for pages, the scanner and exports (no writes), and what returns reads of
the apps to its left: the shipped contents an RMA is checked against, their cost, and the
returns area a site receives into."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from erp.lookups import ranked_matches
from inventory import ledger
from inventory.models import Bin, Location, Site, StockEntry, ZoneType
from orders.models import Customer, SalesOrder, SalesOrderLine
from returns.models import (
    Credit,
    CreditStatus,
    Inspection,
    ReturnAuthorisation,
    ReturnDiscrepancy,
    ReturnReceipt,
    RmaLine,
    RmaStatus,
    SupplierReturn,
)
from warehouse.shipping import selectors as shipping

LIVE = ~Q(rma__status=RmaStatus.REJECTED)
OPEN_STATUSES = [s for s in RmaStatus.values if s not in (RmaStatus.CLOSED, RmaStatus.REJECTED)]


def rmas(*, tenant) -> QuerySet[ReturnAuthorisation]:
    return ReturnAuthorisation.objects.filter(tenant=tenant).select_related(
        "customer", "order", "site", "created_by", "authorised_by"
    )


def lines(*, tenant, rma: ReturnAuthorisation) -> QuerySet[RmaLine]:
    return (
        RmaLine.objects.filter(tenant=tenant, rma=rma)
        .select_related("item", "lot", "serial", "order_line")
        .annotate(inspected=Sum("inspections__quantity", default=Decimal(0)))
    )


def receipts(*, tenant, rma: ReturnAuthorisation) -> QuerySet[ReturnReceipt]:
    return ReturnReceipt.objects.filter(tenant=tenant, line__rma=rma).select_related(
        "line__item", "line__lot", "line__serial", "location", "received_by"
    )


def all_receipts(*, tenant) -> QuerySet[ReturnReceipt]:
    """Every return receipt with its RMA, customer and sales order (the recall trace reads
    them by ledger transaction)."""
    return ReturnReceipt.objects.filter(tenant=tenant).select_related(
        "line__rma__customer", "line__rma__order", "line__rma__site", "location"
    )


def discrepancies(*, tenant, rma: ReturnAuthorisation | None = None) -> QuerySet:
    found = ReturnDiscrepancy.objects.filter(tenant=tenant).select_related(
        "rma", "item", "created_by"
    )
    return found.filter(rma=rma) if rma is not None else found


def inspections(*, tenant, rma: ReturnAuthorisation | None = None) -> QuerySet[Inspection]:
    found = Inspection.objects.filter(tenant=tenant).select_related(
        "line__rma", "line__item", "line__lot", "line__serial", "inspected_by",
        "dispositioned_by", "putaway_task", "supplier_return",
    )  # fmt: skip
    return found.filter(line__rma=rma) if rma is not None else found


def credits(*, tenant) -> QuerySet[Credit]:
    return Credit.objects.filter(tenant=tenant).select_related(
        "rma__customer", "rma__order", "requested_by", "decided_by"
    )


def supplier_returns(*, tenant) -> QuerySet[SupplierReturn]:
    return SupplierReturn.objects.filter(tenant=tenant).select_related(
        "supplier", "item", "lot", "serial", "location", "created_by", "shipped_by"
    )


def shipped_orders(*, tenant, customer: Customer | None = None) -> QuerySet[SalesOrder]:
    """Orders with something shipped, newest first: what an RMA may be raised against."""
    # EXISTS, not a join and DISTINCT: one probe per order, and the result can be ranked.
    shipped = SalesOrderLine.objects.filter(tenant=tenant, order=OuterRef("pk"), shipped_base__gt=0)
    found = SalesOrder.objects.filter(Exists(shipped), tenant=tenant)
    if customer is not None:
        found = found.filter(customer=customer)
    return found.select_related("customer", "site").order_by("-order_date", "-pk")


def shipped_order_matches(*, tenant, query: str, limit: int) -> list[SalesOrder]:
    """Shipped orders whose number starts with `query` or whose customer's code or name holds
    it, for the RMA form's search-as-you-type."""
    found = ranked_matches(
        shipped_orders(tenant=tenant),
        query=query,
        code="number",
        text=("customer__code", "customer__name"),
    )
    return list(found[:limit])


def shipped_lines(*, tenant, order: SalesOrder) -> QuerySet[SalesOrderLine]:
    return (
        SalesOrderLine.objects.filter(tenant=tenant, order=order, shipped_base__gt=0)
        .select_related("item")
        .order_by("line_no")
    )


def shipped(*, tenant, order_line: SalesOrderLine, lot=None, serial=None) -> Decimal:
    """How much of `order_line` (in `lot`, as `serial`) left on confirmed shipments."""
    found = shipping.shipped_contents(tenant=tenant).filter(order_line=order_line)
    if lot is not None:
        found = found.filter(lot=lot)
    if serial is not None:
        found = found.filter(serial=serial)
    return found.aggregate(q=Sum("quantity", default=Decimal(0)))["q"]


def serial_shipped_to(*, tenant, customer: Customer, serial) -> bool:
    return (
        shipping.shipped_contents(tenant=tenant)
        .filter(serial=serial, order_line__order__customer=customer)
        .exists()
    )


def authorised(*, tenant, order_line: SalesOrderLine, lot=None, serial=None, without=None):
    """How much of `order_line` (lot, serial) other live RMAs already take back."""
    found = RmaLine.objects.filter(tenant=tenant, order_line=order_line).filter(LIVE)
    if lot is not None:
        found = found.filter(lot=lot)
    if serial is not None:
        found = found.filter(serial=serial)
    if without is not None:
        found = found.exclude(pk=without)
    return found.aggregate(q=Sum("quantity", default=Decimal(0)))["q"]


def shipped_on(*, tenant, order_line: SalesOrderLine) -> datetime.datetime | None:
    """When the line's goods last left (the return window counts from it)."""
    contents = shipping.shipped_contents(tenant=tenant).filter(order_line=order_line)
    return max((c.carton.shipment.shipped_at for c in contents), default=None)


def shipped_unit_cost(*, tenant, order_line: SalesOrderLine, lot=None, serial=None) -> Decimal:
    """The cost per base unit the line's goods (of `lot`, `serial`) left the warehouse at,
    read from their shipments' ledger entries (the site side, which carries the value)."""
    contents = shipping.shipped_contents(tenant=tenant).filter(order_line=order_line)
    postings = {c.carton.shipment.transaction_id for c in contents}
    entries = StockEntry.objects.filter(
        tenant=tenant, transaction_id__in=postings, item=order_line.item, quantity__lt=0,
        location__kind="bin", lot=lot, serial=serial,
    )  # fmt: skip
    totals = entries.aggregate(q=Sum("quantity"), v=Sum("value"))
    if not totals["q"]:
        return Decimal(0)
    return (totals["v"] / totals["q"]).quantize(Decimal("0.000001"))


def returns_bin(*, tenant, site: Site) -> Bin | None:
    """The site's returns area: its first active bin (walk order, then code) in a zone of
    type Returns. None when the site has none."""
    return (
        Bin.objects.filter(
            tenant=tenant, site=site, is_active=True, zone__zone_type=ZoneType.RETURNS
        )
        .order_by("walk_sequence", "code")
        .first()
    )


def returns_area(*, tenant, site: Site) -> Location | None:
    """The ledger location of the site's returns bin (made on first use: call from services)."""
    bin = returns_bin(tenant=tenant, site=site)
    return ledger.bin_location(tenant=tenant, bin=bin) if bin is not None else None


def rma_by_number(*, tenant, text: str) -> ReturnAuthorisation | None:
    return rmas(tenant=tenant).filter(number__iexact=text.strip()).first()


def to_receive(*, tenant, site: Site | None) -> QuerySet[ReturnAuthorisation]:
    found = rmas(tenant=tenant).filter(
        status__in=[RmaStatus.AUTHORISED, RmaStatus.PARTIALLY_RECEIVED]
    )
    return found.filter(site=site) if site is not None else found


def inspection_backlog(*, tenant) -> QuerySet[RmaLine]:
    """Lines with units received and not yet graded, oldest RMA first."""
    return (
        RmaLine.objects.filter(
            tenant=tenant,
            rma__status__in=[RmaStatus.PARTIALLY_RECEIVED, RmaStatus.RECEIVED],
            received__gt=0,
        )
        .select_related("rma__customer", "item", "lot", "serial")
        .annotate(inspected=Sum("inspections__quantity", default=Decimal(0)))
        .filter(received__gt=F("inspected"))
        .annotate(waiting=F("received") - F("inspected"))
        .order_by("rma__created_at", "pk")
    )


def disposition_backlog(*, tenant) -> QuerySet[Inspection]:
    return inspections(tenant=tenant).filter(disposition="").order_by("inspected_at", "pk")


AGE_BUCKETS = [(0, 2, "0-2 days"), (3, 7, "3-7 days"), (8, 14, "8-14 days"), (15, None, "15+ days")]


def queue(*, tenant, today: datetime.date | None = None) -> list[dict]:
    """Open RMAs by status and age (days since raised): one row per status with a count per
    age bucket and its oldest RMA."""
    today = today or timezone.localdate()
    rows = rmas(tenant=tenant).filter(status__in=OPEN_STATUSES).values("status", "created_at")
    grid: dict[str, list[int]] = defaultdict(lambda: [0] * len(AGE_BUCKETS))
    oldest: dict[str, int] = {}
    for row in rows:
        age = (today - timezone.localtime(row["created_at"]).date()).days
        for index, (low, high, _label) in enumerate(AGE_BUCKETS):
            if age >= low and (high is None or age <= high):
                grid[row["status"]][index] += 1
        oldest[row["status"]] = max(oldest.get(row["status"], 0), age)
    return [
        {
            "status": RmaStatus(status).label,
            "code": status,
            "buckets": grid[status],
            "total": sum(grid[status]),
            "oldest": oldest[status],
        }
        for status in OPEN_STATUSES
        if status in grid
    ]


def reasons(
    *, tenant, since: datetime.date | None = None, using: str = DEFAULT_DB_ALIAS
) -> dict[str, list[dict]]:
    """Units returned by reason, per item and per customer (live RMAs raised since `since`)."""
    found = RmaLine.objects.using(using).filter(tenant=tenant).filter(LIVE)
    if since is not None:
        found = found.filter(rma__created_at__date__gte=since)
    by_item = (
        found.values("item__sku", "item__description", "rma__reason")
        .annotate(units=Sum("quantity"), rmas=Count("rma", distinct=True))
        .order_by("-units", "item__sku")
    )
    by_customer = (
        found.values("rma__customer__code", "rma__customer__name", "rma__reason")
        .annotate(units=Sum("quantity"), rmas=Count("rma", distinct=True))
        .order_by("-units", "rma__customer__code")
    )
    return {"items": list(by_item), "customers": list(by_customer)}


def pending_credits(*, tenant) -> QuerySet[Credit]:
    return credits(tenant=tenant).filter(status=CreditStatus.PENDING).order_by("requested_at")


def approved_credits(*, tenant, since: datetime.date | None = None) -> QuerySet[Credit]:
    found = credits(tenant=tenant).filter(status=CreditStatus.APPROVED)
    if since is not None:
        found = found.filter(decided_at__date__gte=since)
    return found.order_by("decided_at", "pk")
