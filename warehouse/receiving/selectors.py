"""Reads of receiving: the orders the dock takes, their receipts and discrepancies, the dock
bins, and the stock on QC hold."""

from __future__ import annotations

from django.db.models import (
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from inventory.models import Location, StockBalance, StockStatus
from purchasing import states as purchase_states
from purchasing.models import PurchaseOrder, PurchaseOrderLine
from warehouse.models import Discrepancy, DiscrepancyState, ReceiptLine

# Purchasing's table decides which orders take goods; the dock lists exactly those.
RECEIVING_STATUSES = sorted(purchase_states.RECEIVABLE)


def receivable_orders(*, tenant) -> QuerySet[PurchaseOrder]:
    """The orders the dock takes (purchasing's receivable statuses)."""
    return PurchaseOrder.objects.filter(
        tenant=tenant, status__in=RECEIVING_STATUSES
    ).select_related("supplier", "site")


def inbound_orders(*, tenant) -> QuerySet[PurchaseOrder]:
    """`receivable_orders` with each one's base quantity `ordered` and `received` and its
    `open_discrepancies`. Per-order subqueries, computed only for the rows a page shows: one
    join of lines and discrepancies grouped per order summed each line once per discrepancy."""
    quantity = DecimalField(max_digits=18, decimal_places=4)
    lines = PurchaseOrderLine.objects.filter(order=OuterRef("pk")).order_by().values("order")
    open_ones = (
        Discrepancy.objects.filter(order=OuterRef("pk"), state=DiscrepancyState.OPEN)
        .order_by()
        .values("order")
    )
    return receivable_orders(tenant=tenant).annotate(
        ordered=Coalesce(
            Subquery(lines.annotate(q=Sum("quantity_base")).values("q"), output_field=quantity),
            Value(0, output_field=quantity),
        ),
        received=Coalesce(
            Subquery(lines.annotate(q=Sum("received_base")).values("q"), output_field=quantity),
            Value(0, output_field=quantity),
        ),
        open_discrepancies=Coalesce(
            Subquery(open_ones.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
            0,
        ),
    )


def find_order(*, tenant, text: str) -> PurchaseOrder | None:
    """An order to receive by its number or the supplier's reference (ASN)."""
    text = text.strip()
    if not text:
        return None
    orders = receivable_orders(tenant=tenant)
    return (
        orders.filter(number__iexact=text).first()
        or orders.filter(supplier_reference__iexact=text).first()
    )


def order_lines(*, tenant, order: PurchaseOrder) -> QuerySet[PurchaseOrderLine]:
    return (
        PurchaseOrderLine.objects.filter(tenant=tenant, order=order)
        .select_related("item")
        .order_by("line_no")
    )


def receipt_lines(*, tenant, order: PurchaseOrder | None = None) -> QuerySet[ReceiptLine]:
    queryset = ReceiptLine.objects.filter(tenant=tenant).select_related(
        "item", "lot", "serial", "location", "received_by", "order_line", "order"
    )
    return queryset.filter(order=order) if order is not None else queryset


def discrepancies(*, tenant) -> QuerySet[Discrepancy]:
    return Discrepancy.objects.filter(tenant=tenant).select_related(
        "order", "order_line", "item", "lot", "created_by", "resolved_by", "receipt_line__location"
    )


def dock_locations(*, tenant, site_id: int) -> QuerySet[Location]:
    """Where a site's receipts land: dock bins first, then receiving-zone bins."""
    return (
        Location.objects.filter(tenant=tenant, kind="bin", site_id=site_id, bin__is_active=True)
        .filter(Q(bin__bin_type="dock") | Q(bin__zone__zone_type="receiving"))
        .select_related("bin")
        .order_by("bin__walk_sequence", "bin__code")
    )


def qc_balances(*, tenant) -> QuerySet[StockBalance]:
    """Every QC-hold balance row, empty ones included (an inspection may race another)."""
    return StockBalance.objects.filter(
        tenant=tenant, is_real=True, status=StockStatus.QC_HOLD
    ).select_related("item", "lot", "serial", "location")


def qc_stock(*, tenant) -> QuerySet[StockBalance]:
    return (
        StockBalance.objects.filter(
            tenant=tenant, is_real=True, status=StockStatus.QC_HOLD, on_hand__gt=0
        )
        .select_related("item", "lot", "serial", "location", "site")
        .annotate(free=F("on_hand") - F("reserved"))
        .order_by("site__code", "location__code", "item__sku")
    )
