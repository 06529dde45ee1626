"""Bulk import of bins from CSV: check every line, then import all of them or none.

An upload becomes a `BinImport` in status *validating*; a Celery task checks it and stores
a line-by-line error report (*invalid*) or a preview (*ready*). Importing a ready file runs
in one transaction that checks the lines again against the bins as they are now, so a file
never half-imports, and a bin created meanwhile turns the import back to *invalid*.
Progress goes to the cache so the page can show it while the transaction is still open.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from erp.models import Tenant, User
from erp.roles import Role, require_role
from inventory.errors import ImportNotReady
from inventory.models import Bin, BinImport, BinType, Site, Zone
from inventory.models.imports import ImportStatus

COLUMNS = [
    "site", "zone", "code", "type", "walk_sequence",
    "capacity_volume", "capacity_weight", "capacity_units", "active",
]  # fmt: skip
REQUIRED = {"site", "zone", "code", "type"}
MAX_STORED_ERRORS = 1000
BATCH = 5000
TRUE = {"", "1", "yes", "y", "true", "t", "active"}
FALSE = {"0", "no", "n", "false", "f", "inactive"}
TYPES = {t.value: t.value for t in BinType} | {str(t.label).lower(): t.value for t in BinType}


@dataclass
class Checked:
    rows: list[dict]
    errors: list[dict]
    total: int


def progress_key(job_id: int) -> str:
    return f"bin-import:{job_id}:progress"


def _progress(job_id: int, phase: str, done: int, total: int) -> None:
    cache.set(progress_key(job_id), {"phase": phase, "done": done, "total": total}, timeout=3600)


def progress(job: BinImport) -> dict:
    return cache.get(progress_key(job.pk)) or {
        "phase": job.status,
        "done": 0,
        "total": job.row_count,
    }


def _decimal(value: str, column: str, errors: list[str], places: int) -> Decimal | None:
    if value == "":
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        errors.append(f"{column} '{value}' is not a number")
        return None
    if not number.is_finite():
        errors.append(f"{column} '{value}' is not a number")
    elif number < 0:
        errors.append(f"{column} {value} must not be negative")
    elif number.as_tuple().exponent < -places or abs(number) >= 10 ** (12 - places):
        errors.append(
            f"{column} {value} has too many digits (at most {12 - places} before and {places} after the point)"
        )
    else:
        return number
    return None


def _integer(value: str, column: str, errors: list[str]) -> int | None:
    if value == "":
        return None
    try:
        number = int(value)
    except ValueError:
        errors.append(f"{column} '{value}' is not a whole number")
        return None
    if number < 0:
        errors.append(f"{column} {value} must not be negative")
    elif number > 2_147_483_647:
        errors.append(f"{column} {value} is too large")
    else:
        return number
    return None


def check_rows(*, tenant: Tenant, text: str, job_id: int | None = None) -> Checked:
    """Parse and check every line; nothing is written. Errors carry the file's line number."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        return Checked([], [{"line": 1, "message": "The file has no header row."}], 0)
    missing = REQUIRED - set(header)
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        parts = []
        if missing:
            parts.append("missing column(s): " + ", ".join(sorted(missing)))
        if unknown:
            parts.append("unknown column(s): " + ", ".join(unknown))
        if len(set(header)) != len(header):
            parts.append("a column appears twice")
        expected = ", ".join(COLUMNS)
        return Checked(
            [], [{"line": 1, "message": f"Header: {'; '.join(parts)}. Expected: {expected}."}], 0
        )

    sites = {s.code.lower(): s for s in Site.objects.filter(tenant=tenant)}
    zones = {(z.site_id, z.code.lower()): z for z in Zone.objects.filter(tenant=tenant)}
    existing = set(Bin.objects.filter(tenant=tenant).values_list("site_id", "code"))
    seen: dict[tuple[int, str], int] = {}
    rows: list[dict] = []
    errors: list[dict] = []
    total = 0
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            total += 1
            if job_id and total % BATCH == 0:
                _progress(job_id, "validating", total, total)
            problems: list[str] = []
            if len(record) != len(header):
                errors.append(
                    {
                        "line": line,
                        "message": f"has {len(record)} fields; the header has {len(header)}",
                    }
                )
                continue
            cells = {name: value.strip() for name, value in zip(header, record, strict=True)}
            site = zone = None
            code = cells.get("code", "")
            if not code:
                problems.append("code is empty")
            elif any(ch.isspace() for ch in code):
                problems.append(f"code '{code}' contains spaces")
            elif len(code) > 40:
                problems.append(f"code '{code[:40]}…' is longer than 40 characters")
            site_code = cells.get("site", "")
            site = sites.get(site_code.lower())
            if site is None:
                problems.append(f"unknown site '{site_code}'" if site_code else "site is empty")
            else:
                zone_code = cells.get("zone", "")
                zone = zones.get((site.pk, zone_code.lower()))
                if zone is None:
                    problems.append(
                        f"unknown zone '{zone_code}' at site {site.code}"
                        if zone_code
                        else "zone is empty"
                    )
            bin_type = TYPES.get(cells.get("type", "").lower())
            if bin_type is None:
                problems.append(
                    f"type '{cells.get('type', '')}' is not one of {', '.join(BinType.values)}"
                )
            walk = _integer(cells.get("walk_sequence", ""), "walk_sequence", problems)
            volume = _decimal(cells.get("capacity_volume", ""), "capacity_volume", problems, 4)
            weight = _decimal(cells.get("capacity_weight", ""), "capacity_weight", problems, 3)
            units = _integer(cells.get("capacity_units", ""), "capacity_units", problems)
            active_text = cells.get("active", "").lower()
            if active_text not in TRUE | FALSE:
                problems.append(f"active '{cells.get('active')}' is not yes or no")
            if site is not None and code:
                if (site.pk, code) in existing:
                    problems.append(f"bin {code} already exists at site {site.code}")
                elif (site.pk, code) in seen:
                    problems.append(
                        f"duplicate code {code} at site {site.code} (also on line {seen[(site.pk, code)]})"
                    )
                else:
                    seen[(site.pk, code)] = line
            if problems:
                errors.append({"line": line, "message": "; ".join(problems)})
                continue
            rows.append(
                {
                    "site": site, "zone": zone, "code": code, "bin_type": bin_type,
                    "walk_sequence": walk or 0, "capacity_volume": volume,
                    "capacity_weight": weight, "capacity_units": units,
                    "is_active": active_text not in FALSE,
                }
            )  # fmt: skip
    except csv.Error as exc:
        errors.append({"line": reader.line_num, "message": f"the CSV cannot be read here: {exc}"})
    if total == 0 and not errors:
        errors.append({"line": 2, "message": "The file has a header but no bins."})
    return Checked(rows, errors, total)


