"""The audit trail's view is rebuilt after every migrate; processes that migrate at the same
time (a deploy's web and worker starting together, a bench's workers) must not fail on it."""

from __future__ import annotations

from django.db import connection

from reporting import audit_view
from tests.concurrency import together


def _rebuild_five_times():
    for _ in range(5):
        audit_view.create_view()


def test_four_connections_rebuilding_the_view_at_once_all_succeed(committed_db):
    results = together([_rebuild_five_times] * 4)

    assert results == [None] * 4
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {audit_view.VIEW}")
        assert cursor.fetchone() == (0,)
