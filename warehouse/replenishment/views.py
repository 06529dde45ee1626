"""Replenishment pages: the supervisor's min/max list and replenishment queue, and the
operator's scanner page that moves a replenishment from reserve to its face."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.history import changes
from erp.idempotency import idempotent
from erp.outbox import enqueue
from erp.roles import roles_required
from erp.tables import Column, build_table, table_response
from warehouse.models import PickFace, ReplenishmentState, WorkKind, WorkTask
from warehouse.permissions import FLOOR, SUPERVISORS
from warehouse.replenishment import selectors, services
from warehouse.replenishment.filters import PickFaceFilter
from warehouse.replenishment.forms import PickFaceForm, ReplenishForm


@roles_required(*SUPERVISORS)
def face_list(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request,
        name="faces",
        queryset=selectors.faces(tenant=request.tenant),
        filterset_class=PickFaceFilter,
        columns=[
            Column("Site", "bin__site__code", value="bin.site.code"),
            Column("Bin", "bin__code", value="bin.code"),
            Column("Item", "item__sku", value="item.sku"),
            Column("Min", "min_quantity", css="num", value="min_quantity"),
            Column("Max", "max_quantity", css="num", value="max_quantity"),
            Column("Unit", css="hide-sm", value="unit"),
        ],
        row_template="warehouse/replenishment/_face_row.html",
        per_page=50,
        empty="No pick faces have a min/max yet.",
    )
    return table_response(request, template="warehouse/replenishment/faces.html", table=table)


@roles_required(*SUPERVISORS)
@idempotent
def face_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    face = (
        get_object_or_404(selectors.faces(tenant=request.tenant), pk=pk) if pk is not None else None
    )
    form = PickFaceForm(request.POST or None, tenant=request.tenant, face=face)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = face or PickFace(tenant=request.tenant)
        target.bin, target.item = data["bin_obj"], data["item_obj"]
        target.min_quantity, target.max_quantity = data["min_quantity"], data["max_quantity"]
        target.unit = data["unit"].strip()
        duplicate = (
            selectors.faces(tenant=request.tenant)
            .filter(bin=target.bin, item=target.item)
            .exclude(pk=target.pk)
            .exists()
        )
        if duplicate:
            form.add_error("bin", f"{target.bin.code} already has a min/max for {target.item.sku}.")
        else:
            try:
                saved = services.save_face(tenant=request.tenant, user=request.user, face=target)
            except DomainError as exc:
                field = getattr(exc, "field", None)
                form.add_error(field if field in form.fields else None, str(exc))
            else:
                messages.success(request, f"Min/max for {saved.bin.code} {saved.item.sku} saved.")
                return redirect("warehouse:face_list")
    context = {"form": form, "face": face, "history": changes(face) if face else []}
    return render(
        request, "warehouse/replenishment/face_form.html", context,
        status=422 if form.errors else 200,
    )  # fmt: skip


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def face_delete(request: HttpRequest, pk: int) -> HttpResponse:
    face = get_object_or_404(selectors.faces(tenant=request.tenant), pk=pk)
    try:
        services.delete_face(tenant=request.tenant, user=request.user, face=face)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("warehouse:face_edit", face.pk)
    messages.success(request, f"Min/max for {face.bin.code} {face.item.sku} removed.")
    return redirect("warehouse:face_list")


@roles_required(*SUPERVISORS)
def replenish_queue(request: HttpRequest) -> HttpResponse:
    """Open replenishments, the faces that waiting picks will empty first, then the oldest."""
    tasks = list(selectors.open_replenishments(tenant=request.tenant)[:500])
    entries = {
        entry.reference: entry
        for entry in WorkTask.objects.filter(
            tenant=request.tenant, kind=WorkKind.REPLENISH, reference__in=[t.pk for t in tasks]
        ).select_related("assignee")
    }
    rows = sorted(
        ((task, entries.get(task.pk)) for task in tasks),
        key=lambda pair: (pair[1].priority if pair[1] else 9, pair[0].created_at, pair[0].pk),
    )
    template = (
        "warehouse/replenishment/_queue_rows.html"
        if request.htmx
        else "warehouse/replenishment/queue.html"
    )
    return render(request, template, {"rows": rows, "now": timezone.now()})


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def replenish_run(request: HttpRequest) -> HttpResponse:
    """Queue a run for the supervisor's site now rather than waiting for the schedule."""
    from warehouse.tasks import replenish_task

    site = getattr(request, "site", None)
    enqueue(replenish_task, request.tenant.pk, site.pk if site else None)
    messages.success(request, "A replenishment run is on its way; the queue fills in shortly.")
    return redirect("warehouse:replenish_queue")


@roles_required(*FLOOR)
@idempotent
def replenish_task(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(selectors.replenishments(tenant=request.tenant), pk=pk)
    if task.state != ReplenishmentState.OPEN and request.method == "GET":
        messages.info(request, f"Replenishment #{task.pk} is {task.get_state_display().lower()}.")
        return redirect("warehouse:my_work")
    form = ReplenishForm(request.POST or None, task=task)
    prompt = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.complete_scanned(
                tenant=request.tenant, user=request.user, task=task,
                source_code=data["source"], item_code=data["item"],
                lot_code=data.get("lot", ""), quantity=data["quantity"],
                destination_code=data["destination"],
            )  # fmt: skip
        except DomainError as exc:
            form.refuse(getattr(exc, "field", None), str(exc))
        else:
            if result.needs:
                form.focus(result.needs)
                prompt = result.message
            else:
                if result.repeat:
                    messages.info(request, result.message)
                elif result.task.state == ReplenishmentState.SHORT:
                    messages.warning(request, result.message)
                else:
                    messages.success(request, result.message)
                return redirect("warehouse:my_work")
    return render(
        request, "warehouse/scan/replenish_task.html",
        {"task": task, "form": form, "prompt": prompt}, status=422 if form.errors else 200,
    )  # fmt: skip
