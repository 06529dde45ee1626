"""`Idempotency-Key` on API writes: the same key and body is done once, another body is 422.

Runs inside the request's transaction (after TenantMiddleware), with the pages' store
(erp.idempotency): the key is claimed with INSERT ... ON CONFLICT DO NOTHING, so a repeat
that arrives while the first is running waits for it to commit and then gets its answer,
and a repeat after a first that was refused or failed (4xx or 5xx, rolled back with its claim)
does the work anew.
Keys are per token: two systems may use the same key without meeting.

An API answer of 400 or more also rolls the request back (a page's 4xx commits, to keep
what the form saved before it refused): a refused API call has done nothing, so a client
may fix the request and send it again under the same key.
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from erp.api.errors import error
from erp.idempotency import claim, record
from erp.models import IdempotentRequest

HEADER = "Idempotency-Key"
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_KEY = 255


def _fingerprint(request: HttpRequest) -> str:
    sha = hashlib.sha256()
    sha.update(f"{request.method}\n{request.get_full_path()}\n".encode())
    sha.update(request.body)
    return sha.hexdigest()


def _replay(request: HttpRequest, key: str, fingerprint: str) -> HttpResponse:
    done = IdempotentRequest.objects.get(tenant=request.tenant, key=key)
    if done.fingerprint != fingerprint:
        return error(
            422,
            "idempotency_key_reused",
            "This Idempotency-Key was used with another request; use a new key for new work.",
        )
    headers = dict(done.headers)
    response = HttpResponse(
        done.body,
        status=done.status_code or 200,
        content_type=headers.pop("Content-Type", "application/json"),
    )
    for name, value in headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


class ApiIdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = getattr(request, "api_token", None)
        if token is None:
            return self.get_response(request)
        response = self._once(request, token)
        if response.status_code >= 400:
            transaction.set_rollback(True)
        return response

    def _once(self, request: HttpRequest, token) -> HttpResponse:
        raw = request.headers.get(HEADER)
        if raw is None or request.method not in WRITES:
            return self.get_response(request)
        if not (0 < len(raw) <= MAX_KEY and raw.isascii() and raw.isprintable()):
            return error(
                400,
                "invalid_idempotency_key",
                f"An Idempotency-Key is 1 to {MAX_KEY} printable ASCII characters.",
            )
        key = hashlib.sha256(f"api:{token.pk}:{raw}".encode()).hexdigest()[:32]
        fingerprint = _fingerprint(request)
        claimed = claim(request, key, fingerprint)
        if claimed is None:
            return _replay(request, key, fingerprint)
        response = self.get_response(request)
        if response.status_code < 400:  # a refusal rolls back, its claim with it
            record(claimed, response)
        return response
