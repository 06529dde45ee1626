"""Reads that may be seconds stale (reports, exports) on a streaming replica (DESIGN.md, "Scale").

With `DATABASE_REPLICA_URL` set the `replica` alias exists and `read_on_replica(read)` runs
`read(alias)` there; without it everything stays on the primary and nothing says otherwise.
The replica is used only while it answers and is at most `DATABASE_REPLICA_MAX_LAG_SECONDS`
behind; otherwise the read runs on the primary and `Read.note` says why, for the page.

Row-level security applies on the replica as on the primary, so a read there runs in a
transaction of its own on the replica's connection, read-only, with the request's tenant and
user set in it as `erp.tenancy` sets them on the primary. Querysets must be evaluated inside
`read` (`list()` them): anything left lazy would run later outside that transaction and see
no rows. Writes never reach the replica: `PrimaryRouter` sends every write to the primary,
even for an object that was read from the replica.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, transaction

from erp.tenancy import apply_context, current_context

REPLICA = "replica"
T = TypeVar("T")

# The probe's answer is kept this long per process: a page of several reads, and a burst of
# pages, cost one probe (and a dead replica one connect timeout) rather than one each.
CHECK_SECONDS = 5.0

# Caught up with all it received counts as no lag: on an idle primary the last replayed
# commit grows old although nothing is missing.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() IS NOT NULL
         AND pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
    ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())
END
"""


def configured() -> bool:
    return REPLICA in connections.settings


@dataclass
class Read(Generic[T]):
    result: T
    note: str = ""  # why the figures came from the primary; empty when they did not need to


@dataclass
class _Probe:
    at: float
    problem: str | None  # None: the replica is fit to read from


_lock = threading.Lock()
_last: _Probe | None = None


def forget() -> None:
    """Drop the cached probe (tests; a replica just restarted)."""
    global _last
    with _lock:
        _last = None


def _probe() -> str | None:
    replica = connections[REPLICA]
    try:
        with replica.cursor() as cursor:
            cursor.execute(LAG_SQL)
            (lag,) = cursor.fetchone()
    except (OperationalError, InterfaceError):
        replica.close()
        return "down"
    max_lag = float(getattr(settings, "DATABASE_REPLICA_MAX_LAG_SECONDS", 30))
    if lag is None:  # WAL pending and no commit replayed yet since the replica started
        return "catching up"
    if float(lag) > max_lag:
        return f"{int(lag)} s behind"
    return None


def replica_problem(*, fresh: bool = False) -> str | None:
    """Why the replica should not be read from now ("down", "42 s behind"), or None.
    `fresh` asks the replica now instead of taking the answer of the last few seconds."""
    global _last
    with _lock:
        if not fresh and _last is not None and time.monotonic() - _last.at < CHECK_SECONDS:
            return _last.problem
    problem = _probe()
    with _lock:
        _last = _Probe(time.monotonic(), problem)
    return problem


def _mark_down() -> None:
    global _last
    with _lock:
        _last = _Probe(time.monotonic(), "down")


def note_for(problem: str) -> str:
    return f"Figures from the primary: the replica is {problem}."


@contextmanager
def reading_replica() -> Iterator[str]:
    """Yield the replica's alias inside a read-only transaction there carrying the current
    tenant and user. Callers check `replica_problem()` first (`read_on_replica` does)."""
    tenant_id, user_id = current_context()
    with transaction.atomic(using=REPLICA):
        with connections[REPLICA].cursor() as cursor:
            # One snapshot for the page's count, rows and totals; the standby allows no writes
            # anyway, and saying so here fails a stray write in the same way on any server.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            apply_context(cursor, tenant_id, user_id)
        yield REPLICA


def read_on_replica(read: Callable[[str], T]) -> Read[T]:
    """`read(alias)` on the replica when it is fit, else on the primary with a note saying why.

    A replica lost during the read (restarted, a query cancelled by a conflict with recovery)
    is retried on the primary; `read` must therefore only read.
    """
    if not configured():
        return Read(read(DEFAULT_DB_ALIAS))
    problem = replica_problem()
    if problem is None:
        try:
            with reading_replica() as alias:
                return Read(read(alias))
        except (OperationalError, InterfaceError):
            if not connections[REPLICA].errors_occurred:
                raise  # the primary's error, not the replica's
            connections[REPLICA].close()
            _mark_down()
            problem = "down"
    return Read(read(DEFAULT_DB_ALIAS), note_for(problem))


class PrimaryRouter:
    """Every write to the primary, even of an object read from the replica; reads go where
    the code says (`.using()`), and related objects follow the object they hang from."""

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The same rows on both: an object from the replica may point at one from the primary.
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS
