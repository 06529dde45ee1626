"""Finance's credit pages: credits awaiting a decision, decisions, and the export of approved
credits for the accounting system (CSV)."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.exports.cells import neutralise
from erp.idempotency import idempotent
from erp.replica import read_on_replica
from erp.roles import has_role, roles_required
from returns import selectors
from returns.forms import DecisionForm
from returns.permissions import CREDIT_APPROVERS, LEDGER_READERS
from returns.policy import settings_for
from returns.services import credits

READERS = CREDIT_APPROVERS | LEDGER_READERS


@roles_required(*READERS)
def credit_list(request: HttpRequest) -> HttpResponse:
    context = {
        "pending": selectors.pending_credits(tenant=request.tenant),
        "decided": selectors.credits(tenant=request.tenant)
        .exclude(status="pending")
        .order_by("-decided_at")[:50],
        "threshold": settings_for(request.tenant).credit_approval_threshold,
        "form": DecisionForm(),
        # Readers of the register (owners) see what waits without the decision's form.
        "can_decide": has_role(request, CREDIT_APPROVERS),
    }
    return render(request, "returns/credits/list.html", context)


def _decide(request: HttpRequest, pk: int, decide, done: str) -> HttpResponse:
    credit = get_object_or_404(selectors.credits(tenant=request.tenant), pk=pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        decide(tenant=request.tenant, user=request.user, credit=credit, note=note)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done.format(number=credit.number, rma=credit.rma.number))
    return redirect("returns:credit_list")


@require_POST
@roles_required(*CREDIT_APPROVERS)
@idempotent
def credit_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, credits.approve, "Credit {number} approved: {rma} is credited.")


@require_POST
@roles_required(*CREDIT_APPROVERS)
@idempotent
def credit_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, credits.reject, "Credit {number} rejected.")


EXPORT_COLUMNS = [
    "credit", "rma", "customer_code", "customer_name", "order", "approved_on", "returned_value",
    "non_creditable", "restocking_fee", "amount", "requested_by", "approved_by",
]  # fmt: skip


@roles_required(*LEDGER_READERS)
def credit_export(request: HttpRequest) -> HttpResponse:
    """Approved credits, oldest first, one row each. Built before the response so the read
    runs in a tenant transaction (a streamed body would run after it): on the replica when
    there is one, as an export may be seconds stale; the header `X-Stockline-Note` says when
    the primary answered instead, and why."""
    read = read_on_replica(lambda alias: _credits_csv(request.tenant, alias))
    response = HttpResponse(read.result, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="credits.csv"'
    if read.note:
        response["X-Stockline-Note"] = read.note
    return response


def _credits_csv(tenant, alias: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for credit in selectors.approved_credits(tenant=tenant).using(alias):
        # Text from users (names, numbers) is neutralised against CSV injection; the amounts
        # are numbers and stay as they are.
        writer.writerow([
            *map(neutralise, [credit.number, credit.rma.number, credit.rma.customer.code,
                              credit.rma.customer.name, credit.rma.order.number]),
            credit.decided_at.date().isoformat(),
            f"{credit.returned_value:.2f}", f"{credit.non_creditable:.2f}",
            f"{credit.restocking_fee:.2f}", f"{credit.amount:.2f}",
            neutralise(credit.requested_by.email), neutralise(credit.decided_by.email),
        ])  # fmt: skip
    return out.getvalue()
