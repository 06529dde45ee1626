"""The task queue's pages: "My work" on the scanner, the supervisor's live queue and a task's
page where it is reassigned, reprioritised, put back or cancelled."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.history import changes
from erp.idempotency import idempotent
from erp.parsing import parse_id
from erp.roles import has_role, roles_required
from erp.tables import Column, build_table, table_response
from warehouse.models import WorkTask
from warehouse.permissions import FLOOR, STARTERS, SUPERVISORS
from warehouse.workqueue import kinds, selectors, services
from warehouse.workqueue.forms import ChangeForm, StartForm, WorkFilter, zone_at
from warehouse.workqueue.states import ACTIVE, machine


def _open_url(task: WorkTask) -> str | None:
    try:
        return kinds.of(task.kind).url(task.reference)
    except LookupError:
        return None


@roles_required(*FLOOR)
def my_work(request: HttpRequest) -> HttpResponse:
    """What this operator has started, and the next task they would be handed. Only reads:
    starting is the Start button's POST."""
    tenant, site = request.tenant, request.site
    zones = site.zones.order_by("code") if site is not None else []
    zone_id = parse_id(request.GET.get("zone"))
    zone = zone_at(tenant, site, zone_id)
    unknown_zone = bool(request.GET.get("zone")) and zone is None
    started = [
        (task, _open_url(task)) for task in selectors.started_by(tenant=tenant, user=request.user)
    ]
    waiting = (
        selectors.waiting_for(
            tenant=tenant, user=request.user, site=site, zone=zone
        ).select_related("zone")
        if site is not None
        else WorkTask.objects.none()
    )
    context = {
        "site": site,
        "zones": zones,
        "zone": zone,
        "unknown_zone": unknown_zone,
        "started": started,
        "next": waiting.first(),
        "waiting_count": waiting.count(),
        "can_start": has_role(request, STARTERS),
        "now": timezone.now(),
    }
    return render(request, "warehouse/work/mine.html", context)


@require_POST
@roles_required(*STARTERS)
@idempotent
def work_start(request: HttpRequest) -> HttpResponse:
    form = StartForm(request.POST)
    tenant, site = request.tenant, request.site
    back = redirect("warehouse:my_work")
    if not form.is_valid():
        messages.error(request, "That start came with junk in it; look again and press Start.")
        return back
    if site is None:
        messages.error(request, "Choose the site you work at in the top bar first.")
        return back
    zone = zone_at(tenant, site, form.cleaned_data["zone"])
    chosen = form.cleaned_data["task"]
    try:
        if chosen is not None:
            seen = selectors.tasks(tenant=tenant).filter(pk=chosen, site=site).first()
            task = (
                services.start(tenant=tenant, user=request.user, task=seen)
                if seen is not None
                else None
            )
        else:
            task = services.start_next(tenant=tenant, user=request.user, site=site, zone=zone)
    except DomainError as exc:
        messages.warning(request, f"{exc} Here is what is waiting now.")
        return back
    if task is None:
        messages.info(request, "Nothing is waiting for you here.")
        return back
    url = _open_url(task)
    return redirect(url) if url else back


@roles_required(*SUPERVISORS)
def work_queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    table = build_table(
        request,
        name="work",
        queryset=selectors.queue(tenant=request.tenant),
        filterset_class=WorkFilter,
        columns=[
            Column("Priority", "priority", value="get_priority_display"),
            Column("Type", "kind", css="hide-sm", value="get_kind_display"),
            Column("Work", value="summary"),
            Column("Site", "site__code", css="hide-sm", value="site.code"),
            Column("Zone", "zone__code", css="hide-sm", value="zone.code"),
            Column(
                "Assignee",
                "assignee__full_name",
                value=lambda row: row.assignee.get_short_name() if row.assignee else "",
            ),
            Column("Status", "status", css="hide-sm", value="get_status_display"),
            Column("Waiting", "created_at", css="nowrap", value="created_at"),
            Column("Due", "due_at", css="nowrap hide-md", value="due_at"),
        ],
        row_template="warehouse/work/_row.html",
        per_page=50,
        extra={"now": now},
        empty="No open work matches these filters.",
    )
    return table_response(request, template="warehouse/work/queue.html", table=table)


def _task(request: HttpRequest, pk: int) -> WorkTask:
    return get_object_or_404(
        selectors.tasks(tenant=request.tenant).select_related("site", "zone", "assignee"), pk=pk
    )


def _actions(request: HttpRequest, task: WorkTask) -> set[str]:
    offered = {
        step.name for step in machine.allowed(task, tenant=request.tenant, user=request.user)
    }
    try:
        kind = kinds.of(task.kind)
    except LookupError:
        return set()
    if kind.cancel is None:
        offered.discard("cancel")
    return offered


def _detail_page(request: HttpRequest, task: WorkTask, form: ChangeForm, status: int = 200):
    context = {
        "task": task,
        "form": form,
        "actions": _actions(request, task),
        "editable": task.status in ACTIVE,
        "open_url": _open_url(task),
        "history": changes(task),
        "now": timezone.now(),
    }
    return render(request, "warehouse/work/detail.html", context, status=status)


@roles_required(*SUPERVISORS)
def work_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    form = ChangeForm(tenant=request.tenant, initial={"priority": task.priority})
    return _detail_page(request, task, form)


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def work_change(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    form = ChangeForm(request.POST, tenant=request.tenant)
    if not form.is_valid():
        return _detail_page(request, task, form, status=422)
    tenant, user = request.tenant, request.user
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    try:
        if action == "reassign":
            services.reassign(
                tenant=tenant, user=user, task=task, assignee=form.chosen_person(), reason=reason
            )
        elif action == "reprioritise":
            services.reprioritise(
                tenant=tenant, user=user, task=task, priority=form.cleaned_data["priority"],
                reason=reason,
            )  # fmt: skip
        elif action == "release":
            services.release(tenant=tenant, user=user, task=task, reason=reason)
        else:
            services.cancel(tenant=tenant, user=user, task=task, reason=reason)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Saved; the queue shows it now.")
    return redirect("warehouse:work_detail", task.pk)
