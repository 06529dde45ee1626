"""Where a ledger checkpoint may end: the highest entry id below which no posting can still
commit.

Ids come from sequences, so a posting that drew a lower id can commit after one that drew a
higher id: "the highest id visible now" would leave a still-open posting below the watermark,
and the next check, which reads only what lies above it, would never see that posting. The
posting time is no guide either: `posted_at` is given by the caller (history is posted with
past dates), and no setting in erp/ bounds how long a transaction may stay open (there is no
statement_timeout, idle_in_transaction_session_timeout or transaction_timeout), so "posted
more than N minutes ago" would be a guess.

Instead the watermark comes from the server itself, in three steps:

1. Read the entry id sequence: E. Every entry with an id up to E was drawn before this read.
2. List the sessions of this database that hold a transaction id (pg_stat_activity's
   backend_xid, shown for every role). A posting that drew an entry id up to E had one
   already: `ledger.post`'s single statement inserts the entries from the header's RETURNING,
   so the header row, and with it the transaction id, exists before the first entry id is
   drawn (the statement's item locks come earlier still).
3. Wait until each of those transactions has ended (committed or rolled back). From then on,
   every entry with an id up to E is either visible or gone for good, so a scan that starts
   after the wait sees exactly what the checkpoint may sum, and the next check reads the
   entries with `id > E` through the (tenant_id, id) key.

A posting that was open at the mark can have entries on both sides of E; the check of the
transactions after a checkpoint completes such a transaction's lines from below it.

The wait is normally milliseconds (postings are short). A transaction left open longer than
`settle` seconds only stops the checkpoint from advancing this time; the check itself is
still complete, and the next one covers that posting.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection

SETTLE_SECONDS = 30.0
POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Mark:
    entry_id: int
    settled: bool
    still_open: int  # transactions older than the mark still open when the wait stopped


def _open_among(cursor, xids: list[str]) -> int:
    # pg_stat_activity is read once per transaction unless its snapshot is cleared.
    cursor.execute("SELECT pg_stat_clear_snapshot()")
    cursor.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE backend_xid::text = ANY(%s)", [xids]
    )
    return cursor.fetchone()[0]


def take(*, settle: float = SETTLE_SECONDS) -> Mark:
    """A watermark and whether every posting that could lie below it has ended (see above)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(pg_sequence_last_value("
            "pg_get_serial_sequence('inventory_stockentry', 'id')), 0)"
        )
        entry_id = cursor.fetchone()[0]
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            """
            SELECT COALESCE(array_agg(backend_xid::text), '{}') FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
              AND backend_xid IS NOT NULL
            """
        )
        xids = cursor.fetchone()[0]
        still_open = len(xids)
        deadline = time.monotonic() + settle
        while still_open:
            still_open = _open_among(cursor, xids)
            if not still_open or time.monotonic() >= deadline:
                break
            time.sleep(POLL_SECONDS)
    return Mark(entry_id, settled=not still_open, still_open=still_open)
