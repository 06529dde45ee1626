"""The life of an import: upload (validating) -> checked (invalid | ready) -> importing -> done.

A Celery task checks an upload and stores a line-by-line error report (*invalid*) or a
preview (*ready*). Importing a ready file runs in one transaction that checks the lines again
against the database as it is now, so a file never half-imports, and a record created
meanwhile turns the import back to *invalid*. Progress goes to the cache so the page can show
it while that transaction is still open.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from erp.errors import ImportNotReady
from erp.imports.models import ImportJob, ImportStatus
from erp.imports.reading import Checked, check_text
from erp.imports.registry import Importer, importer_for
from erp.models import Tenant, User
from erp.roles import require_role

MAX_STORED_ERRORS = 1000
PREVIEW_ROWS = 20


def progress_key(job_id: int) -> str:
    return f"import:{job_id}:progress"


def _progress(job_id: int, phase: str, done: int, total: int) -> None:
    cache.set(progress_key(job_id), {"phase": phase, "done": done, "total": total}, timeout=3600)


def progress(job: ImportJob) -> dict:
    """{"phase", "done", "total"} of a running job, from the cache the tasks write to."""
    return cache.get(progress_key(job.pk)) or {
        "phase": job.status,
        "done": 0,
        "total": job.row_count,
    }


def _check(importer: Importer, tenant: Tenant, job: ImportJob) -> Checked:
    return check_text(
        importer=importer,
        tenant=tenant,
        text=job.content,
        progress=lambda n: _progress(job.pk, ImportStatus.VALIDATING, n, n),
    )


def _preview(importer: Importer, rows: list[dict]) -> list[list[str]]:
    return [
        ["" if (v := column.value(row)) is None else str(v) for column in importer.preview]
        for row in rows[:PREVIEW_ROWS]
    ]


def _store_errors(job: ImportJob, checked: Checked) -> None:
    job.status = ImportStatus.INVALID
    job.errors = checked.errors[:MAX_STORED_ERRORS]
    job.preview = []
    extra = len(checked.errors) - len(job.errors)
    job.message = (
        f"{len(checked.errors)} line(s) have errors"
        + (f"; the first {MAX_STORED_ERRORS} are listed" if extra > 0 else "")
        + ". Nothing was imported. Correct the file and upload it again."
    )
    job.finished_at = timezone.now()


@transaction.atomic
def create_import(*, tenant: Tenant, user: User, kind: str, filename: str, text: str) -> ImportJob:
    """Store an upload of `kind` and queue its check (after commit).

    Raises `RoleRequired` unless `user` holds one of the importer's roles.
    """
    importer = importer_for(kind)
    require_role(tenant=tenant, user=user, roles=importer.roles)
    job = ImportJob.objects.create(
        tenant=tenant, kind=kind, created_by=user, filename=filename[:255], content=text
    )
    from erp.imports.tasks import check_import_task

    check_import_task.delay_on_commit(tenant.pk, job.pk)
    return job


@transaction.atomic
def check_import(*, tenant: Tenant, job: ImportJob) -> ImportJob:
    """Check a *validating* upload; a repeat (or a job in any other state) does nothing."""
    job = ImportJob.objects.select_for_update().get(tenant=tenant, pk=job.pk)
    if job.status != ImportStatus.VALIDATING:
        return job
    importer = importer_for(job.kind)
    checked = _check(importer, tenant, job)
    job.row_count = checked.total
    if checked.errors:
        _store_errors(job, checked)
    else:
        job.status = ImportStatus.READY
        job.preview = _preview(importer, checked.rows)
        job.message = f"{checked.total} {importer.noun}(s) checked without errors."
    job.save()
    _progress(job.pk, job.status, checked.total, checked.total)
    return job


@transaction.atomic
def start_import(*, tenant: Tenant, user: User, job: ImportJob) -> ImportJob:
    """Move a *ready* upload to *importing* and queue the import (after commit).

    Raises `RoleRequired` for users without the importer's roles and `ImportNotReady` for a
    job in any other state.
    """
    importer = importer_for(job.kind)
    require_role(tenant=tenant, user=user, roles=importer.roles)
    job = ImportJob.objects.select_for_update().get(tenant=tenant, pk=job.pk)
    if job.status != ImportStatus.READY:
        raise ImportNotReady(status=job.get_status_display().lower())
    job.status = ImportStatus.IMPORTING
    job.save(update_fields=["status"])
    _progress(job.pk, ImportStatus.IMPORTING, 0, job.row_count)
    from erp.imports.tasks import run_import_task

    run_import_task.delay_on_commit(tenant.pk, job.pk)
    return job


@transaction.atomic
def run_import(*, tenant: Tenant, job: ImportJob) -> ImportJob:
    """Check again and write every line of an *importing* upload in this one transaction, or
    none of them.

    Locks the job row so a redelivered task waits and then finds the job done.
    """
    job = (
        ImportJob.objects.select_for_update(of=("self",))
        .select_related("created_by")
        .get(tenant=tenant, pk=job.pk)
    )
    if job.status != ImportStatus.IMPORTING:
        return job
    importer = importer_for(job.kind)
    checked = _check(importer, tenant, job)
    if checked.errors:
        _store_errors(job, checked)
        job.save()
        return job
    total = len(checked.rows)
    imported = importer.write(
        tenant=tenant,
        job=job,
        rows=checked.rows,
        progress=lambda done: _progress(job.pk, ImportStatus.IMPORTING, done, total),
    )
    job.status = ImportStatus.DONE
    job.imported_count = imported
    job.finished_at = timezone.now()
    job.message = f"Imported {imported} {importer.noun}(s)."
    job.save()
    return job


def mark_failed(*, tenant: Tenant, job_id: int, reason: str) -> None:
    """Record why a task gave up, so the page stops waiting (in its own transaction)."""
    with transaction.atomic():
        ImportJob.objects.filter(tenant=tenant, pk=job_id).exclude(status=ImportStatus.DONE).update(
            status=ImportStatus.FAILED,
            message=f"The import stopped: {reason}",
            finished_at=timezone.now(),
        )
