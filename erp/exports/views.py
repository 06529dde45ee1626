"""Background exports: start one (POST from the too-large page), watch it, download it.

Only the member who started a job sees it; another user's or another tenant's job is a 404.
The role check is the page's own: starting replays the page's view as this member.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from erp.errors import DomainError
from erp.exports import selectors, services
from erp.exports.forms import StartExportForm
from erp.exports.models import ExportStatus
from erp.exports.replay import as_get, export_of
from erp.idempotency import idempotent

RECENT = 20


@idempotent
def start(request: HttpRequest) -> HttpResponse:
    form = StartExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That export request was incomplete: open the page again.")
        return redirect("exports:list")
    path, query = form.cleaned_data["path"], form.cleaned_data["query"]
    try:
        export = export_of(as_get(request, path, query), path, query)
        job = services.start_export(
            tenant=request.tenant,
            user=request.user,
            export=export,
            path=path,
            query=query,
            session={
                key: request.session[key]
                for key in settings.STOCKLINE_EXPORT_SESSION_KEYS
                if key in request.session
            },
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("exports:list")
    return redirect("exports:detail", job.pk)


def job_list(request: HttpRequest) -> HttpResponse:
    jobs = selectors.export_jobs(tenant=request.tenant, user=request.user)[:RECENT]
    return render(request, "erp/exports/list.html", {"jobs": jobs})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(selectors.export_jobs(tenant=request.tenant, user=request.user), pk=pk)
    progress = services.progress(job)
    total = progress.get("total") or 0
    context = {
        "job": job,
        "progress": progress,
        "percent": min(100, int(100 * progress.get("done", 0) / total)) if total else 0,
        "liveness": services.liveness(job),
        "waiting_too_long": services.waiting_too_long(job),
    }
    if request.htmx and request.htmx.target == "export-status":
        return render(request, "erp/exports/_status.html", context)
    return render(request, "erp/exports/detail.html", context)


def download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_object_or_404(selectors.export_jobs(tenant=request.tenant, user=request.user), pk=pk)
    if job.status != ExportStatus.DONE or not job.stored_as:
        raise Http404("This export has no file (yet).")
    try:
        handle = services.open_file(job)
    except FileNotFoundError:
        raise Http404("This export's file has expired.") from None
    response = FileResponse(handle, as_attachment=True, filename=job.filename)
    response["Cache-Control"] = "no-store"
    return response
