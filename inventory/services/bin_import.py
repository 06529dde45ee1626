"""The bins CSV importer: every line checked against the tenant's sites, zones and bins, then
all bins created with their history in one go (erp.imports runs both in Celery)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from erp.imports import Column, Importer, PreviewColumn, cells
from erp.imports.reading import Line
from erp.models import ImportJob, Tenant
from erp.roles import Role
from inventory.models import Bin, BinType, Site, Zone
from inventory.models.locations import LABEL_SEPARATOR

BATCH = 5000


def check(*, tenant: Tenant, lines: Iterator[Line]) -> tuple[list[dict], list[dict]]:
    """Each line's problems, and the bins the good lines describe (no writes)."""
    sites = {s.code.lower(): s for s in Site.objects.filter(tenant=tenant)}
    zones = {(z.site_id, z.code.lower()): z for z in Zone.objects.filter(tenant=tenant)}
    existing = set(Bin.objects.filter(tenant=tenant).values_list("site_id", "code"))
    seen: dict[tuple[int, str], int] = {}
    rows: list[dict] = []
    errors: list[dict] = []
    for line in lines:
        c = line.cells
        problems: list[str] = []
        site = zone = None
        code = c.get("code", "")
        if not code:
            problems.append("code is empty")
        elif any(ch.isspace() for ch in code):
            problems.append(f"code '{code}' contains spaces")
        elif LABEL_SEPARATOR in code:
            problems.append(f"code '{code}' contains '{LABEL_SEPARATOR}' (labels read SITE/BIN)")
        elif len(code) > 40:
            problems.append(f"code '{code[:40]}…' is longer than 40 characters")
        site_code = c.get("site", "")
        site = sites.get(site_code.lower())
        if site is None:
            problems.append(f"unknown site '{site_code}'" if site_code else "site is empty")
        else:
            zone_code = c.get("zone", "")
            zone = zones.get((site.pk, zone_code.lower()))
            if zone is None:
                problems.append(
                    f"unknown zone '{zone_code}' at site {site.code}"
                    if zone_code
                    else "zone is empty"
                )
        bin_type = cells.choice(c.get("type", ""), "type", problems, choices=BinType, required=True)
        walk = cells.integer(c.get("walk_sequence", ""), "walk_sequence", problems)
        volume = cells.decimal(c.get("capacity_volume", ""), "capacity_volume", problems, places=4)
        weight = cells.decimal(c.get("capacity_weight", ""), "capacity_weight", problems, places=3)
        units = cells.integer(c.get("capacity_units", ""), "capacity_units", problems)
        active = cells.boolean(
            c.get("active", ""),
            "active",
            problems,
            default=True,
            true_words=frozenset({"active"}),
            false_words=frozenset({"inactive"}),
        )
        if site is not None and code:
            cells.claim(
                (site.pk, code),
                line.number,
                existing=existing,
                seen=seen,
                problems=problems,
                exists=f"bin {code} already exists at site {site.code}",
                duplicate=f"duplicate code {code} at site {site.code}",
            )
        if problems:
            errors.append({"line": line.number, "message": "; ".join(problems)})
            continue
        rows.append(
            {
                "site": site, "zone": zone, "code": code, "bin_type": bin_type,
                "walk_sequence": walk or 0, "capacity_volume": volume,
                "capacity_weight": weight, "capacity_units": units, "is_active": active,
            }
        )  # fmt: skip
    return rows, errors


def write(*, tenant: Tenant, job: ImportJob, rows: list[dict], progress) -> int:
    """Create the checked bins with their history rows, in batches, inside the caller's
    transaction."""
    now = timezone.now()
    total = len(rows)
    for start in range(0, total, BATCH):
        batch = [
            Bin(
                tenant=tenant,
                site_id=row["site"].pk,
                zone_id=row["zone"].pk,
                **{k: v for k, v in row.items() if k not in ("site", "zone")},
            )
            for row in rows[start : start + BATCH]
        ]
        bulk_create_with_history(
            batch,
            Bin,
            batch_size=BATCH,
            default_user=job.created_by,
            default_date=now,
            default_change_reason=f"import {job.filename}"[:100],
        )
        progress(min(start + BATCH, total))
    return total


IMPORTER = Importer(
    kind="inventory.bins",
    label="Bins",
    noun="bin",
    noun_plural="bins",
    columns=(
        Column("site", "code of an existing site.", required=True),
        Column("zone", "code of a zone in that site.", required=True),
        Column("code", "unique within the site, no spaces, up to 40 characters.", required=True),
        Column("type", "pick_face, reserve, staging, dock or qc.", required=True),
        Column("walk_sequence", "whole number: the bin's place in a picker's walk."),
        Column("capacity_volume", "m³, decimal, up to 4 places."),
        Column("capacity_weight", "kg, decimal, up to 3 places."),
        Column("capacity_units", "whole number."),
        Column("active", "yes or no (empty means yes)."),
    ),
    check=check,
    write=write,
    roles=frozenset({Role.ADMIN}),
    url_name="inventory:bin_import",
    done_url_name="inventory:bin_list",
    preview=(
        PreviewColumn("Site", lambda r: r["site"].code),
        PreviewColumn("Zone", lambda r: r["zone"].code),
        PreviewColumn("Code", lambda r: r["code"]),
        PreviewColumn("Type", lambda r: r["bin_type"]),
        PreviewColumn("Walk", lambda r: r["walk_sequence"], "num"),
        PreviewColumn("Units", lambda r: r["capacity_units"], "num"),
        PreviewColumn("Active", lambda r: "yes" if r["is_active"] else "no"),
    ),
    example="site,zone,code,type,walk_sequence,capacity_units\nMAIN,PICK,A-01-01,pick_face,10,120",
    notes=("Numbers are optional and must not be negative.",),
)
