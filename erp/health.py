"""Checks behind the admin health page: database (and its read replica), Redis, Celery worker
and beat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from erp.tasks import BEAT_KEY, WORKER_KEY

STALE_AFTER = timedelta(seconds=90)  # three missed 30-second heartbeats


@dataclass
class Check:
    name: str
    ok: bool | None  # None: not known yet (asked by the page after it has loaded)
    detail: str
    last_seen: datetime | None = None


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version'), current_user")
            version, role = cursor.fetchone()
    except Exception as exc:  # the page reports every failure instead of failing itself
        return Check("Database", False, f"unreachable: {exc}")
    return Check("Database", True, f"PostgreSQL {version}, connected as {role}")


def check_redis() -> Check:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1
        )
        info = client.info("server")
        kept = client.info("persistence").get("aof_enabled")
    except Exception as exc:
        return Check("Redis", False, f"unreachable: {exc}")
    queue = (
        "queued tasks kept across a restart (append-only file)"
        if kept
        else "append-only file off: queued tasks are lost if Redis restarts"
    )
    return Check("Redis", True, f"Redis {info.get('redis_version')}; {queue}")


def _heartbeat(name: str, key: str, ping: bool = False) -> Check:
    try:
        beat = cache.get(key)
    except Exception as exc:
        return Check(name, False, f"unknown (Redis unreachable: {exc})")
    seen = parse_datetime(beat["at"]) if beat else None
    if ping:
        from erp.celery import app

        try:
            # The first answer is enough to call the workers up; without `limit` the ping
            # always waits out its timeout, which made this the slowest page of the product.
            replies = app.control.ping(timeout=1.0, limit=1)
        except Exception as exc:
            return Check(name, False, f"no answer: {exc}", seen)
        if replies:
            workers = ", ".join(sorted(name for reply in replies for name in reply))
            return Check(name, True, f"answering: {workers} (first to answer)", seen)
        return Check(name, False, "no worker answered a ping within 1 second", seen)
    if seen is None:
        return Check(name, False, "no heartbeat recorded yet")
    fresh = timezone.now() - seen <= STALE_AFTER
    detail = (
        "last scheduled heartbeat ran on time" if fresh else "last scheduled heartbeat is stale"
    )
    return Check(name, fresh, detail, seen)


OUTBOX_LATE = timedelta(minutes=2)


def check_outbox() -> Check:
    """Follow-up work recorded by committed changes but not yet handed to the broker."""
    from erp import outbox

    try:
        waiting = outbox.pending()
    except Exception as exc:
        return Check("Queued follow-up work", False, f"unknown: {exc}")
    if not waiting["count"]:
        return Check("Queued follow-up work", True, "everything recorded has been queued")
    late = timezone.now() - waiting["oldest"] > OUTBOX_LATE
    detail = f"{waiting['count']} task(s) recorded but not yet queued" + (
        "; the oldest waits for Redis and the beat sweep" if late else ""
    )
    return Check("Queued follow-up work", not late, detail, waiting["oldest"])


def check_replica() -> list[Check]:
    """The read replica's state, when there is one (none: no row)."""
    from erp import replica

    if not replica.configured():
        return []
    problem = replica.replica_problem(fresh=True)
    if problem is None:
        return [
            Check("Read replica", True, "answering and within the allowed lag: reports read it")
        ]
    return [Check("Read replica", False, f"{problem}: reports and exports read the primary")]


def run_checks(*, ping_workers: bool = True) -> list[Check]:
    """Every check; without `ping_workers` the workers are not asked (a ping waits up to a
    second when none answers), and their row says so until the page asks again."""
    redis_check = check_redis()
    if not redis_check.ok:
        # Asking a dead broker would only make the page wait (seconds per check).
        unknown = "unknown while Redis is down (work waits in the outbox meanwhile)"
        return [
            check_database(),
            *check_replica(),
            redis_check,
            check_outbox(),
            Check("Celery worker", False, unknown),
            Check("Celery beat", False, unknown),
        ]
    return [
        check_database(),
        *check_replica(),
        redis_check,
        check_outbox(),
        _heartbeat("Celery worker", WORKER_KEY, ping=True)
        if ping_workers
        else Check("Celery worker", None, "asking the workers…"),
        _heartbeat("Celery beat", BEAT_KEY),
    ]
