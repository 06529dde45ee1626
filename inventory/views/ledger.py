"""The ledger browser: posted stock transactions and their entries, read-only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from erp.roles import Role, roles_required
from erp.tables import Column, build_table, table_response
from inventory import selectors
from inventory.filters import EntryFilter, TransactionFilter

LEDGER_ROLES = (Role.SUPERVISOR, Role.FINANCE, Role.ADMIN)


@roles_required(*LEDGER_ROLES)
def transaction_list(request: HttpRequest) -> HttpResponse:
    table = build_table(
        request,
        name="transactions",
        queryset=selectors.transactions(tenant=request.tenant),
        filterset_class=TransactionFilter,
        columns=[
            Column("#", "id", css="num"),
            Column("Posted at (UTC)", "posted_at"),
            Column("Kind", "kind"),
            Column("Reference", "reference"),
            Column("Posted by", "posted_by__email"),
            Column("Reason"),
            Column("Lines", css="num"),
            Column("Reversal"),
        ],
        row_template="inventory/ledger/_row.html",
        default_sort="-posted_at",
    )
    return table_response(request, template="inventory/ledger/list.html", table=table)


@roles_required(*LEDGER_ROLES)
def transaction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    transaction = get_object_or_404(selectors.transactions(tenant=request.tenant), pk=pk)
    table = build_table(
        request,
        name="entries",
        queryset=selectors.transaction_entries(tenant=request.tenant, transaction=transaction),
        filterset_class=EntryFilter,
        columns=[
            Column("SKU", "item__sku"),
            Column("Description"),
            Column("Location", "location__code"),
            Column("Site", "site__code"),
            Column("Lot", "lot__code"),
            Column("Serial", "serial__serial"),
            Column("Status", "status"),
            Column("Quantity", "quantity", css="num"),
            Column("Unit cost", "unit_cost", css="num"),
            Column("Value", "value", css="num"),
        ],
        row_template="inventory/ledger/_entry_row.html",
        per_page=50,
    )
    return table_response(
        request,
        template="inventory/ledger/detail.html",
        table=table,
        context={"transaction": transaction},
    )
