"""The pick-face min/max CSV importer: every line checked against the tenant's sites, pick
face bins, items and units, then new faces created and existing ones (same bin and item)
given the new min/max, with their history, in one go (erp.imports runs both in Celery)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from erp.imports import Column, Importer, PreviewColumn, cells
from erp.imports.reading import Line
from erp.models import ImportJob, Tenant
from erp.numbers import plain
from inventory.models import Bin, BinType, Item, ItemUnit, Site
from warehouse.models import PickFace
from warehouse.permissions import SUPERVISORS

BATCH = 5000


def check(*, tenant: Tenant, lines: Iterator[Line]) -> tuple[list[dict], list[dict]]:
    """Each line's problems, and the min/max the good lines describe (no writes)."""
    sites = {s.code.lower(): s for s in Site.objects.filter(tenant=tenant)}
    bins = {
        (site_id, code.lower()): (pk, code, bin_type)
        for pk, site_id, code, bin_type in Bin.objects.filter(tenant=tenant).values_list(
            "pk", "site_id", "code", "bin_type"
        )
    }
    items = {
        sku.lower(): (pk, sku, base)
        for pk, sku, base in Item.objects.filter(tenant=tenant).values_list(
            "pk", "sku", "base_unit"
        )
    }
    units = set(ItemUnit.objects.filter(tenant=tenant).values_list("item_id", "code"))
    existing = dict(
        ((bin_id, item_id), pk)
        for pk, bin_id, item_id in PickFace.objects.filter(tenant=tenant).values_list(
            "pk", "bin_id", "item_id"
        )
    )
    seen: dict[tuple[int, int], int] = {}
    rows: list[dict] = []
    errors: list[dict] = []
    for line in lines:
        c = line.cells
        problems: list[str] = []
        bin = item = None
        site_code = c.get("site", "")
        site = sites.get(site_code.lower())
        if site is None:
            problems.append(f"unknown site '{site_code}'" if site_code else "site is empty")
        else:
            code = c.get("bin", "")
            bin = bins.get((site.pk, code.lower()))
            if bin is None:
                problems.append(
                    f"unknown bin '{code}' at site {site.code}" if code else "bin is empty"
                )
            elif bin[2] != BinType.PICK_FACE:
                problems.append(f"bin {bin[1]} is not a pick face")
                bin = None
        sku = c.get("item", "")
        item = items.get(sku.lower())
        if item is None:
            problems.append(f"unknown item '{sku}'" if sku else "item is empty")
        minimum = cells.decimal(c.get("min", ""), "min", problems, places=4, max_digits=18)
        maximum = cells.decimal(c.get("max", ""), "max", problems, places=4, max_digits=18)
        if c.get("min", "") == "":
            problems.append("min is empty")
        if c.get("max", "") == "":
            problems.append("max is empty")
        if minimum is not None and maximum is not None and maximum <= minimum:
            problems.append(f"max {plain(maximum)} must be more than min {plain(minimum)}")
        unit = c.get("unit", "")
        if item is not None:
            unit = unit or item[2]
            if unit != item[2] and (item[0], unit) not in units:
                problems.append(f"item {item[1]} has no unit '{unit}'")
        if bin is not None and item is not None:
            key = (bin[0], item[0])
            if key in seen:
                problems.append(f"{bin[1]} {item[1]} is also on line {seen[key]}")
            else:
                seen[key] = line.number
        if problems:
            errors.append({"line": line.number, "message": "; ".join(problems)})
            continue
        rows.append(
            {
                "pk": existing.get((bin[0], item[0])), "site": site.code, "bin_id": bin[0],
                "bin": bin[1], "item_id": item[0], "sku": item[1], "min_quantity": minimum,
                "max_quantity": maximum, "unit": unit,
            }
        )  # fmt: skip
    return rows, errors


def write(*, tenant: Tenant, job: ImportJob, rows: list[dict], progress) -> int:
    """Create the new faces and update the existing ones, with history rows, in batches,
    inside the caller's transaction."""
    now = timezone.now()
    reason = f"import {job.filename}"[:100]
    total = len(rows)
    fields = ["min_quantity", "max_quantity", "unit"]
    for start in range(0, total, BATCH):
        batch = rows[start : start + BATCH]
        new = [
            PickFace(tenant=tenant, bin_id=r["bin_id"], item_id=r["item_id"],
                     **{f: r[f] for f in fields})
            for r in batch
            if r["pk"] is None
        ]  # fmt: skip
        changed = [
            PickFace(pk=r["pk"], tenant=tenant, bin_id=r["bin_id"], item_id=r["item_id"],
                     **{f: r[f] for f in fields})
            for r in batch
            if r["pk"] is not None
        ]  # fmt: skip
        if new:
            bulk_create_with_history(
                new, PickFace, batch_size=BATCH, default_user=job.created_by,
                default_date=now, default_change_reason=reason,
            )  # fmt: skip
        if changed:
            bulk_update_with_history(
                changed, PickFace, fields, batch_size=BATCH, default_user=job.created_by,
                default_date=now, default_change_reason=reason,
            )  # fmt: skip
        progress(min(start + BATCH, total))
    return total


IMPORTER = Importer(
    kind="warehouse.pick_faces",
    label="Pick face min/max",
    noun="pick face",
    noun_plural="pick faces",
    columns=(
        Column("site", "code of an existing site.", required=True),
        Column("bin", "code of a pick face bin at that site.", required=True),
        Column("item", "SKU of an existing item.", required=True),
        Column("min", "in the item's base unit, 0 or more.", required=True),
        Column("max", "in the item's base unit, more than min.", required=True),
        Column("unit", "replenishment unit: the base unit (empty) or one of the item's units."),
    ),
    check=check,
    write=write,
    roles=SUPERVISORS,
    url_name="warehouse:face_import",
    done_url_name="warehouse:face_list",
    preview=(
        PreviewColumn("Site", lambda r: r["site"]),
        PreviewColumn("Bin", lambda r: r["bin"]),
        PreviewColumn("Item", lambda r: r["sku"]),
        PreviewColumn("Min", lambda r: plain(r["min_quantity"]), "num"),
        PreviewColumn("Max", lambda r: plain(r["max_quantity"]), "num"),
        PreviewColumn("Unit", lambda r: r["unit"]),
        PreviewColumn("", lambda r: "update" if r["pk"] else "new"),
    ),
    example="site,bin,item,min,max,unit\nMAIN,P-01,SKU-118,24,96,case",
    notes=("A bin and item that already have a min/max get the new one.",),
)
