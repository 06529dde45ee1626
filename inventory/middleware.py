"""Puts the member's current site on the request (DESIGN.md, "Sites on the floor")."""

from __future__ import annotations

from inventory import selectors

# {tenant id: site id}: a user in two tenants keeps a site in each.
SESSION_KEY = "current_site"


def chosen_site_id(request) -> int | None:
    return request.session.get(SESSION_KEY, {}).get(str(request.tenant.pk))


def choose_site(request, site) -> None:
    chosen = dict(request.session.get(SESSION_KEY, {}))
    chosen[str(request.tenant.pk)] = site.pk
    request.session[SESSION_KEY] = chosen


class SiteMiddleware:
    """Sets `request.site`: the site chosen in this session, else the member's default,
    else the tenant's only site, else None. Runs after erp's TenantMiddleware, inside the
    transaction that carries the tenant. API requests name their sites in each call, so
    they get None and cost no query for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.site = None
        api = getattr(request, "api_token", None) is not None
        if getattr(request, "tenant", None) is not None and not api:
            request.site = selectors.current_site(
                tenant=request.tenant,
                membership=request.membership,
                chosen_id=chosen_site_id(request),
            )
        return self.get_response(request)
