"""Demo sites, zones and a few hundred bins per tenant. Idempotent."""

from __future__ import annotations

from simple_history.utils import bulk_create_with_history

from erp.models import Membership, Tenant
from inventory.ledger import ensure_bin_locations
from inventory.models import Bin, BinType, DefaultSite, Site, Zone, ZoneType

SITES = {
    "northwind": [
        (
            "CHI",
            "Chicago DC",
            "1200 W Fulton Market",
            "Chicago",
            "IL",
            "60607",
            "US",
            "America/Chicago",
        ),
        (
            "ATL",
            "Atlanta DC",
            "400 Northside Dr NW",
            "Atlanta",
            "GA",
            "30318",
            "US",
            "America/New_York",
        ),
    ],
    "harbor": [
        (
            "SEA",
            "Seattle Harbor Warehouse",
            "3200 Alaskan Way",
            "Seattle",
            "WA",
            "98121",
            "US",
            "America/Los_Angeles",
        ),
        (
            "POR",
            "Portland Branch",
            "2100 NW Front Ave",
            "Portland",
            "OR",
            "97209",
            "US",
            "America/Los_Angeles",
        ),
    ],
}
ZONES = [
    ("RCV", "Receiving dock", ZoneType.RECEIVING),
    ("STO", "Bulk storage", ZoneType.STORAGE),
    ("PCK", "Pick faces", ZoneType.PICK),
    ("PAK", "Packing", ZoneType.PACKING),
    ("SHP", "Shipping lanes", ZoneType.SHIPPING),
    ("RET", "Returns", ZoneType.RETURNS),
    ("QUA", "Quarantine", ZoneType.QUARANTINE),
]


def _bin_plan() -> list[tuple[str, str, BinType, int | None]]:
    """(zone, code, type, capacity units) in walk order: ~150 bins a site."""
    plan = [("RCV", f"DOCK-{n:02}", BinType.DOCK, None) for n in range(1, 5)]
    plan += [
        ("PCK", f"P-{aisle:02}-{bay:02}", BinType.PICK_FACE, 200)
        for aisle in range(1, 5)
        for bay in range(1, 16)
    ]
    plan += [
        ("STO", f"R-{aisle:02}-{bay:02}-{level}", BinType.RESERVE, 2000)
        for aisle in range(1, 5)
        for bay in range(1, 6)
        for level in "ABCD"
    ]
    plan += [("PAK", f"PACK-{n:02}", BinType.STAGING, None) for n in range(1, 5)]
    plan += [("SHP", f"LANE-{n:02}", BinType.STAGING, None) for n in range(1, 5)]
    plan += [("RET", f"RET-{n:02}", BinType.QC, None) for n in range(1, 3)]
    plan += [("QUA", f"QC-{n:02}", BinType.QC, None) for n in range(1, 3)]
    return plan


def load(tenant: Tenant) -> None:
    """Call inside the tenant's context."""
    for code, name, street, city, region, postal, country, tz in SITES.get(tenant.slug, []):
        site, _ = Site.objects.get_or_create(
            tenant=tenant,
            code=code,
            defaults={
                "name": name, "address_line1": street, "city": city, "region": region,
                "postal_code": postal, "country": country, "time_zone": tz,
            },
        )  # fmt: skip
        zones = {}
        for zone_code, zone_name, zone_type in ZONES:
            zones[zone_code], _ = Zone.objects.get_or_create(
                tenant=tenant,
                site=site,
                code=zone_code,
                defaults={"name": zone_name, "zone_type": zone_type},
            )
        existing = set(Bin.objects.filter(tenant=tenant, site=site).values_list("code", flat=True))
        new = [
            Bin(tenant=tenant, site=site, zone=zones[zone_code], code=code, bin_type=bin_type,
                walk_sequence=walk * 10, capacity_units=units)
            for walk, (zone_code, code, bin_type, units) in enumerate(_bin_plan(), start=1)
            if code not in existing
        ]  # fmt: skip
        if new:
            bulk_create_with_history(new, Bin, batch_size=1000)
    ensure_bin_locations(tenant=tenant)
    _default_sites(tenant)


def _default_sites(tenant: Tenant) -> None:
    """Every demo member starts at the tenant's main site (the first listed): both sites use
    the same bin codes, and the current site is what tells them apart."""
    planned = SITES.get(tenant.slug)
    main = Site.objects.filter(tenant=tenant, code=planned[0][0]).first() if planned else None
    if main is None:
        return
    have = set(DefaultSite.objects.filter(tenant=tenant).values_list("membership_id", flat=True))
    for membership in Membership.objects.filter(tenant=tenant, is_active=True):
        if membership.pk not in have:
            DefaultSite.objects.create(tenant=tenant, membership=membership, site=main)
