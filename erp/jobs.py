"""Is a long job's worker still at it? Liveness of background jobs (imports now; planning runs
and exports later) told by a PostgreSQL advisory lock the worker holds while it works.

A worker holds a session lock on (kind, job id) from taking the job up until it has written
the job's outcome. If the worker dies, PostgreSQL ends its session and the lock goes with it,
at once and without any clock: a job taken up but no longer locked was interrupted. Pages
read `pg_locks`, which takes no lock and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection

# The high 32 bits of the lock key say which kind of job it is.
IMPORT = 1
PLANNING = 2


def _key(kind: int, job_id: int) -> int:
    return (kind << 32) | (job_id & 0xFFFFFFFF)


@contextmanager
def holding(kind: int, job_id: int) -> Iterator[bool]:
    """Hold the job's lock for the block; yields False if another worker already holds it
    (a redelivered task while the first still runs), in which case the block should leave
    the job alone."""
    key = _key(kind, job_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            except DatabaseError:
                pass  # the session is gone (database restarted), and its lock with it


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
