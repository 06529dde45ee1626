"""Fault tests: they stop Redis, kill Celery workers and restart PostgreSQL, so they run
only against servers of their own (`python -m erp.run faults`, part of `make test`), never
against the servers the rest of the suite shares."""

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
