"""The items CSV importer: every line checked against the item master, then all items created
with their units and history in one go (erp.imports runs both in Celery).

Units convention: every item gets a unit row for its base unit (factor 1) carrying `gtin`;
`case_factor` adds a unit `case` holding that many base units, with `case_gtin`. Other units
(inner, pallet) are added on the item page.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from erp.imports import Column, Importer, PreviewColumn, cells
from erp.imports.reading import Line
from erp.models import ImportJob, Tenant
from inventory.errors import InvalidGtin
from inventory.gtin import normalize_gtin
from inventory.models import AbcClass, CostingMethod, Item, ItemUnit, Tracking, Velocity
from inventory.permissions import ITEM_EDITORS
from inventory.services.items import rule_problems

BATCH = 5000
CASE = "case"
LENGTHS = {"sku": 40, "description": 200, "category": 60, "base_unit": 20}


def _text(c: dict, column: str, problems: list[str], *, required: bool = False) -> str:
    value = c.get(column, "")
    if required and not value:
        problems.append(f"{column} is empty")
    elif len(value) > LENGTHS[column]:
        problems.append(f"{column} '{value[:20]}…' is longer than {LENGTHS[column]} characters")
    return value


def _code(c: dict, column: str, problems: list[str], *, default: str = "") -> str:
    value = _text(c, column, problems, required=not default) or default
    if any(ch.isspace() for ch in value):
        problems.append(f"{column} '{value}' contains spaces")
    return value


def _stored_form(gtin: str) -> str:
    """A stored GTIN as 14 digits, whether it was saved that way or as printed."""
    try:
        return normalize_gtin(gtin)
    except InvalidGtin:
        return gtin


class _Gtins:
    """GTINs met so far: the tenant's, and this file's with their line numbers."""

    def __init__(self, tenant: Tenant):
        self.existing = {
            _stored_form(gtin): (sku, code)
            for gtin, sku, code in ItemUnit.objects.filter(tenant=tenant)
            .exclude(gtin="")
            .values_list("gtin", "item__sku", "code")
        }
        self.seen: dict[str, tuple[int, str]] = {}

    def check(self, value: str, column: str, line: int, problems: list[str]) -> str:
        try:
            gtin = normalize_gtin(value)
        except InvalidGtin as exc:
            problems.append(f"{column}: {exc}")
            return ""
        if not gtin:
            return ""
        if gtin in self.existing:
            sku, code = self.existing[gtin]
            problems.append(f"{column} {value} already belongs to {sku} (unit {code})")
        elif gtin in self.seen:
            other_line, other_column = self.seen[gtin]
            where = "this line" if other_line == line else f"line {other_line}"
            problems.append(f"{column} {value} is also the {other_column} on {where}")
        else:
            self.seen[gtin] = (line, column)
        return gtin


def check(*, tenant: Tenant, lines: Iterator[Line]) -> tuple[list[dict], list[dict]]:
    """Each line's problems, and the items the good lines describe (no writes)."""
    existing = set(Item.objects.filter(tenant=tenant).values_list("sku", flat=True))
    gtins = _Gtins(tenant)
    seen: dict[str, int] = {}
    rows: list[dict] = []
    errors: list[dict] = []
    for line in lines:
        c = line.cells
        p: list[str] = []
        sku = _code(c, "sku", p)
        description = _text(c, "description", p, required=True)
        category = _text(c, "category", p)
        base_unit = _code(c, "base_unit", p, default="each")
        divisible = cells.boolean(c.get("divisible", ""), "divisible", p, default=False)
        tracking = cells.choice(
            c.get("tracking", ""), "tracking", p, choices=Tracking, default=Tracking.NONE
        )
        shelf_life = cells.integer(c.get("shelf_life_days", ""), "shelf_life_days", p)
        expiry = cells.boolean(c.get("expiry_required", ""), "expiry_required", p, default=False)
        abc = cells.choice(c.get("abc_class", ""), "abc_class", p, choices=AbcClass)
        velocity = cells.choice(c.get("velocity_class", ""), "velocity_class", p, choices=Velocity)
        hazardous = cells.boolean(c.get("hazardous", ""), "hazardous", p, default=False)
        costing = cells.choice(
            c.get("costing_method", ""),
            "costing_method",
            p,
            choices=CostingMethod,
            default=CostingMethod.FIFO,
        )
        cost = cells.decimal(
            c.get("standard_cost", ""), "standard_cost", p, places=6, max_digits=18
        )
        active = cells.boolean(c.get("active", ""), "active", p, default=True)
        gtin = gtins.check(c.get("gtin", ""), "gtin", line.number, p)
        case_factor = cells.decimal(
            c.get("case_factor", ""), "case_factor", p, places=6, max_digits=18, positive=True
        )
        case_gtin = gtins.check(c.get("case_gtin", ""), "case_gtin", line.number, p)
        if None not in (tracking, divisible, expiry):
            p += [
                f"{field}: {message}"
                for field, message in rule_problems(
                    tracking=tracking, divisible=divisible, expiry_required=expiry
                ).items()
            ]
        if case_factor is not None:
            if base_unit == CASE:
                p.append("case_factor adds a unit case, but the base unit is already case")
            elif divisible is False and case_factor != case_factor.to_integral_value():
                p.append(
                    f"case_factor {c['case_factor']} must be a whole number of {base_unit} "
                    "(the item is not divisible)"
                )
        elif case_gtin or c.get("case_gtin"):
            p.append("case_gtin needs a case_factor (how many base units a case holds)")
        if sku:
            cells.claim(
                sku,
                line.number,
                existing=existing,
                seen=seen,
                problems=p,
                exists=f"SKU {sku} already exists",
                duplicate=f"duplicate SKU {sku}",
            )
        if p:
            errors.append({"line": line.number, "message": "; ".join(p)})
            continue
        rows.append(
            {
                "item": {
                    "sku": sku, "description": description, "category": category,
                    "base_unit": base_unit, "divisible": divisible, "tracking": tracking,
                    "shelf_life_days": shelf_life, "expiry_required": expiry,
                    "abc_class": abc, "velocity_class": velocity, "hazardous": hazardous,
                    "costing_method": costing, "standard_cost": cost or Decimal(0),
                    "is_active": active,
                },
                "gtin": gtin,
                "case_factor": case_factor,
                "case_gtin": case_gtin,
            }
        )  # fmt: skip
    return rows, errors


