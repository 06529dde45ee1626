"""Requests per minute per token, counted in Redis in fixed one-minute windows.

A dead Redis lets requests through (and logs it): the limit protects the service from a
runaway client, and refusing every client while the cache is down would be the larger harm.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache

log = logging.getLogger(__name__)

WINDOW = 60  # seconds


def wait_seconds(token) -> int:
    """0 when `token` may make another request now, else the seconds until it may."""
    now = time.time()
    window = int(now // WINDOW)
    key = f"api-rate:{token.pk}:{window}"
    try:
        cache.add(key, 0, timeout=WINDOW + 5)
        used = cache.incr(key)
    except Exception as exc:  # Redis down: let it through
        log.warning("api rate limit not counted: %s", exc)
        return 0
    if used <= token.rate_per_minute:
        return 0
    return max(1, int((window + 1) * WINDOW - now + 0.999))
