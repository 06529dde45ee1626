"""Search-as-you-type for the desk forms: items by SKU, description or GTIN, and bins by code,
narrowed to the form's site when it sends one (erp.lookups)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from erp.lookups import MAX_QUERY_LENGTH, Option, lookup_response, options
from erp.parsing import parse_id
from erp.roles import roles_required
from inventory import selectors
from inventory.permissions import DESK


@require_GET
@roles_required(*DESK)
def item_lookup(request: HttpRequest) -> HttpResponse:
    def search(query: str, limit: int):
        found = selectors.item_matches(tenant=request.tenant, query=query, limit=limit)
        return options(found, value="sku", label="description")

    return lookup_response(request, search)


@require_GET
@roles_required(*DESK)
def bin_lookup(request: HttpRequest) -> HttpResponse:
    site = _site(request)

    def search(query: str, limit: int):
        found = selectors.bin_matches(tenant=request.tenant, query=query, limit=limit, site=site)
        return [Option(b.code, f"{b.site.code} · {b.zone.code} · {b.get_bin_type_display()}")
                for b in found]  # fmt: skip

    return lookup_response(request, search)


def _site(request: HttpRequest):
    """The form's site (its id or code), when it sent one that exists; else every site."""
    value = request.GET.get("site", "").strip()
    if not value or len(value) > MAX_QUERY_LENGTH or "\x00" in value:
        return None
    sites = selectors.sites(tenant=request.tenant)
    by_id = parse_id(value)
    return (sites.filter(pk=by_id).first() if by_id else None) or sites.filter(code=value).first()