def write(*, tenant: Tenant, job: ImportJob, rows: list[dict], progress) -> int:
    """Create the checked items, their base and case units, and their history rows, in
    batches, inside the caller's transaction."""
    now = timezone.now()
    history = {
        "default_user": job.created_by,
        "default_date": now,
        "default_change_reason": f"import {job.filename}"[:100],  # the history column holds 100
    }
    total = len(rows)
    for start in range(0, total, BATCH):
        batch = rows[start : start + BATCH]
        created = bulk_create_with_history(
            [Item(tenant=tenant, **row["item"]) for row in batch], Item, batch_size=BATCH, **history
        )
        units = []
        for item, row in zip(created, batch, strict=True):
            units.append(
                ItemUnit(
                    tenant=tenant,
                    item=item,
                    code=item.base_unit,
                    factor=Decimal(1),
                    gtin=row["gtin"],
                )
            )
            if row["case_factor"] is not None:
                units.append(
                    ItemUnit(
                        tenant=tenant,
                        item=item,
                        code=CASE,
                        factor=row["case_factor"],
                        gtin=row["case_gtin"],
                    )
                )
        bulk_create_with_history(units, ItemUnit, batch_size=BATCH, **history)
        progress(min(start + BATCH, total))
    return total


COLUMNS = (
    Column("sku", "up to 40 characters, no spaces; new to this organisation.", required=True),
    Column("description", "up to 200 characters.", required=True),
    Column("category", "free text, up to 60 characters."),
    Column("base_unit", "the unit stock is counted in (each, kg, m …); empty means each."),
    Column("divisible", "yes if the base unit may be split (kg, m); empty means no."),
    Column("tracking", "none, lot or serial; empty means none."),
    Column("shelf_life_days", "whole number of days."),
    Column("expiry_required", "yes or no (empty means no); needs lot or serial tracking."),
    Column("abc_class", "A, B, C or empty."),
    Column("velocity_class", "fast, medium, slow or empty."),
    Column("hazardous", "yes or no (empty means no)."),
    Column("costing_method", "fifo or average; empty means fifo."),
    Column("standard_cost", "decimal, up to 6 places; empty means 0."),
    Column("gtin", "GTIN of one base unit: 8, 12, 13 or 14 digits with a valid check digit."),
    Column(
        "case_factor",
        "base units in one case (exact; whole unless divisible); adds the unit case.",
    ),
    Column("case_gtin", "GTIN of the case; needs case_factor."),
    Column("active", "yes or no (empty means yes)."),
)

IMPORTER = Importer(
    kind="inventory.items",
    label="Items",
    noun="item",
    noun_plural="items",
    columns=COLUMNS,
    check=check,
    write=write,
    roles=ITEM_EDITORS,
    url_name="inventory:item_import",
    done_url_name="inventory:item_list",
    preview=(
        PreviewColumn("SKU", lambda r: r["item"]["sku"]),
        PreviewColumn("Description", lambda r: r["item"]["description"]),
        PreviewColumn("Category", lambda r: r["item"]["category"]),
        PreviewColumn("Unit", lambda r: r["item"]["base_unit"]),
        PreviewColumn("Tracking", lambda r: r["item"]["tracking"]),
        PreviewColumn("Costing", lambda r: r["item"]["costing_method"]),
        PreviewColumn("Standard cost", lambda r: r["item"]["standard_cost"], "num"),
        PreviewColumn("GTIN", lambda r: r["gtin"]),
        PreviewColumn("Case", lambda r: r["case_factor"], "num"),
    ),
    example=(
        "sku,description,category,base_unit,tracking,abc_class,costing_method,standard_cost,"
        "gtin,case_factor,case_gtin\n"
        "SKU-1001,Nitrile gloves M,safety,each,lot,A,fifo,0.12,4006381333931,100,14006381333938"
    ),
    notes=(
        "Units: every item gets its base unit (factor 1) with gtin; case_factor adds a unit "
        "named case with case_gtin. Add other units (inner, pallet) on the item page.",
        "GTINs are stored as 14 digits and are unique in the organisation, across all units.",
    ),
)
