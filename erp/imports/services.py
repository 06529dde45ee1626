"""The life of an import: upload (validating) -> checked (invalid | ready) -> importing -> done.

A Celery task checks an upload and stores a line-by-line error report (*invalid*) or a
preview (*ready*). Importing a ready file runs in one transaction that checks the lines again
against the database as it is now, so a file never half-imports, and a record created
meanwhile turns the import back to *invalid*. Progress goes to the cache so the page can show
it while that transaction is still open.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from erp import jobs, outbox
from erp.errors import ImportNotInterrupted, ImportNotReady, ImportNotYours, ImportStillRunning
from erp.imports.models import ImportJob, ImportStatus
from erp.imports.reading import Checked, check_text
from erp.imports.registry import Importer, importer_for
from erp.models import Tenant, User
from erp.roles import Role, membership_for, require_role

MAX_STORED_ERRORS = 1000
PREVIEW_ROWS = 20


def progress_key(job_id: int) -> str:
    return f"import:{job_id}:progress"


# A job queued this long without a worker taking it up may be re-queued by its owner.
WAITING_TOO_LONG = timedelta(minutes=2)


def _progress(job_id: int, phase: str, done: int, total: int) -> None:
    """Progress and heartbeat: the import runs in one transaction, so what it has done so far
    can only be told outside the database. Redis being down only costs the progress bar."""
    value = {"phase": phase, "done": done, "total": total, "at": timezone.now().isoformat()}
    with contextlib.suppress(Exception):  # the import goes on without its progress bar
        cache.set(progress_key(job_id), value, timeout=3600)


def progress(job: ImportJob) -> dict:
    """{"phase", "done", "total", "at"} of a running job, from the cache the tasks write to."""
    try:
        value = cache.get(progress_key(job.pk))
    except Exception:  # Redis down: the page shows the state without the progress bar
        value = None
    if value and value.get("at"):
        value["at"] = parse_datetime(value["at"])
    return value or {"phase": job.status, "done": 0, "total": job.row_count, "at": None}


def liveness(job: ImportJob) -> str | None:
    """For a job in progress: "running" (a worker holds it), "interrupted" (a worker took it
    up and holds it no more: it died), or "waiting" (queued, not taken up yet)."""
    if not job.in_progress:
        return None
    if jobs.running(jobs.IMPORT, job.pk):
        return "running"
    return "interrupted" if job.taken_at else "waiting"


def may_resume(job: ImportJob, state: str | None) -> bool:
    if state == "interrupted":
        return True
    return state == "waiting" and timezone.now() - job.created_at > WAITING_TOO_LONG


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

    outbox.enqueue(check_import_task, tenant.pk, job.pk)
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
    job.taken_at, job.taken_by = None, ""
    job.save(update_fields=["status", "taken_at", "taken_by"])
    _progress(job.pk, ImportStatus.IMPORTING, 0, job.row_count)
    from erp.imports.tasks import run_import_task

    outbox.enqueue(run_import_task, tenant.pk, job.pk)
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


def take(*, tenant: Tenant, job_id: int, worker: str) -> None:
    """Record, committed at once, that `worker` has taken the job up (see `liveness`)."""
    with transaction.atomic():
        ImportJob.objects.filter(
            tenant=tenant,
            pk=job_id,
            status__in=(ImportStatus.VALIDATING, ImportStatus.IMPORTING),
        ).update(taken_at=timezone.now(), taken_by=worker[:200])


@transaction.atomic
def resume_import(*, tenant: Tenant, user: User, job: ImportJob) -> ImportJob:
    """Queue an interrupted job (or one left waiting too long) again, from the first line:
    an interrupted job wrote nothing, because checking and importing each run in one
    transaction.

    Raises `ImportNotYours` for anyone but its uploader or an admin, `ImportStillRunning`
    while a worker holds it and `ImportNotInterrupted` for a job not in progress.
    """
    membership = membership_for(tenant=tenant, user=user)
    if job.created_by_id != user.pk and (membership is None or membership.role != Role.ADMIN):
        raise ImportNotYours()
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update(nowait=True).get(tenant=tenant, pk=job.pk)
    except DatabaseError:  # the worker's transaction holds the row
        raise ImportStillRunning() from None
    state = liveness(job)
    if state == "running":
        raise ImportStillRunning()
    if not may_resume(job, state):
        raise ImportNotInterrupted(status=job.get_status_display().lower())
    job.taken_at, job.taken_by = None, ""
    job.message = ""
    job.save(update_fields=["taken_at", "taken_by", "message"])
    from erp.imports.tasks import check_import_task, run_import_task

    task = check_import_task if job.status == ImportStatus.VALIDATING else run_import_task
    outbox.enqueue(task, tenant.pk, job.pk)
    return job


def mark_failed(*, tenant: Tenant, job_id: int, reason: str) -> None:
    """Record why a task gave up, so the page stops waiting (in its own transaction)."""
    with transaction.atomic():
        ImportJob.objects.filter(tenant=tenant, pk=job_id).exclude(status=ImportStatus.DONE).update(
            status=ImportStatus.FAILED,
            message=f"The import stopped: {reason}",
            finished_at=timezone.now(),
        )
