"""Turns `Authorization: Bearer stk_...` on an API request into the token's member.

Placed before TenantMiddleware: it sets `request.user` to the token's client user, whose
one membership TenantMiddleware then makes active, so an API request runs in one transaction
under its tenant's row-level security exactly like a page. Rate limits are checked here,
before any work.
"""

from __future__ import annotations

from django.conf import settings

from erp.api import ratelimit, tokens
from erp.api.errors import error


def is_api(path: str) -> bool:
    return path.startswith(settings.API_PREFIX)


class ApiTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.api_token = None
        if not is_api(request.path):
            return self.get_response(request)
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            # Never the browser's session: a page's cookie must not authorise API writes
            # (no CSRF check there). The schema and docs are public; endpoints answer 401.
            request.user = _anonymous()
            return self.get_response(request)
        token = tokens.authenticate(raw.strip())
        if token is None:
            return error(401, "invalid_token", "The API token is unknown or was revoked.")
        wait = ratelimit.wait_seconds(token)
        if wait:
            response = error(
                429,
                "rate_limited",
                f"More than {token.rate_per_minute} requests a minute; try again in {wait} s.",
                retry_after=wait,
            )
            response["Retry-After"] = str(wait)
            return response
        request.api_token = token
        # The client user holds one membership, so TenantMiddleware activates it whatever
        # a browser session on the same host may have chosen.
        request.user = token.client
        return self.get_response(request)


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
