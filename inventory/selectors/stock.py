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
    """Row and item counts and quantity sums (base units) of `balances`, in one query."""
    zero = Decimal(0)
    return balances.aggregate(
        rows=Count("pk"),
        items=Count("item", distinct=True),
        total_on_hand=Sum("on_hand", default=zero),
        total_reserved=Sum("reserved", default=zero),
        total_available=Sum(F("on_hand") - F("reserved"), default=zero),
    )