@transaction.atomic
def create_bin_import(*, tenant: Tenant, user: User, filename: str, text: str) -> BinImport:
    """Store an upload and queue its check (after commit)."""
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    job = BinImport.objects.create(
        tenant=tenant, created_by=user, filename=filename[:255], content=text
    )
    from inventory.tasks import check_bin_import_task

    check_bin_import_task.delay_on_commit(tenant.pk, job.pk)
    return job


def _store_errors(job: BinImport, checked: Checked) -> None:
    job.errors = checked.errors[:MAX_STORED_ERRORS]
    extra = len(checked.errors) - len(job.errors)
    job.message = (
        f"{len(checked.errors)} line(s) have errors"
        + (f"; the first {MAX_STORED_ERRORS} are listed" if extra > 0 else "")
        + ". Nothing was imported. Correct the file and upload it again."
    )


@transaction.atomic
def check_bin_import(*, tenant: Tenant, job: BinImport) -> BinImport:
    """Check a *validating* upload; a repeat (or a job in any other state) does nothing."""
    job = BinImport.objects.select_for_update().get(tenant=tenant, pk=job.pk)
    if job.status != ImportStatus.VALIDATING:
        return job
    checked = check_rows(tenant=tenant, text=job.content, job_id=job.pk)
    job.row_count = checked.total
    if checked.errors:
        job.status = ImportStatus.INVALID
        _store_errors(job, checked)
        job.finished_at = timezone.now()
    else:
        job.status = ImportStatus.READY
        job.message = f"{checked.total} bin(s) checked without errors."
    job.save()
    _progress(job.pk, job.status, checked.total, checked.total)
    return job


@transaction.atomic
def start_bin_import(*, tenant: Tenant, user: User, job: BinImport) -> BinImport:
    """Move a *ready* upload to *importing* and queue the import (after commit)."""
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    job = BinImport.objects.select_for_update().get(tenant=tenant, pk=job.pk)
    if job.status != ImportStatus.READY:
        raise ImportNotReady(status=job.get_status_display().lower())
    job.status = ImportStatus.IMPORTING
    job.save(update_fields=["status"])
    _progress(job.pk, "importing", 0, job.row_count)
    from inventory.tasks import run_bin_import_task

    run_bin_import_task.delay_on_commit(tenant.pk, job.pk)
    return job


@transaction.atomic
def run_bin_import(*, tenant: Tenant, job: BinImport) -> BinImport:
    """Import every line of an *importing* upload in this one transaction, or none.

    Locks the job row so a redelivered task waits and then finds the job done.
    """
    job = (
        BinImport.objects.select_for_update()
        .select_related("created_by")
        .get(tenant=tenant, pk=job.pk)
    )
    if job.status != ImportStatus.IMPORTING:
        return job
    checked = check_rows(tenant=tenant, text=job.content, job_id=job.pk)
    if checked.errors:
        job.status = ImportStatus.INVALID
        _store_errors(job, checked)
        job.finished_at = timezone.now()
        job.save()
        return job
    now = timezone.now()
    total = len(checked.rows)
    for start in range(0, total, BATCH):
        batch = [
            Bin(
                tenant=tenant,
                site_id=row["site"].pk,
                zone_id=row["zone"].pk,
                **{k: v for k, v in row.items() if k not in ("site", "zone")},
            )
            for row in checked.rows[start : start + BATCH]
        ]
        bulk_create_with_history(
            batch,
            Bin,
            batch_size=BATCH,
            default_user=job.created_by,
            default_date=now,
            default_change_reason=f"import {job.filename}",
        )
        _progress(job.pk, "importing", min(start + BATCH, total), total)
    job.status = ImportStatus.DONE
    job.imported_count = total
    job.finished_at = timezone.now()
    job.message = f"Imported {total} bin(s)."
    job.save()
    return job


def mark_failed(*, tenant: Tenant, job_id: int, reason: str) -> None:
    with transaction.atomic():
        BinImport.objects.filter(tenant=tenant, pk=job_id).exclude(status=ImportStatus.DONE).update(
            status=ImportStatus.FAILED,
            message=f"The import stopped: {reason}",
            finished_at=timezone.now(),
        )
