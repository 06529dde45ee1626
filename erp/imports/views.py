"""The import pages of every importer: upload, checked preview or error report with progress,
start. `erp.imports.urls.import_urls` mounts them per kind, guarded by the importer's roles."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from erp.errors import DomainError
from erp.idempotency import idempotent
from erp.imports import selectors, services
from erp.imports.forms import ImportUploadForm
from erp.imports.registry import importer_for

RECENT = 10


@idempotent
def upload(request: HttpRequest, kind: str) -> HttpResponse:
    importer = importer_for(kind)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.create_import(
                tenant=request.tenant,
                user=request.user,
                kind=kind,
                filename=form.cleaned_data["file"]["name"],
                text=form.cleaned_data["file"]["text"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(importer.detail_url_name, job.pk)
    recent = selectors.import_jobs(tenant=request.tenant, kind=kind).defer("content")[:RECENT]
    return render(
        request,
        "erp/imports/upload.html",
        {"form": form, "recent": recent, "importer": importer},
        status=422 if form.errors else 200,
    )


def detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    importer = importer_for(kind)
    job = get_object_or_404(
        selectors.import_jobs(tenant=request.tenant, kind=kind).defer("content"), pk=pk
    )
    progress = services.progress(job)
    total = progress.get("total") or 0
    state = services.liveness(job)
    context = {
        "job": job,
        "liveness": state,
        "may_resume": services.may_resume(job, state),
        "importer": importer,
        "progress": progress,
        "percent": int(100 * progress.get("done", 0) / total) if total else 0,
        "preview": [
            list(zip(row, [c.css for c in importer.preview], strict=False)) for row in job.preview
        ],
    }
    if request.htmx and request.htmx.target == "import-status":
        return render(request, "erp/imports/_status.html", context)
    return render(request, "erp/imports/detail.html", context)


@idempotent
def start(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    importer = importer_for(kind)
    job = get_object_or_404(
        selectors.import_jobs(tenant=request.tenant, kind=kind).defer("content"), pk=pk
    )
    try:
        services.start_import(tenant=request.tenant, user=request.user, job=job)
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(importer.detail_url_name, job.pk)


@idempotent
def resume(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    importer = importer_for(kind)
    job = get_object_or_404(
        selectors.import_jobs(tenant=request.tenant, kind=kind).defer("content"), pk=pk
    )
    try:
        services.resume_import(tenant=request.tenant, user=request.user, job=job)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, "Queued again. Nothing had been written; it runs again from the first line."
        )
    return redirect(importer.detail_url_name, job.pk)
