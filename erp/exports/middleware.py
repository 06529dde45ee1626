"""Answers a table's `ExportRequested` (erp.tables): the file, streamed, or a page offering a
background export when there are more rows than a request should stream."""

from __future__ import annotations

from django.conf import settings
from django.http import StreamingHttpResponse
from django.shortcuts import render

from erp.exports.core import Export, ExportRequested


class ExportMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ExportRequested):
            return None
        export = exception.export
        limit = settings.STOCKLINE_EXPORT_INLINE_ROWS
        if export.count(limit + 1) > limit:
            return too_large(request, export, limit)
        return streamed(export)


def streamed(export: Export) -> StreamingHttpResponse:
    # The body is read after this request's transaction has ended: `Export.chunks` opens a
    # transaction of its own, with the tenant, for the rows.
    response = StreamingHttpResponse(export.stream(), content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def too_large(request, export: Export, limit: int):
    """GET changes nothing: the page offers a button that starts the job (a POST)."""
    # A paged table counts its rows for the pager anyway; a keyset table (the ledger) is not
    # counted, which could cost as much as the export.
    total = None if export.keyset_order else export.full_count()
    return render(
        request,
        "erp/exports/too_large.html",
        {
            "export": export,
            "total": total,
            "limit": limit,
            "keep_hours": settings.STOCKLINE_EXPORT_KEEP_HOURS,
            "path": request.path,
            "query": request.GET.urlencode(),
            "back": _without_export(request),
        },
    )


def _without_export(request) -> str:
    params = request.GET.copy()
    for key in [k for k in params if k == "export" or k.endswith("-export")]:
        params.pop(key)
    return f"{request.path}?{params.urlencode()}"
