"""Stock on hand: what the balances hold in real locations, for the stock page and reports."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, QuerySet, Sum

from inventory.models import StockBalance


def stock_on_hand(*, tenant) -> QuerySet[StockBalance]:
    """Balances in bins that hold or promise stock, with `available` = on hand - reserved.

    Rows carry their item, site, bin (with zone), lot and serial, so a page lists them without
    further queries.
    """
    return (
        StockBalance.objects.filter(tenant=tenant, is_real=True)
        .exclude(on_hand=0, reserved=0)
        .select_related("item", "site", "location__bin__zone", "lot", "serial")
        .annotate(available=F("on_hand") - F("reserved"))
    )


def stock_totals(balances: QuerySet[StockBalance]) -> dict:
    """Row count and quantity sums (base units) of `balances`, in one pass over them.

    No count of distinct items: on a tenant with 10^7 entries (300,000 balances shown) it
    doubled the statement, the slowest part of the stock page."""
    zero = Decimal(0)
    totals = balances.order_by().aggregate(
        rows=Count("pk"),
        total_on_hand=Sum("on_hand", default=zero),
        total_reserved=Sum("reserved", default=zero),
    )
    totals["total_available"] = totals["total_on_hand"] - totals["total_reserved"]
    return totals
