"""Is a long job's worker still at it? Liveness of background jobs (imports now; planning runs
and exports later) told by a PostgreSQL advisory lock the worker holds while it works.

A worker holds a session lock on (kind, job id) from taking the job up until it has written
the job's outcome. If the worker dies, PostgreSQL ends its session and the lock goes with it,
at once and without any clock: a job taken up but no longer locked was interrupted. Pages
read `pg_locks`, which takes no lock and changes nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
from django.db import DatabaseError, connection

from erp import pooler

# The high 32 bits of the lock key say which kind of job it is.
IMPORT = 1
PLANNING = 2
EXPORT = 3
AUDIT_REPORT = 4


def _key(kind: int, job_id: int) -> int:
    return (kind << 32) | (job_id & 0xFFFFFFFF)


@contextmanager
def holding(kind: int, job_id: int) -> Iterator[bool]:
    """Hold the job's lock for the block; yields False if another worker already holds it
    (a redelivered task while the first still runs), in which case the block should leave
    the job alone."""
    key = _key(kind, job_id)
    with _session() as query:
        got = query("SELECT pg_try_advisory_lock(%s)", [key])
        try:
            yield got
        finally:
            if got:
                # The session is gone (database restarted), and its lock with it.
                with contextlib.suppress(DatabaseError, psycopg.Error):
                    query("SELECT pg_advisory_unlock(%s)", [key])


@contextmanager
def _session() -> Iterator[Callable[[str, list], object]]:
    """`query(sql, params)` -> first column, on the worker's own session. Behind a transaction
    pooler Django's connection is another server session from one transaction to the next,
    and a lock taken through it would stay behind on a pooled server connection when the
    worker dies: there the lock is taken on a connection straight to PostgreSQL
    (erp.pooler), which dies with the worker."""
    if not pooler.pooled():

        def on_django(sql, params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone()[0]

        yield on_django
        return
    direct = pooler.session_connection()
    try:
        yield lambda sql, params: direct.execute(sql, params).fetchone()[0]
    finally:
        direct.close()


def running(kind: int, job_id: int) -> bool:
    """Whether some session holds the job's lock right now."""
    key = _key(kind, job_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid = %s::oid AND objid = %s::oid AND objsubid = 1)",
            [key >> 32, key & 0xFFFFFFFF],
        )
        return cursor.fetchone()[0]
