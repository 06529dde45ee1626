"""Reading counts: the reconciliation a supervisor decides on, and what the queue shows.

Expected quantity of an item (lot, serial) in a counted bin = the snapshot taken when the
count was opened + every ledger entry at the bin after the snapshot's last entry id and up to
the last entry id when the round was finished. Stock picked or put away while the operator
was counting therefore does not show up as a variance.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, QuerySet, Sum

from erp.models import Tenant
from erp.selectors import tenant_settings
from inventory.models import Item, Location, Lot, SerialNumber, StockEntry
from inventory.services.adjustments import unit_cost
from warehouse.models import Count, CountRound, CountSettings

# item id, lot id, serial id, then the lot code and serial text of one not yet on file
Key = tuple[int, int | None, int | None, str, str]


def settings_for(tenant: Tenant) -> CountSettings:
    return tenant_settings(CountSettings, tenant=tenant)


def counts(*, tenant: Tenant) -> QuerySet[Count]:
    return Count.objects.filter(tenant=tenant).select_related("site", "zone", "location")


def rounds(*, tenant: Tenant) -> QuerySet[CountRound]:
    return CountRound.objects.filter(tenant=tenant).select_related(
        "count__location", "count__site", "counter"
    )


def last_entry_id(*, tenant: Tenant, location: Location) -> int:
    found = StockEntry.objects.filter(tenant=tenant, location=location).aggregate(last=Max("id"))
    return found["last"] or 0


def lot_on_file(*, tenant: Tenant, item: Item, code: str) -> bool:
    return Lot.objects.filter(tenant=tenant, item=item, code=code.strip()[:20]).exists()


def last_round(count: Count) -> CountRound | None:
    return count.rounds.filter(finished_at__isnull=False).order_by("-number").first()


@dataclass
class Line:
    item: Item
    lot: Lot | None
    serial: SerialNumber | None
    snapshot: Decimal
    moved: Decimal  # ledger movements in (+) and out (-) of the bin during the count
    counted: Decimal
    unit_cost: Decimal
    beyond: bool = False
    lot_code: str = ""  # found in the count, registered when it is approved
    serial_code: str = ""

    @property
    def expected(self) -> Decimal:
        return self.snapshot + self.moved

    @property
    def variance(self) -> Decimal:
        return self.counted - self.expected

    @property
    def value_variance(self) -> Decimal:
        return (self.variance * self.unit_cost).quantize(Decimal("0.01"))

    @property
    def key(self) -> Key:
        return (
            self.item.pk,
            self.lot.pk if self.lot else None,
            self.serial.pk if self.serial else None,
            self.lot_code,
            self.serial_code,
        )


def reconciliation(*, tenant: Tenant, count: Count, round: CountRound) -> list[Line]:
    """Per item, lot and serial of the snapshot or counted in `round` (finished): snapshot,
    movements during the count, counted, and whether the variance is beyond tolerance."""
    snapshot: dict[Key, Decimal] = defaultdict(Decimal)
    for item_id, lot_id, serial_id, quantity in count.snapshot.values_list(
        "item_id", "lot_id", "serial_id", "quantity"
    ):
        snapshot[(item_id, lot_id, serial_id, "", "")] += quantity
    moved: dict[Key, Decimal] = defaultdict(Decimal)
    entries = StockEntry.objects.filter(
        tenant=tenant, location=count.location, id__gt=count.snapshot_entry_id,
        id__lte=round.entry_id or 0,
    ).values("item_id", "lot_id", "serial_id").annotate(total=Sum("quantity"))  # fmt: skip
    for row in entries:
        moved[(row["item_id"], row["lot_id"], row["serial_id"], "", "")] += row["total"]
    counted: dict[Key, Decimal] = {
        (item_id, lot_id, serial_id, lot_code, serial_code): quantity
        for item_id, lot_id, serial_id, lot_code, serial_code, quantity in round.lines.values_list(
            "item_id", "lot_id", "serial_id", "lot_code", "serial_code", "quantity"
        )
    }
    keys = set(snapshot) | set(moved) | set(counted)
    items = Item.objects.in_bulk({k[0] for k in keys})
    lots = Lot.objects.in_bulk({k[1] for k in keys if k[1]})
    serials = SerialNumber.objects.in_bulk({k[2] for k in keys if k[2]})
    limits = settings_for(tenant)
    costs: dict[int, Decimal] = {}
    lines = []
    for key in keys:
        item = items[key[0]]
        if item.pk not in costs:
            costs[item.pk] = unit_cost(tenant, item, count.site_id)
        line = Line(
            item=item, lot=lots.get(key[1]), serial=serials.get(key[2]), snapshot=snapshot[key],
            moved=moved[key], counted=counted.get(key, Decimal(0)), unit_cost=costs[item.pk],
            lot_code=key[3], serial_code=key[4],
        )  # fmt: skip
        if line.expected == 0 and line.counted == 0:
            continue
        line.beyond = (
            abs(line.variance) > limits.quantity_tolerance
            or abs(line.variance * line.unit_cost) > limits.value_tolerance
        )
        lines.append(line)
    return sorted(
        lines,
        key=lambda x: (
            x.item.sku,
            x.lot.code if x.lot else x.lot_code,
            x.serial.serial if x.serial else x.serial_code,
        ),
    )
