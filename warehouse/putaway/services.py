"""Directed putaway: suggest a bin for received goods, create the task, complete it.

Rules are tried in priority order; the first matching rule with room decides. Within its
target (a zone or a bin type at the receiving site) a bin already holding the same item and
lot comes first, then the nearest empty bin (lowest walk sequence) with enough capacity by
units, volume and weight, wherever the item's dimensions and the bin's capacity are known.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp import outbox
from erp.errors import DomainError
from erp.models import Tenant, User
from erp.numbers import plain
from inventory import ledger, units
from inventory.models import (
    Bin,
    BinType,
    Item,
    Location,
    Lot,
    StockBalance,
    StockStatus,
    TransactionKind,
)
from warehouse.models import PutawayRule, PutawayTask, ReceiptLine, TaskState, WorkKind
from warehouse.states import putaway_machine
from warehouse.workqueue import services as work


class PutawayError(DomainError):
    message = _("{detail}")

    def __init__(self, detail: str, **facts):
        super().__init__(detail=detail, **facts)


@dataclass
class Suggestion:
    location: Location | None
    rule: PutawayRule | None
    note: str


@dataclass
class Load:
    units: Decimal = Decimal(0)
    volume: Decimal = Decimal(0)
    weight: Decimal = Decimal(0)


def _loads(tenant: Tenant, locations: list[int], sizes) -> dict[int, Load]:
    loads: dict[int, Load] = defaultdict(Load)
    rows = (
        StockBalance.objects.filter(
            tenant=tenant, location_id__in=locations, is_real=True, on_hand__gt=0
        )
        .values("location_id", "item_id")
        .annotate(quantity=Sum("on_hand"))
    )
    for row in rows:
        load = loads[row["location_id"]]
        load.units += row["quantity"]
        volume, weight = sizes.get(row["item_id"], (None, None))
        load.volume += row["quantity"] * (volume or 0)
        load.weight += row["quantity"] * (weight or 0)
    return loads


def _fits(
    bin: Bin, load: Load, quantity: Decimal, size: tuple[Decimal | None, Decimal | None]
) -> bool:
    volume, weight = size
    if bin.capacity_units is not None and load.units + quantity > bin.capacity_units:
        return False
    if (
        bin.capacity_volume is not None
        and volume is not None
        and load.volume + quantity * volume > bin.capacity_volume
    ):
        return False
    return not (
        bin.capacity_weight is not None
        and weight is not None
        and load.weight + quantity * weight > bin.capacity_weight
    )


EMPTY_BINS_TRIED = 25  # nearest empty bins looked at per rule; enough to find one with room


def suggest(
    *, tenant: Tenant, item: Item, lot: Lot | None, quantity: Decimal, unit: str, site_id: int
) -> Suggestion:
    """Where `quantity` base units of `item` (received in `unit`) should go at the site.

    The work per call does not grow with the stock already stored: only bins holding this
    item and lot, and the nearest few empty bins, are read.
    """
    rules = [
        r
        for r in PutawayRule.objects.filter(tenant=tenant, is_active=True)
        if r.matches(item=item, unit=unit, site_id=site_id)
    ]
    # Without a matching rule, reserve storage is the sensible default.
    fallback = PutawayRule(
        name="default: reserve bins", target_bin_type=BinType.RESERVE, priority=10**6
    )
    for rule in [*rules, fallback]:
        bins = Bin.objects.filter(tenant=tenant, site_id=site_id, is_active=True)
        bins = (
            bins.filter(zone_id=rule.target_zone_id)
            if rule.target_zone_id
            else bins.filter(bin_type=rule.target_bin_type)
        )
        # Bins holding this item and lot: read from the item's few balances at the site.
        holding_bins = set(
            StockBalance.objects.filter(
                tenant=tenant, site_id=site_id, item=item, lot=lot, is_real=True, on_hand__gt=0,
                location__bin__in=bins,
            ).values_list("location__bin_id", flat=True)
        )  # fmt: skip
        # The nearest empty bins, walking the (zone, walk sequence) index until enough turn up.
        stocked = StockBalance.objects.filter(
            tenant=tenant, location__bin_id=OuterRef("pk"), on_hand__gt=0
        )
        empty_bins = list(
            bins.filter(~Exists(stocked))
            .order_by("walk_sequence", "code")
            .values_list("pk", flat=True)[:EMPTY_BINS_TRIED]
        )
        by_bin = {
            location.bin_id: location
            for location in Location.objects.filter(
                tenant=tenant, bin_id__in=holding_bins | set(empty_bins)
            ).select_related("bin")
        }
        holding = sorted(
            (by_bin[b] for b in holding_bins if b in by_bin),
            key=lambda loc: (loc.bin.walk_sequence, loc.bin.code),
        )
        empty = [by_bin[b] for b in empty_bins if b in by_bin]
        if not holding and not empty:
            continue
        sizes = units.base_unit_sizes(
            tenant=tenant,
            item_ids={item.pk}
            | set(
                StockBalance.objects.filter(
                    tenant=tenant, location__in=holding, on_hand__gt=0
                ).values_list("item_id", flat=True)
            ),
        )
        loads = _loads(tenant, [loc.pk for loc in holding], sizes)
        size = sizes.get(item.pk, (None, None))
        for location in holding + empty:
            if _fits(location.bin, loads[location.pk], quantity, size):
                why = (
                    "already holds this item and lot"
                    if location in holding
                    else "nearest empty bin with room"
                )
                return Suggestion(location, rule if rule.pk else None, f"{rule.name}: {why}")
    return Suggestion(
        None, None, "No bin in the rules' targets has room; choose a bin and say why."
    )


def create_for_receipt(*, tenant: Tenant, receipt: ReceiptLine, quantity: Decimal) -> PutawayTask:
    site_id = receipt.location.site_id
    suggestion = suggest(
        tenant=tenant,
        item=receipt.item,
        lot=receipt.lot,
        quantity=quantity,
        unit=receipt.unit,
        site_id=site_id,
    )
    task = PutawayTask.objects.create(
        tenant=tenant, receipt_line=receipt, item=receipt.item, lot=receipt.lot, serial=receipt.serial,
        quantity=quantity, from_location=receipt.location, suggested_location=suggestion.location,
        rule=suggestion.rule, suggestion_note=suggestion.note[:200],
    )  # fmt: skip
    queue(tenant=tenant, task=task)
    return task


def create_for_stock(
    *, tenant: Tenant, item: Item, lot: Lot | None, serial, quantity: Decimal, location: Location
) -> PutawayTask:
    """A putaway task for available stock already posted into `location` by another flow (a
    returned unit restocked), with the bin the rules suggest, queued for the floor."""
    suggestion = suggest(
        tenant=tenant, item=item, lot=lot, quantity=quantity, unit=item.base_unit,
        site_id=location.site_id,
    )  # fmt: skip
    task = PutawayTask.objects.create(
        tenant=tenant, item=item, lot=lot, serial=serial, quantity=quantity,
        from_location=location, suggested_location=suggestion.location, rule=suggestion.rule,
        suggestion_note=suggestion.note[:200],
    )  # fmt: skip
    queue(tenant=tenant, task=task)
    return task


def queue(*, tenant: Tenant, task: PutawayTask) -> None:
    """Hand the task to the floor's queue, in the zone it is headed for when one is known."""
    target = task.suggested_location
    work.add(
        tenant=tenant, kind=WorkKind.PUTAWAY, reference=task.pk, site=task.from_location.site,
        zone=target.bin.zone if target is not None and target.bin_id else None,
        summary=f"{plain(task.quantity)} {task.item.base_unit} {task.item.sku} from {task.from_location.code}",
    )  # fmt: skip


