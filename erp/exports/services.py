"""The life of a background export: queued (by its owner's POST) -> running -> done | failed,
and gone after `STOCKLINE_EXPORT_KEEP_HOURS`.

The worker replays the page's request as its owner (`erp.exports.replay`), so the file holds
what the page's filters showed when it runs, read where the page reads. It writes the file to
a temporary file a chunk at a time and then into the `exports` storage; progress goes to the
cache (the rows are read in one long transaction, whose own writes nobody could see yet).
"""

from __future__ import annotations

import contextlib
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from erp import jobs, outbox
from erp.exports.core import Export
from erp.exports.models import ExportJob, ExportStatus
from erp.models import Membership, Tenant, User

# A job queued this long without a worker taking it up is said to be waiting too long.
WAITING_TOO_LONG = timedelta(minutes=2)


def storage():
    return storages["exports"]


def progress_key(job_id: int) -> str:
    return f"export:{job_id}:progress"


def _progress(job_id: int, done: int, total: int) -> None:
    value = {"done": done, "total": total, "at": timezone.now().isoformat()}
    with contextlib.suppress(Exception):  # Redis down costs the progress bar, not the export
        cache.set(progress_key(job_id), value, timeout=3600)


def progress(job: ExportJob) -> dict:
    """{"done", "total", "at"}: the worker's latest word while it runs, else the job's own."""
    value = None
    if job.in_progress:
        try:
            value = cache.get(progress_key(job.pk))
        except Exception:
            value = None
    if value and value.get("at"):
        value["at"] = parse_datetime(value["at"])
    return value or {"done": job.rows_done, "total": job.rows_total, "at": job.finished_at}


def liveness(job: ExportJob) -> str | None:
    """ "running", "interrupted" (taken up, and its worker holds the lock no more) or "waiting"
    for a job in progress; None otherwise."""
    if not job.in_progress:
        return None
    if jobs.running(jobs.EXPORT, job.pk):
        return "running"
    return "interrupted" if job.taken_at else "waiting"


def waiting_too_long(job: ExportJob) -> bool:
    return job.status == ExportStatus.QUEUED and timezone.now() - job.created_at > WAITING_TOO_LONG


@transaction.atomic
def start_export(
    *, tenant: Tenant, user: User, export: Export, path: str, query: str, session: dict
) -> ExportJob:
    """Queue the export of a page (after commit) as `user`'s job. `export` is what the page
    gave `user` for `path?query` (`erp.exports.replay.export_of`), which checked their role."""
    job = ExportJob.objects.create(
        tenant=tenant,
        created_by=user,
        expires_at=timezone.now() + timedelta(hours=settings.STOCKLINE_EXPORT_KEEP_HOURS),
        path=path,
        query=query,
        session=session,
        title=export.name.replace("-", " ").replace("_", " ").capitalize(),
        format=export.format,
        filename=export.filename,
    )
    from erp.exports.tasks import run_export_task

    outbox.enqueue(run_export_task, tenant.pk, job.pk)
    return job


def take(*, tenant: Tenant, job_id: int, worker: str) -> bool:
    """Record, committed at once, that `worker` has taken up a queued (or interrupted) job;
    False for a job already finished (a redelivered task)."""
    with transaction.atomic():
        return bool(
            ExportJob.objects.filter(
                tenant=tenant,
                pk=job_id,
                status__in=(ExportStatus.QUEUED, ExportStatus.RUNNING),
            ).update(status=ExportStatus.RUNNING, taken_at=timezone.now(), taken_by=worker[:200])
        )


def replayed_export(*, tenant: Tenant, job: ExportJob) -> Export:
    """The export the job's page gives its owner now. Raises ExportNotAvailable,
    PermissionDenied (the owner's role may no longer open the page) or Http404."""
    from erp.exports.replay import worker_request

    membership = (
        Membership.objects.filter(tenant=tenant, user=job.created_by, is_active=True)
        .select_related("tenant", "user")
        .first()
    )
    request, view = worker_request(
        tenant=tenant,
        user=job.created_by,
        membership=membership,
        path=job.path,
        query=job.query,
        session=job.session,
    )
    if membership is None:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("You are no longer a member of this organisation.")
    return view(request)


def write_file(*, job: ExportJob, export: Export, total: int) -> tuple[str, int, int]:
    """Stream the export into the exports storage; returns (stored name, bytes, rows)."""
    rows = 0

    def seen(done: int) -> None:
        nonlocal rows
        rows = done
        _progress(job.pk, done, total)

    with tempfile.TemporaryFile() as out:
        for piece in export.stream(progress=seen):
            out.write(piece)
        size = out.tell()
        out.seek(0)
        name = f"{job.tenant_id}/{job.pk}/{export.filename}"
        stored = storage().save(name, File(out, name=export.filename))
    return stored, size, rows


def finish(*, tenant: Tenant, job_id: int, stored: str, size: int, rows: int) -> None:
    with transaction.atomic():
        ExportJob.objects.filter(tenant=tenant, pk=job_id).update(
            status=ExportStatus.DONE,
            stored_as=stored,
            size=size,
            rows_done=rows,
            rows_total=rows,
            finished_at=timezone.now(),
            message=f"{rows} row(s) exported.",
        )
    _progress(job_id, rows, rows)


def set_total(*, tenant: Tenant, job_id: int, total: int) -> None:
    with transaction.atomic():
        ExportJob.objects.filter(tenant=tenant, pk=job_id).update(rows_total=total)
    _progress(job_id, 0, total)


def mark_failed(*, tenant: Tenant, job_id: int, reason: str) -> None:
    """Record why the export stopped, so the page stops waiting (in its own transaction)."""
    with transaction.atomic():
        ExportJob.objects.filter(tenant=tenant, pk=job_id).exclude(status=ExportStatus.DONE).update(
            status=ExportStatus.FAILED,
            message=f"The export stopped: {reason}",
            finished_at=timezone.now(),
        )


def open_file(job: ExportJob):
    return storage().open(job.stored_as, "rb")


@transaction.atomic
def expire_exports(*, tenant: Tenant) -> int:
    """Delete the tenant's jobs past `expires_at`, and their files; returns how many."""
    expired = list(
        ExportJob.objects.filter(tenant=tenant, expires_at__lt=timezone.now())
        .select_for_update(skip_locked=True)
        .only("pk", "stored_as")
    )
    for job in expired:
        if job.stored_as:
            with contextlib.suppress(FileNotFoundError):
                storage().delete(job.stored_as)
    ExportJob.objects.filter(tenant=tenant, pk__in=[j.pk for j in expired]).delete()
    return len(expired)
