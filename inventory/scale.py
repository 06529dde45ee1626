"""Master data for a scale tenant (`seed_scale`): sites, zones, bins, items, units and lots.

Idempotent: rows are found by code and only the missing ones are created, so a rerun after
an interruption finishes the job and a rerun at the same size adds nothing. Bins and items
are sized from the item count: a DC with N items has about N/2 pick faces and N/4 reserve
bins per site (two items share a pick face, four a reserve bin).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from erp.models import Membership, Tenant
from inventory.ledger import ensure_bin_locations, virtual_location
from inventory.models import (
    Bin,
    BinType,
    CostingMethod,
    DefaultSite,
    Item,
    ItemUnit,
    LocationKind,
    Lot,
    Site,
    Tracking,
    Velocity,
    Zone,
    ZoneType,
)

BATCH = 2000
CASE = "case"
PALLET = "pallet"
CASE_SIZES = (6, 12, 24, 48)
CASES_PER_PALLET = 40
DOCKS = 8
LOTS_PER_YEAR = 4
CATEGORIES = ("Beverages", "Dry goods", "Frozen", "Household", "Paper", "Snacks", "Health")
CITIES = (
    ("Chicago", "IL", "America/Chicago"),
    ("Atlanta", "GA", "America/New_York"),
    ("Dallas", "TX", "America/Chicago"),
    ("Denver", "CO", "America/Denver"),
    ("Reno", "NV", "America/Los_Angeles"),
    ("Newark", "NJ", "America/New_York"),
)
ZONES = (
    ("RCV", "Receiving dock", ZoneType.RECEIVING),
    ("STO", "Reserve storage", ZoneType.STORAGE),
    ("PCK", "Pick faces", ZoneType.PICK),
    ("SHP", "Shipping lanes", ZoneType.SHIPPING),
)


def pick_face_count(items: int) -> int:
    return max(4, (items + 1) // 2)


def reserve_count(items: int) -> int:
    return max(4, (items + 3) // 4)


def sku(number: int) -> str:
    return f"SC{number:06d}"


def site_code(number: int) -> str:
    return f"DC{number}"


def lot_code(item_number: int, lot_number: int) -> str:
    return f"L{item_number:06d}-{lot_number:03d}"


def is_lot_tracked(number: int) -> bool:
    return number % 5 == 0


def lot_count(years: int) -> int:
    return max(1, years * LOTS_PER_YEAR)


def _bin_plan(items: int) -> list[tuple[str, str, str, int | None]]:
    """(zone, code, type, capacity units) in walk order."""
    plan = [("RCV", f"DOCK-{n:02d}", BinType.DOCK, None) for n in range(1, DOCKS + 1)]
    plan += [
        ("PCK", f"P-{n // 40 + 1:03d}-{n % 40 + 1:02d}", BinType.PICK_FACE, 500)
        for n in range(pick_face_count(items))
    ]
    plan += [
        ("STO", f"R-{n // 80 + 1:03d}-{n // 4 % 20 + 1:02d}-{'ABCD'[n % 4]}", BinType.RESERVE, 5000)
        for n in range(reserve_count(items))
    ]
    plan += [("SHP", f"LANE-{n:02d}", BinType.STAGING, None) for n in range(1, 5)]
    return plan


def _sites(tenant: Tenant, count: int, items: int) -> list[Site]:
    sites = []
    for number in range(1, count + 1):
        city, region, tz = CITIES[(number - 1) % len(CITIES)]
        site, _ = Site.objects.get_or_create(
            tenant=tenant,
            code=site_code(number),
            defaults={"name": f"{city} DC", "city": city, "region": region, "country": "US",
                      "time_zone": tz},
        )  # fmt: skip
        zones = {}
        for code, name, zone_type in ZONES:
            zones[code], _ = Zone.objects.get_or_create(
                tenant=tenant, site=site, code=code, defaults={"name": name, "zone_type": zone_type}
            )
        existing = set(Bin.objects.filter(tenant=tenant, site=site).values_list("code", flat=True))
        new = [
            Bin(tenant=tenant, site=site, zone=zones[zone], code=code, bin_type=bin_type,
                walk_sequence=walk * 10, capacity_units=units)
            for walk, (zone, code, bin_type, units) in enumerate(_bin_plan(items), start=1)
            if code not in existing
        ]  # fmt: skip
        if new:
            bulk_create_with_history(new, Bin, batch_size=BATCH)
        sites.append(site)
    ensure_bin_locations(tenant=tenant)
    for kind in (LocationKind.SUPPLIER, LocationKind.CUSTOMER, LocationKind.ADJUSTMENT,
                 LocationKind.SCRAP, LocationKind.IN_TRANSIT):  # fmt: skip
        virtual_location(tenant=tenant, kind=kind)
    return sites


def _item(tenant: Tenant, number: int, rng: random.Random) -> Item:
    lot = is_lot_tracked(number)
    return Item(
        tenant=tenant,
        sku=sku(number),
        description=f"{rng.choice(CATEGORIES)} item {number}",
        category=CATEGORIES[number % len(CATEGORIES)],
        tracking=Tracking.LOT if lot else Tracking.NONE,
        # Half the lot items carry a shelf life and their lots an expiry date.
        shelf_life_days=730 if lot and number % 10 == 0 else None,
        expiry_required=lot and number % 10 == 0,
        abc_class="A" if number % 10 < 2 else "B" if number % 10 < 5 else "C",
        velocity_class=(Velocity.FAST, Velocity.MEDIUM, Velocity.SLOW)[number % 3],
        costing_method=CostingMethod.AVERAGE if number % 10 in (3, 7, 9) else CostingMethod.FIFO,
        standard_cost=Decimal(rng.randrange(50, 20000)) / 100,
    )


def _items(tenant: Tenant, count: int, seed: int) -> None:
    existing = set(Item.objects.filter(tenant=tenant).values_list("sku", flat=True))
    rng = random.Random(seed)
    now = timezone.now()
    for start in range(1, count + 1, BATCH):
        numbers = [n for n in range(start, min(start + BATCH, count + 1)) if sku(n) not in existing]
        if not numbers:
            continue
        items = bulk_create_with_history(
            [_item(tenant, n, rng) for n in numbers], Item, batch_size=BATCH, default_date=now
        )
        units = []
        for number, item in zip(numbers, items, strict=True):
            case = CASE_SIZES[number % len(CASE_SIZES)]
            units += [
                ItemUnit(tenant=tenant, item=item, code=item.base_unit, factor=Decimal(1)),
                ItemUnit(tenant=tenant, item=item, code=CASE, factor=Decimal(case)),
                ItemUnit(
                    tenant=tenant, item=item, code=PALLET, factor=Decimal(case * CASES_PER_PALLET)
                ),
            ]
        bulk_create_with_history(units, ItemUnit, batch_size=BATCH, default_date=now)


def _lots(tenant: Tenant, years: int) -> None:
    """A lot per quarter of history for each lot-tracked item; expiry dates lie ahead of
    today (a receipt may not make expired stock available), in lot order."""
    today = timezone.localdate()
    have = set(Lot.objects.filter(tenant=tenant).values_list("item_id", "code"))
    per_item = lot_count(years)
    new = []
    for item_id, item_sku, expiry_required in Item.objects.filter(
        tenant=tenant, tracking=Tracking.LOT, sku__startswith="SC"
    ).values_list("pk", "sku", "expiry_required"):
        number = int(item_sku[2:])
        for lot_number in range(per_item):
            code = lot_code(number, lot_number)
            if (item_id, code) in have:
                continue
            expiry = today + datetime.timedelta(days=400 + 30 * lot_number)
            new.append(Lot(tenant=tenant, item_id=item_id, code=code,
                           expiry_date=expiry if expiry_required else None))  # fmt: skip
    Lot.objects.bulk_create(new, batch_size=BATCH)


def _default_sites(tenant: Tenant, site: Site) -> None:
    have = set(DefaultSite.objects.filter(tenant=tenant).values_list("membership_id", flat=True))
    DefaultSite.objects.bulk_create(
        [
            DefaultSite(tenant=tenant, membership=membership, site=site)
            for membership in Membership.objects.filter(tenant=tenant, is_active=True)
            if membership.pk not in have
        ]
    )


def seed_scale(*, tenant: Tenant, items: int, sites: int, years: int, seed: int) -> None:
    """Create what is missing of the tenant's sites, bins, items, units and lots. Call inside
    the tenant's context."""
    made = _sites(tenant, sites, items)
    _items(tenant, items, seed)
    _lots(tenant, years)
    _default_sites(tenant, made[0])