@transaction.atomic
def complete(
    *, tenant: Tenant, user: User, task: PutawayTask, location: Location, override_reason: str = ""
) -> PutawayTask:
    """Move the task's goods from the dock to `location`. A bin other than the suggested one
    needs a reason, which is kept. A repeat (double scan) returns the finished task."""
    putaway_machine.authorize(tenant=tenant, user=user, action="complete")
    task = (
        PutawayTask.objects.select_for_update(of=("self",))
        .select_related("item", "lot", "serial", "from_location", "suggested_location")
        .get(tenant=tenant, pk=task.pk)
    )
    if task.state == TaskState.DONE and task.to_location_id == location.pk:
        return task
    putaway_machine.check(task, "complete", tenant=tenant, user=user)
    if not location.is_real or location.site_id != task.from_location.site_id:
        raise PutawayError(f"{location.code} is not a bin at this site.")
    if location.pk == task.from_location_id:
        raise PutawayError("Scan the bin the goods go to, not the dock.")
    if (
        task.suggested_location_id
        and location.pk != task.suggested_location_id
        and not override_reason.strip()
    ):
        raise PutawayError(
            f"{location.code} is not the suggested bin {task.suggested_location.code}; say why you chose it."
        )
    task.transaction = ledger.post(
        tenant=tenant, user=user, kind=TransactionKind.PUTAWAY,
        moves=[ledger.Move(item=task.item, quantity=task.quantity, source=task.from_location, destination=location, lot=task.lot, serial=task.serial, source_status=StockStatus.AVAILABLE)],
        reference=f"putaway #{task.pk}", idempotency_key=f"putaway:{task.pk}",
    )  # fmt: skip
    putaway_machine.move(task, "complete", tenant=tenant, user=user, reason=override_reason)
    work.finish(tenant=tenant, user=user, kind=WorkKind.PUTAWAY, reference=task.pk)
    task.to_location, task.completed_by, task.completed_at = location, user, timezone.now()
    # The goods are pickable now: let waiting backorders of the item have them.
    from orders.tasks import allocate_task

    outbox.enqueue(allocate_task, tenant.pk, [task.item_id])
    task.override_reason = (
        override_reason.strip()[:200] if location.pk != task.suggested_location_id else ""
    )
    task.save()
    return task
