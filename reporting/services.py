"""Audit reports: the PDF of the audit trail for a range and filters, built while the requester
waits when small, in the background (Celery) when large."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from types import SimpleNamespace

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from erp import formats, pdf
from erp.errors import DomainError
from erp.keyset import Keyset
from erp.models import Tenant, User
from erp.tenancy import task_context
from reporting import pdf as report_pdf
from reporting import selectors
from reporting.filters import AuditFilter
from reporting.models import AuditReport, ReportStatus

ORDER = ("-at", "-pk")
STORAGE = "reports"


class InvalidFilters(DomainError):
    """The report's filters no longer check (an item deleted since, a hand-made URL)."""

    def __init__(self, errors: dict):
        self.errors = errors
        words = "; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
        super().__init__(f"The filters do not check: {words}")


def inline_limit() -> int:
    """Reports of more rows than this are built in the background."""
    return int(getattr(settings, "STOCKLINE_AUDIT_PDF_INLINE_ROWS", 5000))


def filtered(*, tenant, user, query: str, alias: str | None = None):
    """(queryset, filterset) of the trail under the filters of `query` (a query string)."""
    queryset = selectors.audit_events(tenant=tenant)
    if alias:
        queryset = queryset.using(alias)
    request = SimpleNamespace(tenant=tenant, user=user)
    filterset = AuditFilter(QueryDict(query) or None, queryset=queryset, request=request)
    if filterset.is_bound and not filterset.is_valid():
        raise InvalidFilters(filterset.errors)
    return filterset.qs, filterset


def heading(*, tenant: Tenant, user: User, filterset, at) -> report_pdf.Heading:
    data = filterset.form.cleaned_data if filterset.is_bound else {}
    start, end = data.get("date_from"), data.get("date_to")
    if start and end:
        period = f"{formats.day(start)} to {formats.day(end)} (UTC days)"
    elif start:
        period = f"from {formats.day(start)} (UTC day)"
    elif end:
        period = f"up to {formats.day(end)} (UTC day)"
    else:
        period = "all dates"
    words = []
    for name in ("user", "item", "lot", "serial", "document", "show"):
        raw = filterset.data.get(name) if filterset.is_bound else None
        if not raw:
            continue
        label = filterset.filters[name].label
        value = data.get(name)
        if name == "user":
            raw = str(value)
        elif name == "show":
            raw = dict(filterset.filters["show"].extra["choices"]).get(raw, raw)
        words.append(f"{label}: {raw}")
    return report_pdf.Heading(
        title="Audit trail",
        tenant=tenant.name,
        period=period,
        filters=words,
        generated=f"{formats.moment(at)} by {user}",
    )


def build_inline(out, *, tenant: Tenant, user: User, queryset, filterset, row_count: int) -> int:
    """Write the report of a small range to `out` now; returns its page count."""
    at = timezone.now()
    rows = report_pdf.stream(queryset.filter(at__lte=at), limit=row_count)
    return report_pdf.build(
        out,
        rows=rows,
        row_count=row_count,
        heading=heading(tenant=tenant, user=user, filterset=filterset, at=at),
        pagesize=pdf.page_size(tenant),
    )


@transaction.atomic
def request_report(*, tenant: Tenant, user: User, query: str) -> AuditReport:
    """Queue the PDF of the trail under `query` for `user`. Raises InvalidFilters."""
    from reporting.tasks import build_audit_report_task

    filtered(tenant=tenant, user=user, query=query)  # refuse junk now, not in the worker
    report = AuditReport.objects.create(tenant=tenant, created_by=user, query=query)
    build_audit_report_task.delay_on_commit(tenant.pk, report.pk)
    return report


def take(*, tenant_id: int, report_id: int) -> bool:
    """Mark the report as being built (committed at once); False if it is done or failed."""
    with task_context(tenant_id) as tenant:
        return bool(
            AuditReport.objects.filter(
                tenant=tenant, pk=report_id, status__in=(ReportStatus.QUEUED, ReportStatus.RUNNING)
            ).update(status=ReportStatus.RUNNING, taken_at=timezone.now(), rows_done=0)
        )


def _save(tenant_id: int, report_id: int, **fields) -> None:
    with task_context(tenant_id) as tenant:
        AuditReport.objects.filter(tenant=tenant, pk=report_id).update(**fields)


def _chunks(tenant_id: int, report: AuditReport, at, limit: int) -> Iterator:
    """The report's rows, each keyset chunk read in a short transaction of its own, so the
    progress the page polls is committed between chunks and no transaction stays open for the
    whole build."""
    cursor, sent = None, 0
    while sent < limit:
        with task_context(tenant_id) as tenant:
            queryset, _ = filtered(tenant=tenant, user=report.created_by, query=report.query)
            pager = Keyset(
                queryset.filter(at__lte=at),
                ORDER,
                salt="reporting:audit_report",
                per_page=report_pdf.CHUNK,
            )
            page = pager.page(cursor)
            rows = list(page.object_list)
            cursor = pager.cursor_after(rows[-1]) if rows and page.next_cursor else None
        yield from rows[: limit - sent]
        sent += len(rows)
        if cursor is None:
            return


def build_report(*, tenant_id: int, report_id: int) -> None:
    """Build the queued report's PDF into the `reports` storage and record it done. Reading
    in chunks, rows_done is committed after every page."""
    with task_context(tenant_id) as tenant:
        report = AuditReport.objects.select_related("created_by").get(tenant=tenant, pk=report_id)
        at = timezone.now()
        queryset, filterset = filtered(tenant=tenant, user=report.created_by, query=report.query)
        row_count = queryset.filter(at__lte=at).count()
        head = heading(tenant=tenant, user=report.created_by, filterset=filterset, at=at)
        pagesize = pdf.page_size(tenant)
    _save(tenant_id, report_id, row_count=row_count)
    last = [0]

    def progress(done: int) -> None:
        if done - last[0] >= report_pdf.CHUNK // 4 or done == row_count:
            last[0] = done
            _save(tenant_id, report_id, rows_done=done)

    name = f"{tenant_id}/audit-{report_id}-{at:%Y%m%d-%H%M%S}.pdf"
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "report.pdf")
        with open(path, "wb") as out:
            pages = report_pdf.build(
                out,
                rows=_chunks(tenant_id, report, at, row_count),
                row_count=row_count,
                heading=head,
                pagesize=pagesize,
                progress=progress,
            )
        with open(path, "rb") as done_file:
            saved = storages[STORAGE].save(name, File(done_file))
    _save(
        tenant_id,
        report_id,
        status=ReportStatus.DONE,
        rows_done=row_count,
        page_count=pages,
        file_name=saved,
        finished_at=timezone.now(),
    )


def mark_failed(*, tenant_id: int, report_id: int, reason: str) -> None:
    with task_context(tenant_id) as tenant:
        AuditReport.objects.filter(tenant=tenant, pk=report_id).exclude(
            status=ReportStatus.DONE
        ).update(
            status=ReportStatus.FAILED,
            message=f"The report stopped: {reason}",
            finished_at=timezone.now(),
        )
