"""Search-as-you-type for the sales forms: customers by code or name (erp.lookups)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from erp.lookups import lookup_response, options
from erp.roles import roles_required
from orders import selectors
from orders.permissions import VIEWERS


@require_GET
@roles_required(*VIEWERS)
def customer_lookup(request: HttpRequest) -> HttpResponse:
    def search(query: str, limit: int):
        found = selectors.customer_matches(tenant=request.tenant, query=query, limit=limit)
        return options(found, value="code", label="name")

    return lookup_response(request, search)
