"""Search-as-you-type for the RMA form: shipped orders by number or customer (erp.lookups)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from erp.lookups import Option, lookup_response
from erp.roles import roles_required
from returns import selectors
from returns.permissions import DESK


@require_GET
@roles_required(*DESK)
def shipped_order_lookup(request: HttpRequest) -> HttpResponse:
    def search(query: str, limit: int):
        found = selectors.shipped_order_matches(tenant=request.tenant, query=query, limit=limit)
        return [
            Option(o.number, f"{o.customer.name} · ordered {o.order_date:%Y-%m-%d}") for o in found
        ]

    return lookup_response(request, search)
