"""Fault tests: they stop Redis, kill Celery workers and restart PostgreSQL, so they run only
against servers nobody else uses, never beside the rest of the suite: servers of their own
(`python -m erp.run faults`), or, as the last stage of `make test`, the embedded servers that
run started for itself once every other test is done."""

from __future__ import annotations

import os

import pytest

if not os.environ.get("STOCKLINE_FAULT_SERVERS"):
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture
def workers():
    """Start Celery workers with `workers.start()`; every one left is stopped at the end."""
    from tests.faults.processes import Workers

    pool = Workers()
    yield pool
    pool.stop_all()


@pytest.fixture(scope="session")
def streaming_replica(django_db_setup, django_db_blocker):
    """One real streaming replica of the test server for the session, with the `replica` alias
    pointing at it; stopped and removed at the end."""
    from django.db import connection

    from tests.replicas import StreamingReplica, Unavailable, replica_alias

    with django_db_blocker.unblock():
        try:
            server = StreamingReplica.start_of(connection)
        except Unavailable as exc:
            pytest.skip(str(exc))
        try:
            with replica_alias(HOST=str(server.folder), PORT=str(server.port)):
                yield server
        finally:
            server.destroy()
