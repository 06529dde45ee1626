"""Sign-in throttling, by account and by client address together, in PostgreSQL.

- An account and address pair is locked for the window after `LOGIN_FAILURE_LIMIT` failures:
  whoever is guessing that password from there has to stop.
- An address that fails on many accounts (`LOGIN_FAILURE_LIMIT` x 4 in the window) is slowed
  to one attempt per `LOGIN_SLOW_SECONDS`, never locked, and it slows nobody else: behind a
  proxy or a shared NAT, one person typing unknown e-mails cannot lock a whole site out.
- An account failing from many addresses is slowed the same way, never locked, so a
  distributed guess cannot lock its owner out either.
Counts live in the database (not the cache), so sign-in works while Redis is down.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from erp.models import SignInFailure


@dataclass(frozen=True)
class Refusal:
    scope: str  # "pair": locked for this account from here; "address"/"account": slowed
    wait_seconds: int


def _digest(text: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{text}".encode()).hexdigest()


def _keys(email: str, ip: str) -> dict[str, str]:
    account = email.strip().lower()
    return {
        "pair": _digest(f"pair:{account}:{ip}"),
        "account": _digest(f"account:{account}"),
        "address": _digest(f"address:{ip}"),
    }


def refusal(*, email: str, ip: str) -> Refusal | None:
    """Why a sign-in attempt for `email` from `ip` must wait, or None when it may go ahead."""
    now = timezone.now()
    window = datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    slow = datetime.timedelta(seconds=settings.LOGIN_SLOW_SECONDS)
    limit = settings.LOGIN_FAILURE_LIMIT
    keys = _keys(email, ip)
    rows = {
        row.scope: row
        for row in SignInFailure.objects.filter(
            key__in=keys.values(), window_start__gt=now - window
        )
        if keys.get(row.scope) == row.key
    }
    pair = rows.get("pair")
    if pair and pair.count >= limit:
        return Refusal("pair", _seconds(pair.window_start + window - now))
    for scope in ("address", "account"):
        row = rows.get(scope)
        if row and row.count >= limit * 4 and row.last_failure + slow > now:
            return Refusal(scope, _seconds(row.last_failure + slow - now))
    return None


def _seconds(delta: datetime.timedelta) -> int:
    return max(1, int(delta.total_seconds() + 0.999))


def record_failure(*, email: str, ip: str) -> None:
    """Count one failure in each scope; a count whose window has passed starts again at 1."""
    now = timezone.now()
    expired = now - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    table = SignInFailure._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"""
            INSERT INTO {table} (scope, key, count, window_start, last_failure)
            VALUES (%s, %s, 1, %s, %s)
            ON CONFLICT (scope, key) DO UPDATE SET
                count = CASE WHEN {table}.window_start <= %s THEN 1 ELSE {table}.count + 1 END,
                window_start = CASE WHEN {table}.window_start <= %s
                                    THEN EXCLUDED.window_start ELSE {table}.window_start END,
                last_failure = EXCLUDED.last_failure
            """,
            [(scope, key, now, now, expired, expired) for scope, key in _keys(email, ip).items()],
        )


def clear(*, email: str, ip: str) -> None:
    """A successful sign-in ends the lock of its own pair; the address and account counts run
    out with their window (a guesser who knows one password resets nothing else)."""
    SignInFailure.objects.filter(scope="pair", key=_keys(email, ip)["pair"]).delete()


def forget_expired() -> int:
    """Delete counts whose window has passed (called by the nightly housekeeping)."""
    expired = timezone.now() - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    deleted, _ = SignInFailure.objects.filter(window_start__lte=expired).delete()
    return deleted


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or, behind the documented TLS proxy only, the
    address that proxy appended last to X-Forwarded-For (earlier entries are the client's own
    word and could be forged)."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1][:64]
    return request.META.get("REMOTE_ADDR", "")[:64]
