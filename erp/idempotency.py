"""Each form submission is done once (DESIGN.md, "Pages": every form that changes stock or
creates a document carries an idempotency key minted when the form is rendered).

The form carries `{% idempotency_key %}`, a fresh random key in a hidden field (rendering it
writes nothing). A view wrapped in `@idempotent` claims that key in the request's transaction
with an INSERT ... ON CONFLICT DO NOTHING:
- the first request claims it, does the work and stores its answer in the same transaction;
- a repeat after that finds the key taken and gets the stored answer (the same redirect, or
  the same page or partial), without doing the work again;
- a repeat arriving at the same time waits on the first's claim (the unique index holds it)
  until the first commits, then gets its answer; if the first failed and rolled back, the
  repeat claims the key and does the work itself.
A POST without a well-formed key is done as it comes (an old page, a script): never refused.
"""

from __future__ import annotations

import datetime
import re
import uuid
from functools import wraps

from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from erp.models import IdempotentRequest

FIELD = "idempotency_key"
_KEY = re.compile(r"[0-9a-f]{32}")
# The answer's headers that a repeat needs to behave like the first (htmx reads the HX ones).
REPLAYED_HEADERS = (
    "Location",
    "HX-Redirect",
    "HX-Refresh",
    "HX-Trigger",
    "HX-Retarget",
    "HX-Reswap",
)


def new_key() -> str:
    return uuid.uuid4().hex


def claim(request: HttpRequest, key: str, fingerprint: str = "") -> int | None:
    """The id of the claim made for `key`, or None when the key was already done. A claim
    another transaction holds is waited for (the unique index) until it commits or rolls back."""
    table = IdempotentRequest._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table}
                (tenant_id, key, user_id, path, headers, body, fingerprint, created_at)
            VALUES (%s, %s, %s, %s, '{{}}', '', %s, now())
            ON CONFLICT (tenant_id, key) DO NOTHING
            RETURNING id
            """,
            [request.tenant.pk, key, request.user.pk, request.path[:300], fingerprint],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def record(claim: int, response: HttpResponse) -> None:
    headers = {name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)}
    body = ""
    if not response.streaming and response.status_code not in range(300, 400):
        body = response.content.decode(response.charset or "utf-8", errors="replace")
        headers["Content-Type"] = response.get("Content-Type", "text/html; charset=utf-8")
    IdempotentRequest.objects.filter(pk=claim).update(
        status_code=response.status_code, headers=headers, body=body
    )


def _replay(request: HttpRequest, key: str) -> HttpResponse:
    done = IdempotentRequest.objects.get(tenant=request.tenant, key=key)
    if done.user_id != request.user.pk or done.path != request.path[:300]:
        return HttpResponse(
            "This form was already sent. Open the page again to start anew.", status=409
        )
    headers = dict(done.headers)
    if 300 <= (done.status_code or 0) < 400 and "Location" in headers:
        messages.info(request, "That was already done; here is its result.")
        return redirect(headers["Location"])
    response = HttpResponse(
        done.body,
        status=done.status_code or 200,
        content_type=headers.pop("Content-Type", "text/html; charset=utf-8"),
    )
    for name, value in headers.items():
        if name != "Location":
            response[name] = value
    return response


def idempotent(view):
    """Do a POST with an idempotency key once; repeats get the first answer. Put it under the
    role check, so a refused user claims nothing."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        key = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not _KEY.fullmatch(key) or getattr(request, "tenant", None) is None:
            return view(request, *args, **kwargs)
        claimed = claim(request, key)
        if claimed is None:
            return _replay(request, key)
        response = view(request, *args, **kwargs)
        if response.status_code < 500:  # a 500 rolls the claim back with everything else
            record(claimed, response)
        return response

    wrapper.idempotent = True  # lets the double-submit coverage test find every such view
    return wrapper


KEPT = datetime.timedelta(days=7)


def forget_old(*, tenant) -> int:
    """Delete the tenant's stored answers older than `KEPT`; how many went."""
    deleted, _ = IdempotentRequest.objects.filter(
        tenant=tenant, created_at__lt=timezone.now() - KEPT
    ).delete()
    return deleted
