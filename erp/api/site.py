"""The one NinjaAPI instance behind /api/v1, its token security and its error handlers.

Apps add their routers from AppConfig.ready (`api.add_router(...)`), so erp imports no app
and every app's endpoints live in that app's `api.py`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import wraps
from typing import Annotated

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import ConfigDict, Field

from erp.api.errors import ApiError, api_error, domain_error, error
from erp.errors import DomainError
from erp.roles import Role

log = logging.getLogger("django.request")

# An id in a path or body: PostgreSQL's bigint range, checked by the schema, so an id past it
# is a 422 rather than a database error in the middle of the request's transaction.
Id = Annotated[int, Field(ge=1, le=9_223_372_036_854_775_807)]


class TokenAuth(HttpBearer):
    """The token was checked by ApiTokenMiddleware; this declares it in the schema and
    refuses requests that came without one."""

    openapi_description = "An API token an admin created (Settings → API tokens): `stk_...`"

    def authenticate(self, request: HttpRequest, token: str):
        return getattr(request, "api_token", None)


class Error(Schema):
    """Every refusal: a stable code, a sentence for people, and the facts behind it."""

    model_config = ConfigDict(extra="allow")
    code: str
    message: str


ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error, 429: Error}


def answers(ok: type | None, status: int = 200) -> dict:
    """An operation's responses: its own and every error it can give."""
    return {status: ok, **ERRORS}


def _query_names(operation) -> frozenset[str]:
    names: set[str] = set()
    for model in operation.models:
        if model.__ninja_param_source__ == "query":
            flat = getattr(model, "__ninja_flatten_map__", None)
            names |= set(flat) if flat else {f.alias or n for n, f in model.model_fields.items()}
    return frozenset(names)


def _screen(run):
    """Every operation refuses, before reading its parameters:
    - query parameters it does not declare (422 unknown_parameter), so a misspelt filter
      (`?skuu=CUP-01`) is an error, not a silent answer for everything;
    - a NUL character anywhere in the query or body (422 invalid_request), which PostgreSQL
      refuses in text: a field whose type forgot to bound it must not become a 500.
    Applied to the operations of every router (mode "view")."""
    allowed = _query_names(run.__self__)

    @wraps(run)
    def screened(request, **kw):
        unknown = sorted(set(request.GET) - allowed)
        if unknown:
            return error(
                422,
                "unknown_parameter",
                f"This operation takes no parameter {', '.join(unknown)}.",
                parameters=unknown,
                allowed=sorted(allowed),
            )
        values = [v for vs in request.GET.lists() for v in vs[1]]
        body = request.body if request.method in ("POST", "PUT", "PATCH") else b""
        if any("\x00" in v for v in values) or b"\x00" in body or b"\\u0000" in body:
            return error(422, "invalid_request", "Text may not contain the NUL character.")
        return run(request, **kw)

    return screened


api = NinjaAPI(
    title="Stockline API",
    version="1",
    description=(
        "Stock, documents and events of one organisation, for the systems around it. "
        "Authenticate with `Authorization: Bearer <token>`; every write takes an "
        "`Idempotency-Key` header; lists page with `cursor` and filter with `updated_since`."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
)


api.add_decorator(_screen, mode="view")


def roles(request: HttpRequest, allowed: Iterable[Role]) -> None:
    """Refuse (403) a token whose role is not in `allowed`: a token acts as its role."""
    allowed = frozenset(allowed)
    membership = getattr(request, "membership", None)
    if membership is None or membership.role not in allowed:
        raise ApiError(
            403,
            "role_required",
            "This token's role cannot do this.",
            roles=sorted(r.value for r in allowed),
        )


@api.exception_handler(DomainError)
def _domain(request, exc):
    return domain_error(request, exc)


@api.exception_handler(ApiError)
def _api(request, exc):
    return api_error(request, exc)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error(401, "unauthenticated", "Send an API token: Authorization: Bearer stk_...")


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    return error(
        422,
        "invalid_request",
        "The request does not match the schema.",
        errors=[
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
            for e in exc.errors
        ],
    )


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def _missing(request, exc):
    return error(404, "not_found", "No such record in this organisation.")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return error(403, "forbidden", str(exc) or "Not allowed.")


@api.exception_handler(Exception)
def _bug(request, exc):
    # Logged like any server error; the client gets the API's format, not the 500 page, and
    # TenantMiddleware rolls the request back as it does for a page.
    log.error("API error on %s %s", request.method, request.path, exc_info=exc)
    return error(500, "server_error", "Something went wrong; nothing from this request was saved.")


@api.exception_handler(HttpError)
def _http(request, exc):
    return error(exc.status_code, "http_error", str(exc))
