"""Demo items of each tracking kind, lots with expiries, stock in bins at both sites, a few
projections for ATP, and adjustments awaiting approval. Idempotent: receipts carry
idempotency keys and everything else is looked up before it is made."""

from __future__ import annotations

import datetime
from decimal import Decimal

from biip.checksums import gs1_standard_check_digit
from django.utils import timezone

from erp.models import Membership, Tenant
from erp.roles import Role
from inventory import ledger
from inventory.ledger import projections
from inventory.models import (
    Adjustment,
    AdjustmentState,
    Bin,
    Item,
    ItemUnit,
    LocationKind,
    Lot,
    Projection,
    ProjectionKind,
    SerialNumber,
    Site,
)
from inventory.services import adjustments

# sku, description, category, tracking, costing, base unit, divisible, shelf life, cost, case factor
CATALOGUES = {
    "northwind": [
        (
            "NW-COF-1KG",
            "Arabica coffee beans 1 kg",
            "coffee",
            "lot",
            "fifo",
            "each",
            False,
            365,
            "9.80",
            12,
        ),
        (
            "NW-TEA-100",
            "Earl Grey tea, 100 bags",
            "tea",
            "lot",
            "fifo",
            "each",
            False,
            540,
            "3.20",
            24,
        ),
        ("NW-MILK-1L", "Oat milk 1 l", "dairy-free", "lot", "fifo", "each", False, 120, "1.15", 12),
        (
            "NW-CUP-12",
            "Paper cups 12 oz, sleeve of 50",
            "packaging",
            "none",
            "average",
            "each",
            False,
            None,
            "2.40",
            20,
        ),
        (
            "NW-SUGAR-KG",
            "Cane sugar, bulk",
            "baking",
            "none",
            "average",
            "kg",
            True,
            None,
            "0.95",
            25,
        ),
        (
            "NW-GRINDER",
            "Commercial coffee grinder",
            "equipment",
            "serial",
            "fifo",
            "each",
            False,
            None,
            "410.00",
            None,
        ),
    ],
    "harbor": [
        (
            "HB-ROPE-M",
            "Mooring rope 16 mm, per metre",
            "rope",
            "none",
            "average",
            "m",
            True,
            None,
            "1.60",
            100,
        ),
        (
            "HB-SHACKLE",
            "Galvanised shackle 10 mm",
            "hardware",
            "none",
            "fifo",
            "each",
            False,
            None,
            "2.10",
            50,
        ),
        (
            "HB-PAINT-5L",
            "Antifouling paint 5 l",
            "paint",
            "lot",
            "fifo",
            "each",
            False,
            730,
            "64.00",
            4,
        ),
        (
            "HB-FLARE",
            "Hand flare (marine)",
            "safety",
            "lot",
            "fifo",
            "each",
            False,
            1095,
            "18.50",
            10,
        ),
        (
            "HB-PUMP",
            "Bilge pump 12 V",
            "pumps",
            "serial",
            "fifo",
            "each",
            False,
            None,
            "129.00",
            None,
        ),
        (
            "HB-GLOVES",
            "Work gloves, pair",
            "safety",
            "none",
            "average",
            "each",
            False,
            None,
            "3.75",
            12,
        ),
    ],
}
COMPANY_PREFIX = {"northwind": "9501101", "harbor": "9501102"}


def _gtin(tenant: Tenant, index: int, level: int) -> str:
    """A valid GTIN-13 for the demo: 7-digit company prefix, packaging level and item
    reference (12 digits), then the check digit."""
    body = f"{COMPANY_PREFIX[tenant.slug]}{level}{index:04d}"
    return body + str(gs1_standard_check_digit(body))


def _items(tenant: Tenant) -> list[Item]:
    items = []
    for index, row in enumerate(CATALOGUES.get(tenant.slug, []), start=1):
        sku, description, category, tracking, costing, base, divisible, shelf_life, cost, case = row
        item, _ = Item.objects.get_or_create(
            tenant=tenant,
            sku=sku,
            defaults={
                "description": description, "category": category, "tracking": tracking,
                "costing_method": costing, "base_unit": base, "divisible": divisible,
                "shelf_life_days": shelf_life, "expiry_required": tracking == "lot",
                "standard_cost": Decimal(cost), "abc_class": "ABC"[index % 3],
                "velocity_class": ["fast", "medium", "slow"][index % 3],
                "hazardous": sku == "HB-FLARE",
            },
        )  # fmt: skip
        ItemUnit.objects.get_or_create(
            tenant=tenant,
            item=item,
            code=base,
            defaults={"factor": 1, "gtin": _gtin(tenant, index, 1)},
        )
        if case:
            ItemUnit.objects.get_or_create(
                tenant=tenant, item=item, code="case",
                defaults={"factor": case, "gtin": _gtin(tenant, index, 2), "length_cm": 40, "width_cm": 30, "height_cm": 25, "weight_kg": 8},
            )  # fmt: skip
        items.append(item)
    return items


