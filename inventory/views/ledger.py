"""The ledger browser: posted stock transactions and their entries, read-only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from erp.errors import DomainError
from erp.idempotency import idempotent
from erp.roles import has_role, roles_required
from erp.tables import Column, build_table, table_response
from inventory import selectors
from inventory.filters import EntryFilter, TransactionFilter
from inventory.models import Adjustment
from inventory.permissions import LEDGER_READERS, REVERSERS
from inventory.services import reversals
from inventory.services.adjustments import settings_for


class ReverseForm(forms.Form):
    reason = forms.CharField(max_length=200, help_text="Why this transaction is being undone")


def _reversal(row) -> str:
    if row.reverses_id:
        return f"reverses #{row.reverses_id}"
    if row.reversed_by_id:
        return f"reversed by #{row.reversed_by_id}"
    return ""


@roles_required(*LEDGER_READERS)
def transaction_list(request: HttpRequest) -> HttpResponse:
    # Keyset pages: the history only grows, and an OFFSET page would read (and count the lines
    # of) every transaction before it. Sorts are the ones an index serves: (tenant, posted_at,
    # id) and (tenant, id).
    table = build_table(
        request,
        name="transactions",
        queryset=selectors.transactions(tenant=request.tenant),
        filterset_class=TransactionFilter,
        columns=[
            Column("#", "id", css="num", value="pk"),
            Column("Posted at", "posted_at", value="posted_at"),
            Column("Kind", value="get_kind_display"),
            Column("Reference", value="reference"),
            Column("Posted by", value=lambda row: str(row.posted_by or "system")),
            Column("Reason", value="reason"),
            Column("Lines", css="num", value="line_count"),
            Column("Reversal", value=_reversal),
        ],
        row_template="inventory/ledger/_row.html",
        default_sort="-posted_at",
        per_page=50,
        keyset=True,
    )
    return table_response(request, template="inventory/ledger/list.html", table=table)


@roles_required(*LEDGER_READERS)
def transaction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    transaction = get_object_or_404(selectors.transactions(tenant=request.tenant), pk=pk)
    # Keyset pages too (a posting may carry thousands of lines); every sort reads only this
    # transaction's entries, and only non-null columns sort, which keyset pages need.
    table = build_table(
        request,
        name="entries",
        queryset=selectors.transaction_entries(tenant=request.tenant, transaction=transaction),
        filterset_class=EntryFilter,
        columns=[
            Column("SKU", "item__sku", value="item.sku"),
            Column("Description", value="item.description"),
            Column("Location", "location__code", value="location.code"),
            Column("Site", value="site.code"),
            Column("Lot", value="lot.code"),
            Column("Serial", value="serial.serial"),
            Column("Status", "status", value="get_status_display"),
            Column("Quantity", "quantity", css="num", value="quantity"),
            Column("Unit cost", "unit_cost", css="num", value="unit_cost"),
            Column("Value", "value", css="num", value="value"),
        ],
        row_template="inventory/ledger/_entry_row.html",
        per_page=50,
        default_sort="pk",
        keyset=True,
    )
    return table_response(
        request,
        template="inventory/ledger/detail.html",
        table=table,
        context={
            "transaction": transaction,
            "reverse_form": ReverseForm() if has_role(request, REVERSERS) else None,
            "pending_reversal": selectors.pending_reversal(
                tenant=request.tenant, transaction=transaction
            ),
            "threshold": settings_for(request.tenant).adjustment_approval_threshold,
        },
    )


@require_POST
@roles_required(*REVERSERS)
@idempotent
def transaction_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """Post the mirror image of a transaction, or, above the threshold, ask another supervisor
    to; the ledger refuses a second reversal."""
    transaction = get_object_or_404(selectors.transactions(tenant=request.tenant), pk=pk)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason to reverse a transaction.")
        return redirect("inventory:transaction_detail", transaction.pk)
    try:
        reversal = reversals.request_reversal(
            tenant=request.tenant,
            user=request.user,
            original=transaction,
            reason=form.cleaned_data["reason"],
            idempotency_key=f"reverse:{transaction.pk}",
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("inventory:transaction_detail", transaction.pk)
    if isinstance(reversal, Adjustment):
        messages.warning(
            request,
            f"Reversing transaction #{transaction.pk} is worth {reversal.estimated_value:.2f}, "
            "above the threshold: it waits for another supervisor's approval.",
        )
        return redirect("inventory:adjustment_detail", reversal.pk)
    messages.success(request, f"Transaction #{transaction.pk} reversed by #{reversal.pk}.")
    return redirect("inventory:transaction_detail", reversal.pk)
