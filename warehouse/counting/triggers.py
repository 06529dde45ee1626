"""Counts a posting asks for: a pick face it left at zero for an item (is it really empty, or
is stock there that the ledger does not know of?), or with the item's availability negative
(more promised from the face than it holds available: reservations on held stock outlast the
stock that could fill them). Read from inventory's balances, after the posting, in its
transaction; the count opens there too, so a rolled-back posting opens nothing.

Warehouse flows call `count_pick_faces` with their posting. Inventory's own postings (an
adjustment, a scanner move) cannot call warehouse code, so `sweep_pick_faces` (every few
minutes) finds the faces they left so: those whose last posting of the item came after the
last count of the bin saw it. A count's own posting is its decision, not a reason to count.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, Max, Q, Sum

from erp.models import Tenant, User
from inventory.models import (
    BinType,
    Location,
    StockBalance,
    StockEntry,
    StockStatus,
    StockTransaction,
    TransactionKind,
)
from warehouse.counting import services
from warehouse.models import Count, CountRound, CountSource, Priority
from warehouse.models.counting import OPEN_COUNT

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
    return _open(tenant, user, reasons)


def _open(tenant: Tenant, user: User | None, reasons: dict[int, str]) -> list[Count]:
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


def sweep_pick_faces(*, tenant: Tenant) -> list[Count]:
    """Open a count of each pick face at zero, or at negative availability, for an item whose
    last posting there (other than a count's) is newer than anything a count of the bin saw:
    the entry id its snapshot was taken at, or a finished round's. A bin with a count open is
    left alone, so a run twice opens nothing more; returns the counts opened."""
    faces = (
        StockBalance.objects.filter(tenant=tenant, location__bin__bin_type=BinType.PICK_FACE)
        .values("location_id", "item_id", "item__sku")
        .annotate(
            total=Sum("on_hand"),
            free=Sum("on_hand", filter=Q(status=StockStatus.AVAILABLE), default=ZERO),
            promised=Sum("reserved"),
        )
        .filter(Q(total=0) | Q(free__lt=F("promised")))
    )
    found = {(row["location_id"], row["item_id"]): row["item__sku"] for row in faces}
    if not found:
        return []
    locations = {location_id for location_id, _item in found}
    busy = set(
        Count.objects.filter(
            tenant=tenant, location_id__in=locations, status__in=OPEN_COUNT
        ).values_list("location_id", flat=True)
    )
    seen = dict(
        Count.objects.filter(tenant=tenant, location_id__in=locations)
        .values("location_id")
        .annotate(seen=Max("snapshot_entry_id"))
        .values_list("location_id", "seen")
    )
    for location_id, entry_id in (
        CountRound.objects.filter(
            tenant=tenant, count__location_id__in=locations, entry_id__isnull=False
        )
        .values("count__location_id")
        .annotate(seen=Max("entry_id"))
        .values_list("count__location_id", "seen")
    ):
        seen[location_id] = max(seen.get(location_id, 0), entry_id)
    postings = (
        StockEntry.objects.filter(tenant=tenant, location_id__in=locations - busy)
        .exclude(transaction__kind=TransactionKind.COUNT)
        .values("location_id", "item_id")
        .annotate(last=Max("id"))
        .values_list("location_id", "item_id", "last")
    )
    last = {(location_id, item_id): entry_id for location_id, item_id, entry_id in postings}
    reasons: dict[int, str] = {}
    for (location_id, item_id), sku in sorted(found.items()):
        if location_id in busy or location_id in reasons:
            continue
        if last.get((location_id, item_id), 0) > seen.get(location_id, 0):
            reason = _reason(tenant, location_id, item_id, sku)
            if reason:
                reasons[location_id] = reason
    return _open(tenant, None, reasons)


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
