"""Putaway pages: the operator's scanner page that puts a received load away, the supervisor's
putaway queue, and the admin's putaway rules."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from erp.errors import DomainError
from erp.history import changes
from erp.idempotency import idempotent
from erp.numbers import plain
from erp.roles import Role, roles_required
from inventory import scanning
from warehouse.models import PutawayTask, TaskState
from warehouse.permissions import FLOOR, SUPERVISORS
from warehouse.putaway import rules, selectors, services
from warehouse.putaway.forms import PutawayForm, PutawayRuleForm
from warehouse.states import putaway_machine


@roles_required(*FLOOR)
def putaway_next(request: HttpRequest) -> HttpResponse:
    task = selectors.open_putaway_tasks(tenant=request.tenant, site=request.site).first()
    if task is not None:
        return redirect("warehouse:putaway_task", task.pk)
    return render(request, "warehouse/scan/putaway_none.html", {"site": request.site})


@roles_required(*FLOOR)
@idempotent
def putaway_task(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(selectors.putaway_tasks(tenant=request.tenant), pk=pk)
    form = PutawayForm(request.POST or None)
    if not putaway_machine.can(task, "complete") and request.method == "GET":
        messages.info(request, f"Putaway #{task.pk} is {task.get_state_display().lower()}.")
        return redirect("warehouse:putaway_next")
    prompt = ""
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            location = scanning.resolve_bin(
                tenant=request.tenant, code=form.cleaned_data["bin"], site=task.from_location.site
            )
        except DomainError as exc:
            form.refuse("bin", str(exc))
        else:
            suggested = task.suggested_location
            if suggested and location.pk != suggested.pk and not reason.strip():
                # A real bin, not the one suggested: ask why rather than refuse the scan.
                form.focus("reason")
                prompt = f"{location.code} is not the suggested bin {suggested.code}; say why you chose it."
            else:
                try:
                    task = services.complete(
                        tenant=request.tenant, user=request.user, task=task, location=location,
                        override_reason=reason,
                    )  # fmt: skip
                except services.PutawayError as exc:
                    form.refuse("bin", str(exc))
                except DomainError as exc:
                    form.refuse(None, str(exc))
                else:
                    messages.success(
                        request,
                        f"Put {plain(task.quantity)} {task.item.base_unit} of {task.item.sku} into {task.to_location.code}.",
                    )
                    return redirect("warehouse:putaway_next")
    remaining = PutawayTask.objects.filter(tenant=request.tenant, state=TaskState.OPEN).count()
    return render(
        request,
        "warehouse/scan/putaway_task.html",
        {"task": task, "form": form, "remaining": remaining, "prompt": prompt},
        status=422 if form.errors else 200,
    )


@roles_required(*SUPERVISORS)
def putaway_queue(request: HttpRequest) -> HttpResponse:
    tasks = selectors.open_putaway_tasks(tenant=request.tenant)[:300]
    template = (
        "warehouse/receiving/_putaway_rows.html"
        if request.htmx
        else "warehouse/receiving/putaway_queue.html"
    )
    return render(request, template, {"tasks": tasks, "now": timezone.now()})


@roles_required(Role.ADMIN)
def rule_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "warehouse/settings/rules.html",
        {"rules": selectors.putaway_rules(tenant=request.tenant)},
    )


@roles_required(Role.ADMIN)
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    rule = get_object_or_404(selectors.putaway_rules(tenant=request.tenant), pk=pk) if pk else None
    form = PutawayRuleForm(request.POST or None, instance=rule, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        try:
            saved = rules.save_rule(
                tenant=request.tenant, user=request.user, rule=form.save(commit=False)
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Rule '{saved.name}' saved.")
            return redirect("warehouse:rule_list")
    context = {"form": form, "rule": rule, "history": changes(rule) if rule else []}
    return render(
        request, "warehouse/settings/rule_form.html", context, status=422 if form.errors else 200
    )
