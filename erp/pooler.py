"""Serving through a transaction pooler (PgBouncer with `pool_mode = transaction`).

Such a pooler lends a server connection to a client for one transaction only, so anything a
client leaves on the session would reach the next client of that connection, and anything it
expects to find there again may be gone. The tenant context is already transaction-local
(`set_config(..., true)`, erp.tenancy); what else needs care is settled here:

- prepared statements: Debian's PgBouncer (1.18) does not follow them from one server
  connection to the next, so the ledger's prepared posting statement (`prepare=True`) would
  meet "prepared statement does not exist". `prepare_threshold = None` turns preparation off:
  the statement still runs with server-side parameters, unnamed.
- server-side cursors (`.iterator()`) are named portals that outlive a statement: off.
- session advisory locks (erp.jobs: a worker's hold on its job) must stay with the worker's
  own session and die with it, so they are taken on a connection straight to PostgreSQL
  (`DATABASE_DIRECT_URL`), never through the pooler.

`SET TIME ZONE`, which Django sends on connecting when the server's zone is not UTC, is a
parameter PgBouncer tracks and restores for each client, so it does not leak.
"""

from __future__ import annotations

import psycopg
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TRANSACTION = "transaction"
MODES = ("", "session", TRANSACTION)


def pool_mode(value: str) -> str:
    """The `DATABASE_POOL_MODE` setting: "" (straight to PostgreSQL), "session" (a pooler
    that keeps a server connection per client: nothing to change) or "transaction"."""
    value = value.strip().lower()
    if value not in MODES:
        raise ImproperlyConfigured(
            f"DATABASE_POOL_MODE must be 'transaction', 'session' or empty, not {value!r}"
        )
    return value


def for_transaction_pooler(database: dict) -> dict:
    """`database` (a DATABASES entry) made safe behind a transaction pooler, in place."""
    database.setdefault("OPTIONS", {})["prepare_threshold"] = None
    database["DISABLE_SERVER_SIDE_CURSORS"] = True
    return database


def pooled() -> bool:
    return getattr(settings, "DATABASE_POOL_MODE", "") == TRANSACTION


def session_connection() -> psycopg.Connection:
    """A connection of its own straight to PostgreSQL (autocommit), for session-level work.

    The server and credentials are `DATABASE_DIRECT_URL`'s; the database is the one Django is
    connected to (under tests, the test database), since the session's locks are read back
    through Django's connection from that database's `pg_locks`."""
    from django.db import connection  # here: the settings import this module

    direct = settings.DATABASE_DIRECT
    params = {
        "host": direct.get("HOST") or direct.get("OPTIONS", {}).get("host") or None,
        "port": direct.get("PORT") or None,
        "user": direct.get("USER") or None,
        "password": direct.get("PASSWORD") or None,
        "dbname": connection.settings_dict["NAME"],
    }
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None}, autocommit=True)
