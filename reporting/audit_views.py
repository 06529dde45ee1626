"""The audit trail: stock transactions and history records in one list, its PDF report and the
background reports' pages."""

from __future__ import annotations

import io

from django.core.files.storage import storages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from simple_history.utils import get_history_model_for_model

from erp import history, jobs
from erp.idempotency import idempotent
from erp.replica import read_on_replica
from erp.roles import roles_required
from erp.tables import Column, build_table, table_response
from reporting import selectors, services
from reporting.filters import AuditFilter
from reporting.models import AuditEvent, ReportStatus
from reporting.permissions import AUDIT_READERS


def _lot_serial(row: AuditEvent) -> str:
    return " / ".join(
        x for x in (row.lot.code if row.lot else "", row.serial.serial if row.serial else "") if x
    )


COLUMNS = [
    Column("When", value="at"),
    Column("Who", value=lambda row: str(row.user) if row.user else "system"),
    Column("What", value="what"),
    Column("Document", value=lambda row: row.document or ""),
    Column("Item", value=lambda row: row.item.sku if row.item else ""),
    Column("Lot / serial", value=_lot_serial),
    Column("Reason", value=lambda row: row.reason or ""),
]


@roles_required(*AUDIT_READERS)
def audit_trail(request: HttpRequest) -> HttpResponse:
    # Newest first by keyset: each page is a Merge Append over the view's branches that stops
    # after the page's rows (reporting/audit_view.py says why it stays fast on a big tenant).
    read = read_on_replica(lambda alias: _trail(request, alias))
    return table_response(
        request,
        template="reporting/audit/list.html",
        table=read.result,
        context={"source_note": read.note, "pdf_limit": services.inline_limit()},
    )


def _trail(request: HttpRequest, alias: str):
    return build_table(
        request,
        name="audit",
        queryset=selectors.audit_events(tenant=request.tenant).using(alias),
        filterset_class=AuditFilter,
        columns=COLUMNS,
        row_template="reporting/audit/_row.html",
        default_sort="-at",
        per_page=50,
        keyset=True,
    ).fetch()


@roles_required(*AUDIT_READERS)
def audit_change(request: HttpRequest, source: str, history_id: int) -> HttpResponse:
    """One history record in words (erp.history), beside the object's page when it has one."""
    event = get_object_or_404(
        selectors.audit_events(tenant=request.tenant).exclude(history_id=None),
        source=source,
        history_id=history_id,
    )
    model = event.tracked_model
    if model is None:
        raise Http404
    record = get_object_or_404(get_history_model_for_model(model), history_id=history_id)
    return render(
        request,
        "reporting/audit/change.html",
        {"event": event, "changes": [history.record_change(record)]},
    )


@roles_required(*AUDIT_READERS)
def audit_pdf(request: HttpRequest) -> HttpResponse:
    """The trail under the page's filters as a PDF: at once when small, else a page offering
    to build it in the background (GET changes nothing)."""
    query = request.GET.urlencode()
    limit = services.inline_limit()

    def build(alias: str):
        queryset, filterset = services.filtered(
            tenant=request.tenant, user=request.user, query=query, alias=alias
        )
        rows = queryset[: limit + 1].count()
        if rows > limit:
            return None
        buffer = io.BytesIO()
        services.build_inline(
            buffer,
            tenant=request.tenant,
            user=request.user,
            queryset=queryset,
            filterset=filterset,
            row_count=rows,
        )
        return buffer

    try:
        buffer = read_on_replica(build).result
    except services.InvalidFilters as exc:
        return render(
            request, "reporting/audit/pdf_refused.html", {"message": str(exc)}, status=400
        )
    if buffer is None:
        return render(request, "reporting/audit/pdf_large.html", {"query": query, "limit": limit})
    buffer.seek(0)
    name = f"audit-trail-{timezone.localdate():%Y-%m-%d}.pdf"
    return FileResponse(buffer, as_attachment=True, filename=name, content_type="application/pdf")


@require_POST
@roles_required(*AUDIT_READERS)
@idempotent
def audit_report_start(request: HttpRequest) -> HttpResponse:
    query = request.POST.get("query", "")[:2000]
    try:
        report = services.request_report(tenant=request.tenant, user=request.user, query=query)
    except services.InvalidFilters as exc:
        return render(
            request, "reporting/audit/pdf_refused.html", {"message": str(exc)}, status=422
        )
    return redirect("reporting:audit_report", report.pk)


def _liveness(report) -> str:
    if report.status == ReportStatus.RUNNING and not jobs.running(jobs.AUDIT_REPORT, report.pk):
        return "interrupted"
    return report.status


@roles_required(*AUDIT_READERS)
def audit_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        selectors.audit_reports(tenant=request.tenant, user=request.user), pk=pk
    )
    context = {"report": report, "liveness": _liveness(report)}
    if request.htmx:
        return render(request, "reporting/audit/_report_status.html", context)
    return render(request, "reporting/audit/report.html", context)


@roles_required(*AUDIT_READERS)
def audit_report_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Only the requester, in the tenant they asked in, downloads the file (404 for others)."""
    report = get_object_or_404(
        selectors.audit_reports(tenant=request.tenant, user=request.user),
        pk=pk,
        status=ReportStatus.DONE,
    )
    storage = storages[services.STORAGE]
    if not report.file_name or not storage.exists(report.file_name):
        raise Http404
    return FileResponse(
        storage.open(report.file_name, "rb"),
        as_attachment=True,
        filename=f"audit-trail-{report.pk}.pdf",
        content_type="application/pdf",
    )
