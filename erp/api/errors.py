"""The API's one error format: `{"code": ..., "message": ..., <facts>}`.

A service's `DomainError` becomes 400, or 409 when it is about the document's state (a
transition it cannot make, work someone else holds): the code is the error's class name in
snake_case unless the class names one, and its facts come along, so a client can act on
`{"code": "insufficient_stock", "sku": "CUP-01", "available": "4"}` without parsing prose.
"""

from __future__ import annotations

import datetime
import decimal
import re

from django.http import HttpRequest, JsonResponse

from erp.errors import DomainError, InvalidTransition

# Errors about the state of a document rather than the request: 409 Conflict.
CONFLICT_CODES = frozenset(
    {"invalid_transition", "already_reversed", "work_taken", "work_closed", "item_locked"}
)


def code_of(exc: DomainError) -> str:
    # The class's own code, never a fact: DomainError keeps facts as attributes, and a fact
    # may be named `code` (a customer's or supplier's).
    explicit = getattr(type(exc), "code", None)
    if isinstance(explicit, str) and explicit:
        return explicit
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()


def _plain(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, decimal.Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def error(status: int, code: str, message: str, /, **facts) -> JsonResponse:
    # Positional-only: a service's fact may itself be named `code` (DuplicateCustomer's is);
    # the body's own code and message win over such a fact.
    body = {"code": code, "message": str(message)}
    body.update({k: _plain(v) for k, v in facts.items() if k not in body})
    return JsonResponse(body, status=status)


def domain_error(request: HttpRequest, exc: DomainError) -> JsonResponse:
    code = code_of(exc)
    status = 409 if isinstance(exc, InvalidTransition) or code in CONFLICT_CODES else 400
    return error(status, code, str(exc), **exc.facts)


class ApiError(Exception):
    """A refusal made by the API layer itself (a bad cursor, a role the token lacks)."""

    def __init__(self, status: int, code: str, message: str, /, **facts):
        super().__init__(message)
        self.status, self.code, self.message, self.facts = status, code, message, facts


def api_error(request: HttpRequest, exc: ApiError) -> JsonResponse:
    return error(exc.status, exc.code, exc.message, **exc.facts)
