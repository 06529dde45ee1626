"""What a scale run posts against: the tenant's master data, loaded once, and the stock on
hand in its bins, kept in memory so that outflows only take what is there."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from erp.models import Tenant, User
from inventory.models import (
    BinType,
    Item,
    Location,
    LocationKind,
    Lot,
    Site,
    StockBalance,
    StockStatus,
)
from inventory.scale import CASE

DOCK, RESERVE, PICK = "dock", "reserve", "pick"
ROLES = {BinType.DOCK: DOCK, BinType.RESERVE: RESERVE, BinType.PICK_FACE: PICK}

Key = tuple[int, int, int]  # location id, item id, lot id (0: none)


class Pool:
    """A set of keys with O(1) add, remove and random pick (a list plus each key's index)."""

    def __init__(self) -> None:
        self._keys: list[Key] = []
        self._index: dict[Key, int] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, key: Key) -> None:
        if key not in self._index:
            self._index[key] = len(self._keys)
            self._keys.append(key)

    def discard(self, key: Key) -> None:
        index = self._index.pop(key, None)
        if index is None:
            return
        last = self._keys.pop()
        if index < len(self._keys):
            self._keys[index] = last
            self._index[last] = index

    def sample(self, rng: random.Random, count: int) -> list[Key]:
        if count >= len(self._keys):
            return list(self._keys)
        return rng.sample(self._keys, count)


@dataclass
class Stock:
    """On hand (available, base units) per bin key, and per (site, bin role) the keys > 0."""

    role_of: dict[int, tuple[int, str]]  # location id -> (site index, role)
    on_hand: dict[Key, int] = field(default_factory=dict)
    pools: dict[tuple[int, str], Pool] = field(default_factory=dict)

    def pool(self, site: int, role: str) -> Pool:
        return self.pools.setdefault((site, role), Pool())

    def add(self, key: Key, quantity: int) -> None:
        self.on_hand[key] = self.on_hand.get(key, 0) + quantity
        self.pool(*self.role_of[key[0]]).add(key)

    def take(self, key: Key, quantity: int) -> None:
        left = self.on_hand[key] - quantity
        if left < 0:
            raise AssertionError(f"seed would take {quantity} from {key} holding {left + quantity}")
        if left:
            self.on_hand[key] = left
        else:
            del self.on_hand[key]
            self.pool(*self.role_of[key[0]]).discard(key)


@dataclass
class World:
    tenant: Tenant
    operator: User
    planner: User
    items: list[Item]  # by SKU
    sites: list[Site]
    bins: dict[tuple[int, str], list[Location]]  # (site index, role) -> locations in code order
    virtual: dict[str, Location]
    locations: dict[int, Location]
    lots: dict[int, list[Lot]]  # item id -> lots in code order
    case_factor: dict[int, int]
    item_index: dict[int, int]
    suppliers: list[int]
    customers: list[int]
    stock: Stock

    def home(self, site: int, role: str, item: int, spread: int = 0) -> Location:
        """The item's bin of `role` at `site`; `spread` picks another one nearby."""
        bins = self.bins[(site, role)]
        return bins[(item + spread * 7) % len(bins)]


def load(
    *,
    tenant: Tenant,
    users: dict[str, User],
    suppliers: list[int],
    customers: list[int],
    worker: int = 0,
    workers: int = 1,
) -> World:
    """Read the master data and the available stock in the bins of the worker's items (index
    % workers == worker). Call inside the tenant's context."""
    from inventory.models import ItemUnit

    items = list(Item.objects.filter(tenant=tenant, sku__startswith="SC").order_by("sku"))
    sites = list(Site.objects.filter(tenant=tenant, code__startswith="DC").order_by("code"))
    site_index = {site.pk: n for n, site in enumerate(sites)}
    bins: dict[tuple[int, str], list[Location]] = {}
    locations = {}
    role_of = {}
    for location in (
        Location.objects.filter(tenant=tenant, kind=LocationKind.BIN, site__in=sites)
        .select_related("bin")
        .order_by("code")
    ):
        role = ROLES.get(location.bin.bin_type)
        if role is None:
            continue
        index = site_index[location.site_id]
        bins.setdefault((index, role), []).append(location)
        locations[location.pk] = location
        role_of[location.pk] = (index, role)
    virtual = {
        location.kind: location
        for location in Location.objects.filter(tenant=tenant).exclude(kind=LocationKind.BIN)
    }
    lots: dict[int, list[Lot]] = {}
    for lot in Lot.objects.filter(tenant=tenant).order_by("item_id", "code"):
        lots.setdefault(lot.item_id, []).append(lot)
    case_factor = {
        item_id: int(factor)
        for item_id, factor in ItemUnit.objects.filter(tenant=tenant, code=CASE).values_list(
            "item_id", "factor"
        )
    }
    item_index = {item.pk: n for n, item in enumerate(items)}
    stock = Stock(role_of)
    # Every real balance, filtered here: `location_id IN (tens of thousands)` plans badly.
    for location_id, item_id, lot_id, on_hand in StockBalance.objects.filter(
        tenant=tenant, is_real=True, status=StockStatus.AVAILABLE, on_hand__gt=0
    ).values_list("location_id", "item_id", "lot_id", "on_hand"):
        index = item_index.get(item_id)
        if location_id in role_of and index is not None and index % workers == worker:
            stock.add((location_id, item_id, lot_id or 0), int(on_hand))
    return World(
        tenant=tenant,
        operator=users["operator"],
        planner=users["planner"],
        items=items,
        sites=sites,
        bins=bins,
        virtual=virtual,
        locations=locations,
        lots=lots,
        case_factor=case_factor,
        item_index=item_index,
        suppliers=suppliers,
        customers=customers,
        stock=stock,
    )


def price(item: Item) -> Decimal:
    return (item.standard_cost * Decimal("1.4")).quantize(Decimal("0.01"))
