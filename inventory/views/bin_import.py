"""Admin pages for the bins CSV import: upload, checked preview or error report, progress."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.roles import Role, roles_required
from inventory import selectors
from inventory.forms import BinImportForm
from inventory.services import bin_import

PREVIEW_ROWS = 20


@roles_required(Role.ADMIN)
def upload(request: HttpRequest) -> HttpResponse:
    form = BinImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = bin_import.create_bin_import(
            tenant=request.tenant,
            user=request.user,
            filename=form.cleaned_data["file"]["name"],
            text=form.cleaned_data["file"]["text"],
        )
        return redirect("inventory:bin_import_detail", job.pk)
    recent = selectors.bin_imports(tenant=request.tenant).defer("content")[:10]
    return render(
        request,
        "inventory/bin_import/upload.html",
        {"form": form, "recent": recent, "columns": bin_import.COLUMNS},
        status=422 if form.errors else 200,
    )


def _context(request, job) -> dict:
    context = {"job": job, "progress": bin_import.progress(job)}
    total = context["progress"].get("total") or 0
    context["percent"] = int(100 * context["progress"].get("done", 0) / total) if total else 0
    if job.status == "ready":
        preview = bin_import.check_rows(
            tenant=request.tenant, text="\n".join(job.content.splitlines()[: PREVIEW_ROWS + 1])
        )
        context["preview"] = preview.rows
    return context


@roles_required(Role.ADMIN)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(selectors.bin_imports(tenant=request.tenant), pk=pk)
    context = _context(request, job)
    if request.htmx and request.htmx.target == "import-status":
        return render(request, "inventory/bin_import/_status.html", context)
    return render(request, "inventory/bin_import/detail.html", context)


@require_POST
@roles_required(Role.ADMIN)
def start(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(selectors.bin_imports(tenant=request.tenant), pk=pk)
    try:
        bin_import.start_bin_import(tenant=request.tenant, user=request.user, job=job)
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("inventory:bin_import_detail", job.pk)
