"""The desk's RMA pages: the list, raising one against a shipped order, its lines, its
actions, and proposing its credit."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.history import changes
from erp.idempotency import idempotent
from erp.roles import has_role, roles_required
from erp.tables import Column, build_table, table_response
from returns import selectors
from returns.forms import LineForm, ReasonForm, RmaFilter, RmaForm
from returns.models import RmaStatus
from returns.permissions import DESK, FLOOR, SUPERVISORS, VIEWERS
from returns.services import credits, rmas
from returns.states import available_actions


def rma_or_404(request: HttpRequest, pk: int):
    return get_object_or_404(selectors.rmas(tenant=request.tenant), pk=pk)


@roles_required(*VIEWERS)
def rma_list(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request,
        name="rmas",
        queryset=selectors.rmas(tenant=request.tenant),
        filterset_class=RmaFilter,
        columns=[
            Column("Number", "number", value="number"),
            Column("Customer", "customer__name", value="customer.name"),
            Column("Order", "order__number", css="hide-sm", value="order.number"),
            Column("Reason", "reason", css="hide-sm", value="get_reason_display"),
            Column(
                "Raised",
                "created_at",
                css="nowrap hide-sm",
                value=lambda row: timezone.localdate(row.created_at),
            ),
            Column("Status", "status", value="get_status_display"),
        ],
        row_template="returns/rmas/_row.html",
        default_sort="-number",
        empty="No RMA matches these filters.",
    )
    return table_response(
        request,
        template="returns/rmas/list.html",
        table=table,
        context={"can_raise": has_role(request, DESK)},
    )


@roles_required(*DESK)
@idempotent
def rma_create(request: HttpRequest) -> HttpResponse:
    form = RmaForm(request.POST or None, tenant=request.tenant)
    if request.method == "POST" and form.is_valid():
        try:
            rma = rmas.create(tenant=request.tenant, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{rma.number} drafted: add what comes back.")
            return redirect("returns:rma_detail", rma.pk)
    return render(
        request, "returns/rmas/form.html", {"form": form}, status=422 if form.errors else 200
    )


def _detail(request, rma, *, line_form=None, status=200):
    tenant = request.tenant
    facts = rmas.policy_facts(tenant=tenant, rma=rma)
    actions = available_actions(rma, tenant=tenant, user=request.user, facts=facts)
    draft = rma.status == RmaStatus.DRAFT
    credit_list = list(selectors.credits(tenant=tenant).filter(rma=rma))
    context = {
        "rma": rma,
        "facts": facts,
        "lines": selectors.lines(tenant=tenant, rma=rma),
        "receipts": selectors.receipts(tenant=tenant, rma=rma),
        "discrepancies": selectors.discrepancies(tenant=tenant, rma=rma),
        "inspections": selectors.inspections(tenant=tenant, rma=rma),
        "credits": credit_list,
        "actions": [a for a in actions if a.name != "reject"],
        "can_reject": any(a.name == "reject" for a in actions),
        "reject_form": ReasonForm(),
        "line_form": (line_form or LineForm(tenant=tenant, rma=rma))
        if draft and has_role(request, DESK)
        else None,
        "can_propose": rma.status == RmaStatus.DISPOSITIONED
        and has_role(request, DESK)
        and not any(c.status != "rejected" for c in credit_list),
        "can_inspect": rma.status
        in (RmaStatus.PARTIALLY_RECEIVED, RmaStatus.RECEIVED, RmaStatus.INSPECTED)
        and has_role(request, FLOOR),
        "history": changes(rma),
    }
    return render(request, "returns/rmas/detail.html", context, status=status)


@roles_required(*VIEWERS)
def rma_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, rma_or_404(request, pk))


@require_POST
@roles_required(*DESK)
@idempotent
def rma_add_line(request: HttpRequest, pk: int) -> HttpResponse:
    rma = rma_or_404(request, pk)
    form = LineForm(request.POST, tenant=request.tenant, rma=rma)
    if form.is_valid():
        try:
            rmas.add_line(tenant=request.tenant, user=request.user, rma=rma, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("returns:rma_detail", rma.pk)
    return _detail(request, rma, line_form=form, status=422)


@require_POST
@roles_required(*DESK)
@idempotent
def rma_remove_line(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    rma = rma_or_404(request, pk)
    line = get_object_or_404(selectors.lines(tenant=request.tenant, rma=rma), pk=line_pk)
    try:
        rmas.remove_line(tenant=request.tenant, user=request.user, line=line)
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("returns:rma_detail", rma.pk)


def _action(request: HttpRequest, pk: int, run, done: str) -> HttpResponse:
    rma = rma_or_404(request, pk)
    try:
        run(rma)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done.format(number=rma.number))
    return redirect("returns:rma_detail", rma.pk)


@require_POST
@roles_required(*DESK)
@idempotent
def rma_authorise(request: HttpRequest, pk: int) -> HttpResponse:
    def run(rma):
        rmas.authorise(tenant=request.tenant, user=request.user, rma=rma)

    return _action(request, pk, run, "{number} authorised: the customer may send it back.")


def _reason(request) -> str:
    form = ReasonForm(request.POST)
    return form.cleaned_data["reason"] if form.is_valid() else ""


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def rma_reject(request: HttpRequest, pk: int) -> HttpResponse:
    def run(rma):
        rmas.reject(tenant=request.tenant, user=request.user, rma=rma, reason=_reason(request))

    return _action(request, pk, run, "{number} rejected.")


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def rma_stop_receiving(request: HttpRequest, pk: int) -> HttpResponse:
    def run(rma):
        rmas.stop_receiving(
            tenant=request.tenant, user=request.user, rma=rma, reason=_reason(request)
        )

    return _action(request, pk, run, "{number}: no more is expected; inspection may finish it.")


@require_POST
@roles_required(*SUPERVISORS)
@idempotent
def rma_close(request: HttpRequest, pk: int) -> HttpResponse:
    def run(rma):
        rmas.close(tenant=request.tenant, user=request.user, rma=rma)

    return _action(request, pk, run, "{number} closed.")


@require_POST
@roles_required(*DESK)
@idempotent
def credit_propose(request: HttpRequest, pk: int) -> HttpResponse:
    def run(rma):
        credit = credits.propose(tenant=request.tenant, user=request.user, rma=rma)
        messages.info(request, f"Credit {credit.number} of {credit.amount} awaits approval.")

    return _action(request, pk, run, "{number}: credit proposed.")
