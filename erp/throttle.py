"""Sign-in throttling: count failures per address and per client, in the cache (Redis)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(email: str, ip: str) -> tuple[str, str]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"login-fail:email:{digest}", f"login-fail:ip:{ip}"


def is_locked(*, email: str, ip: str) -> bool:
    email_key, ip_key = _keys(email, ip)
    counts = cache.get_many([email_key, ip_key])
    limit = settings.LOGIN_FAILURE_LIMIT
    return counts.get(email_key, 0) >= limit or counts.get(ip_key, 0) >= limit * 4


def record_failure(*, email: str, ip: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for key in _keys(email, ip):
        # add() starts the window; incr() keeps the expiry it set.
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=window)


def clear(*, email: str) -> None:
    cache.delete(_keys(email, "")[0])


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")
