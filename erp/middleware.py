"""Puts the signed-in user's active tenant on the request and in the database transaction."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError, transaction
from django.http import HttpResponse
from django.template.loader import render_to_string

from erp.tenancy import switch, tenant_context

SESSION_KEY = "active_tenant_id"


class TenantMiddleware:
    """Wrap each signed-in request in one transaction carrying its tenant.

    `ATOMIC_REQUESTS` would open its transaction after middleware ran, so the setting made
    here would not reach the view; this middleware opens the transaction itself. A response
    of 500 or more rolls back: by then Django has turned the view's exception into a response,
    and committing would keep half a failed view's writes. Streaming bodies run after the
    commit, with no tenant, so views must not query from inside them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self._call(request)
        except (OperationalError, InterfaceError):  # before or after the view: no connection
            return database_unreachable(request)

    def process_exception(self, request, exception):
        """A view whose connection died (database restarted, network cut) answers 503 and
        rolls back, rather than a 500 that reads like a bug."""
        if isinstance(exception, (OperationalError, InterfaceError)):
            return database_unreachable(request)
        return None

    def _call(self, request):
        request.tenant = None
        request.membership = None
        request.memberships = []
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)

        # With only app.user_id set, the membership policy shows the user's own rows.
        with tenant_context(None, user=user):
            memberships = list(
                user.memberships.filter(is_active=True)
                .select_related("tenant")
                .order_by("tenant__name")
            )
            request.memberships = memberships
            wanted = request.session.get(SESSION_KEY)
            active = next((m for m in memberships if m.tenant_id == wanted), None)
            if active is None and memberships:
                # Until the user switches, they work where they joined first: joining another
                # tenant (accepting an invitation) never moves where they land on signing in.
                active = min(memberships, key=lambda m: (m.created_at, m.pk))
            if active is not None:
                request.membership = active
                request.tenant = active.tenant
                user._stockline_memberships = {active.tenant_id: active}
                switch(active.tenant, user=user)
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return response


def database_unreachable(request) -> HttpResponse:
    """Rendered without the request's context processors: they would query the database."""
    body = render_to_string("503.html", {"method": request.method, "path": request.path})
    return HttpResponse(body, status=503, headers={"Retry-After": "5"})
