"""Counts a posting asks for: a pick face it left at zero for an item (is it really empty, or
is stock there that the ledger does not know of?), or with the item's availability negative
(more promised from the face than it holds available: reservations on held stock outlast the
stock that could fill them). Read from inventory's balances, after the posting, in its
transaction; the count opens there too, so a rolled-back posting opens nothing.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum

from erp.models import Tenant, User
from inventory.models import (
    BinType,
    Location,
    StockBalance,
    StockEntry,
    StockStatus,
    StockTransaction,
)
from warehouse.counting import services
from warehouse.models import Count, CountSource, Priority

ZERO = Decimal(0)


def count_pick_faces(
    *, tenant: Tenant, user: User | None, posting: StockTransaction | None
) -> list[Count]:
    """Open a count of each pick-face bin `posting` took stock from that it left at zero, or
    at negative availability, for an item; returns them. One count per bin: `open_count`
    returns the bin's open count to a second trigger. Lock order: `open_count`'s (the bin's
    advisory lock, then its balances), bins in id order."""
    if posting is None:
        return []
    taken = sorted(
        set(
            StockEntry.objects.filter(
                tenant=tenant,
                transaction=posting,
                quantity__lt=0,
                location__bin__bin_type=BinType.PICK_FACE,
            ).values_list("location_id", "item_id", "item__sku")
        )
    )
    reasons: dict[int, str] = {}
    for location_id, item_id, sku in taken:
        if location_id in reasons:
            continue
        reason = _reason(tenant, location_id, item_id, sku)
        if reason:
            reasons[location_id] = reason
    opened = []
    for location in Location.objects.filter(tenant=tenant, pk__in=reasons).order_by("pk"):
        opened.append(
            services.open_count(
                tenant=tenant, user=user, location=location, reason=reasons[location.pk],
                source=CountSource.PICK_FACE,
                priority=Priority.HIGH if "negative" in reasons[location.pk] else Priority.NORMAL,
            )
        )  # fmt: skip
    return opened


def _reason(tenant: Tenant, location_id: int, item_id: int, sku: str) -> str:
    figures = StockBalance.objects.filter(
        tenant=tenant, location_id=location_id, item_id=item_id
    ).aggregate(
        total=Sum("on_hand"),
        free=Sum("on_hand", filter=Q(status=StockStatus.AVAILABLE)),
        promised=Sum("reserved"),
    )
    on_hand = figures["total"] or ZERO
    available = (figures["free"] or ZERO) - (figures["promised"] or ZERO)
    if on_hand == 0:
        return f"pick face at zero: {sku}"
    if available < 0:
        return f"pick face availability negative: {sku} {available.normalize():f}"
    return ""