def _receive(tenant, item, bin, quantity, cost, *, lot=None, serial=None, key):
    supplier = ledger.virtual_location(tenant=tenant, kind=LocationKind.SUPPLIER)
    ledger.post(
        tenant=tenant,
        user=None,
        kind="receipt",
        moves=[
            ledger.Move(
                item=item,
                quantity=Decimal(quantity),
                source=supplier,
                destination=ledger.bin_location(tenant=tenant, bin=bin),
                lot=lot,
                serial=serial,
                unit_cost=Decimal(cost),
            )
        ],
        reference="demo opening stock",
        idempotency_key=key,
    )


def load(tenant: Tenant) -> None:
    """Call inside the tenant's context, after the sites and bins exist."""
    items = _items(tenant)
    today = timezone.localdate()
    # Demand comes from the demo's sales orders (orders.demo). Stand-in "open order" demand
    # that no order owns made ATP refuse what allocation then took; databases loaded before
    # lose it here.
    Projection.objects.filter(tenant=tenant, source_type="demo_demand").delete()
    for site_index, site in enumerate(Site.objects.filter(tenant=tenant).order_by("code")):
        picks = list(
            Bin.objects.filter(tenant=tenant, site=site, bin_type="pick_face").order_by(
                "walk_sequence"
            )[:20]
        )
        reserves = list(
            Bin.objects.filter(tenant=tenant, site=site, bin_type="reserve").order_by(
                "walk_sequence"
            )[:20]
        )
        if not picks or not reserves:
            continue
        for index, item in enumerate(items):
            cost = item.standard_cost
            key = f"demo:{site.code}:{item.sku}"
            if item.tracking == "lot":
                for lot_index, (days, quantity) in enumerate([(45, 24), (200, 60)]):
                    code = f"L{site_index + 1}{index + 1:02d}{lot_index + 1}"
                    lot, _ = Lot.objects.get_or_create(
                        tenant=tenant, item=item, code=code,
                        defaults={"expiry_date": today + datetime.timedelta(days=days), "manufactured_date": today - datetime.timedelta(days=30)},
                    )  # fmt: skip
                    bin = picks[index] if lot_index == 0 else reserves[index]
                    _receive(tenant, item, bin, quantity, cost, lot=lot, key=f"{key}:{code}")
            elif item.tracking == "serial":
                for n in range(1, 4):
                    serial, _ = SerialNumber.objects.get_or_create(
                        tenant=tenant, item=item, serial=f"SN{site_index + 1}{index + 1:02d}{n:04d}"
                    )
                    _receive(
                        tenant,
                        item,
                        picks[index],
                        1,
                        cost,
                        serial=serial,
                        key=f"{key}:{serial.serial}",
                    )
            else:
                _receive(tenant, item, picks[index], 40 + 10 * index, cost, key=f"{key}:pick")
                _receive(
                    tenant, item, reserves[index], 200, cost * Decimal("1.05"), key=f"{key}:reserve"
                )
            projections.publish(
                tenant=tenant, source_type="demo_supply", source_id=site.pk * 1000 + item.pk, item=item, site=site,
                date=today + datetime.timedelta(days=7 + index), quantity=Decimal(100), kind=ProjectionKind.SCHEDULED_RECEIPT,
                reference="demo expected receipt",
            )  # fmt: skip
    _pending_adjustments(tenant, items)


def _pending_adjustments(tenant: Tenant, items: list[Item]) -> None:
    if (
        Adjustment.objects.filter(tenant=tenant, state=AdjustmentState.PENDING).exists()
        or not items
    ):
        return
    supervisor = (
        Membership.objects.filter(tenant=tenant, role=Role.SUPERVISOR)
        .select_related("user")
        .first()
    )
    if supervisor is None:
        return
    untracked = [item for item in items if item.tracking == "none"]
    site = Site.objects.filter(tenant=tenant).order_by("code").first()
    reserve = (
        Bin.objects.filter(tenant=tenant, site=site, bin_type="reserve")
        .order_by("walk_sequence")
        .first()
    )
    location = ledger.bin_location(tenant=tenant, bin=reserve)
    settings = adjustments.settings_for(tenant)
    # Worth more than the threshold, so they wait for a second supervisor.
    for item, reason in zip(untracked[:2], ["found", "count"], strict=False):
        quantity = (
            int(settings.adjustment_approval_threshold / max(item.standard_cost, Decimal("0.01")))
            + 5
        )
        adjustments.request_adjustment(
            tenant=tenant, user=supervisor.user, item=item, location=location,
            quantity=Decimal(quantity), reason_code=reason, note="demo: found during walk-through",
        )  # fmt: skip
