"""`verify_ledger`: recompute balances and valuation from the entries and report differences.

One pass over the entries feeds every check: a single GROUPING SETS aggregate sums them per
balance key, per transaction (item, lot, serial) and per item and site, into a temporary table
of sums that the comparisons then read. No check carries a LIMIT (a LIMIT on a comparison over
the entries turned the planner from one scan of the tenant's rows to a walk of an index over
all of them); only the report is cut, after the comparison.

Two ways to run it:
- Full: every entry of the tenant, from zero.
- From the checkpoint (the default of the command and the nightly task): the checkpoint's
  sums plus the entries after it (see `watermark` for why no posting can land below it),
  compared with the balances, cost layers and reservations as they are now. A balance changed
  behind the ledger's back is found either way; an entry changed below the checkpoint is found
  only by a full check, which is why one runs weekly.
A clean run that settled its watermark advances the checkpoint (`check`); `verify` is the
read-only full check that tests and benches call.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from inventory.ledger import watermark
from inventory.models import LedgerCheck

REPORT_LIMIT = 1000
# The aggregate's hash tables hold a row per balance key and per transaction line: in memory
# they cost a fraction of spilling to disk (the default work_mem is 4 MB). JIT compilation of
# this one-off statement took longer than running it.
SETTINGS = {"work_mem": "256MB", "jit": "off"}
NO_MARK = 2**62

# GROUPING(transaction_id, location_id): a bit for each column a set leaves out. BEYOND marks
# the entries of transactions after the watermark, left out of the new checkpoint.
BEYOND, TRANSACTION, BALANCE = 0, 1, 2

# One scan of the entries, two hash tables: sums per balance key (with the site, which the
# location fixes, so the valuation check rolls them up by item and site), and sums per
# transaction line, of which only the lines that do not net to zero are kept. Keys stay raw
# (GROUP BY puts NULLs together); COALESCE comes after, on a few thousand rows.
SUMS = """
    SELECT GROUPING(transaction_id, location_id) AS grouping_set, transaction_id, item_id,
           location_id, lot_id, serial_id, status, site_id,
           count(*) AS entries, sum(quantity) AS quantity, sum(value) AS value
    FROM inventory_stockentry
    WHERE tenant_id = %(t)s {after}
    GROUP BY GROUPING SETS ((item_id, location_id, lot_id, serial_id, status, site_id),
                            (transaction_id, item_id, lot_id, serial_id))
    HAVING GROUPING(transaction_id, location_id) = 2 OR sum(quantity) <> 0 OR sum(value) <> 0
"""
# The entries after an entry id, through the (tenant_id, id) key. The id is handed over as an
# InitPlan, not a constant: seeing a constant beyond its statistics, the planner takes the
# all-tenant primary key for `id > n` and walks every other tenant's recent entries. (A row
# comparison `(tenant_id, id) > (t, n)` would shut the primary key out, but beside the
# row-level security policy's `tenant_id = ...` the btree then starts at the tenant's first
# entry.)
AFTER_CHECKPOINT = "AND id > (SELECT %(from_entry)s::bigint)"
# The entries after the watermark: read but not summed into the new checkpoint.
BEYOND_SQL = """
    SELECT 0, NULL::bigint, item_id, location_id, lot_id, serial_id, status, site_id,
           count(*), sum(quantity), sum(value)
    FROM inventory_stockentry
    WHERE tenant_id = %(t)s AND id > (SELECT %(mark_entry)s::bigint)
    GROUP BY item_id, location_id, lot_id, serial_id, status, site_id
"""

# One statement, so one snapshot: the sums of the entries and the balances, layers and
# reservations they are compared with are read at the same moment, and a posting committing
# meanwhile is either wholly in or wholly out. The sums are also kept in a temporary table for
# the checkpoint. Every difference comes out as (check, four ids, a status, four amounts);
# `from_checkpoint` adds the checkpoint's sums to those of the entries read.
DIFFERENCES = """
    WITH sums AS MATERIALIZED ({sums}),
    saved AS (INSERT INTO ledger_check_sums SELECT * FROM sums UNION ALL {beyond}),
    -- Balance keys at zero on both sides agree, whatever they were: each side keeps only its
    -- keys not at zero, and the full join finds every key where they differ. Most keys are
    -- at zero at a tenant with a long history (a lot used up keeps its rows: 56%% at 10^7).
    entry_balance AS (
        SELECT item_id, location_id, lot_id, serial_id, status, sum(quantity) AS quantity
        FROM (SELECT item_id, location_id, lot_id, serial_id, status, quantity
              FROM inventory_ledgercheckpointbalance
              WHERE tenant_id = %(t)s AND %(from_checkpoint)s AND quantity <> 0
              UNION ALL
              SELECT item_id, location_id, COALESCE(lot_id, 0), COALESCE(serial_id, 0), status,
                     quantity
              FROM sums WHERE grouping_set = %(balance)s) e
        GROUP BY 1, 2, 3, 4, 5
        HAVING sum(quantity) <> 0),
    balance AS (
        SELECT item_id, location_id, COALESCE(lot_id, 0) AS lot_id,
               COALESCE(serial_id, 0) AS serial_id, status, on_hand
        FROM inventory_stockbalance WHERE tenant_id = %(t)s AND on_hand <> 0),
    entry_value AS (
        SELECT item_id, site_id, sum(quantity) AS quantity, sum(value) AS value
        FROM (SELECT item_id, site_id, quantity, value
              FROM inventory_ledgercheckpointvalue WHERE tenant_id = %(t)s AND %(from_checkpoint)s
              UNION ALL
              SELECT item_id, site_id, quantity, value FROM sums
              WHERE grouping_set = %(balance)s AND site_id IS NOT NULL) e
        GROUP BY 1, 2),
    -- A posting still open at the checkpoint's mark can have lines on both sides of it: each
    -- line that does not net to zero after the checkpoint is completed from before it, line
    -- by line through the (tenant_id, item_id, transaction_id) index.
    unbalanced AS (
        SELECT s.transaction_id, s.item_id, s.lot_id, s.serial_id,
               s.quantity + COALESCE(h.quantity, 0) AS quantity,
               s.value + COALESCE(h.value, 0) AS value
        FROM sums s LEFT JOIN LATERAL (
            SELECT sum(e.quantity) AS quantity, sum(e.value) AS value
            FROM inventory_stockentry e
            WHERE %(from_checkpoint)s AND e.tenant_id = %(t)s AND e.item_id = s.item_id
              AND e.transaction_id = s.transaction_id AND e.id <= %(from_entry)s
              AND e.lot_id IS NOT DISTINCT FROM s.lot_id
              AND e.serial_id IS NOT DISTINCT FROM s.serial_id) h ON true
        WHERE s.grouping_set = %(transaction)s),
    -- The open layers and pools, through their index: a used-up layer holds nothing (the
    -- table's check inventory_costlayer_used_up_holds_no_value), so the sums are the same.
    layer AS (
        SELECT item_id, site_id, sum(remaining_quantity) AS quantity, sum(remaining_value) AS value
        FROM inventory_costlayer
        WHERE tenant_id = %(t)s AND (remaining_quantity > 0 OR is_pool) GROUP BY 1, 2),
    found AS (
        SELECT 'balance' AS name, COALESCE(e.item_id, b.item_id) AS k1,
               COALESCE(e.location_id, b.location_id) AS k2, COALESCE(e.lot_id, b.lot_id) AS k3,
               COALESCE(e.serial_id, b.serial_id) AS k4, COALESCE(e.status, b.status) AS k5,
               COALESCE(e.quantity, 0) AS n1, COALESCE(b.on_hand, 0) AS n2,
               NULL::numeric AS n3, NULL::numeric AS n4
        FROM entry_balance e FULL JOIN balance b USING (item_id, location_id, lot_id, serial_id, status)
        WHERE COALESCE(e.quantity, 0) <> COALESCE(b.on_hand, 0)
        UNION ALL
        SELECT 'reserved', COALESCE(b.id, r.balance_id), NULL, NULL, NULL, NULL,
               COALESCE(b.reserved, 0), COALESCE(r.quantity, 0), NULL, NULL
        FROM (SELECT id, reserved FROM inventory_stockbalance
              WHERE tenant_id = %(t)s AND reserved <> 0) b
        FULL JOIN (SELECT balance_id, sum(quantity) AS quantity FROM inventory_reservation
                   WHERE tenant_id = %(t)s GROUP BY balance_id) r ON r.balance_id = b.id
        WHERE COALESCE(b.reserved, 0) <> COALESCE(r.quantity, 0)
        UNION ALL
        SELECT 'unbalanced_transaction', transaction_id, item_id, COALESCE(lot_id, 0),
               COALESCE(serial_id, 0), NULL, quantity, value, NULL, NULL
        FROM unbalanced WHERE quantity <> 0 OR value <> 0
        UNION ALL
        SELECT 'valuation', COALESCE(e.item_id, l.item_id), COALESCE(e.site_id, l.site_id), NULL, NULL,
               NULL, COALESCE(e.quantity, 0), COALESCE(l.quantity, 0), COALESCE(e.value, 0),
               COALESCE(l.value, 0)
        FROM entry_value e FULL JOIN layer l USING (item_id, site_id)
        WHERE COALESCE(e.quantity, 0) <> COALESCE(l.quantity, 0)
           OR COALESCE(e.value, 0) <> COALESCE(l.value, 0))
    SELECT *, count(*) OVER () FROM found ORDER BY 1, 2, 3, 4, 5, 6 LIMIT %(limit)s
"""

DESCRIBE = {
    "balance": "balance item={k1} location={k2} lot={k3} serial={k4} status={k5}: "
    "entries sum to {n1}, balance says {n2}",
    "reserved": "balance #{k1}: reserved {n1}, reservations sum to {n2}",
    "unbalanced_transaction": "transaction #{k1} item={k2} lot={k3} serial={k4}: "
    "quantities sum to {n1}, values to {n2}",
    "valuation": "item={k1} site={k2}: entries hold {n1} worth {n3}, cost layers {n2} worth {n4}",
}

# The checkpoint's sums: what was read, less what lies beyond the watermark. A full check
# replaces them, one from the checkpoint adds to them.
KEPT = "CASE WHEN grouping_set = %(balance)s THEN {0} ELSE -{0} END"
WRITE_BALANCES = f"""
    INSERT INTO inventory_ledgercheckpointbalance AS c
        (tenant_id, item_id, location_id, lot_id, serial_id, status, quantity)
    SELECT %(t)s, item_id, location_id, COALESCE(lot_id, 0), COALESCE(serial_id, 0), status,
           sum({KEPT.format("quantity")})
    FROM ledger_check_sums WHERE grouping_set IN (%(balance)s, %(beyond)s)
    GROUP BY item_id, location_id, COALESCE(lot_id, 0), COALESCE(serial_id, 0), status
    HAVING sum({KEPT.format("entries")}) > 0
    ON CONFLICT (tenant_id, item_id, location_id, lot_id, serial_id, status)
    DO UPDATE SET quantity = c.quantity + EXCLUDED.quantity
"""
WRITE_VALUES = f"""
    INSERT INTO inventory_ledgercheckpointvalue AS c (tenant_id, item_id, site_id, quantity, value)
    SELECT %(t)s, item_id, site_id, sum({KEPT.format("quantity")}), sum({KEPT.format("value")})
    FROM ledger_check_sums
    WHERE grouping_set IN (%(balance)s, %(beyond)s) AND site_id IS NOT NULL
    GROUP BY item_id, site_id
    HAVING sum({KEPT.format("entries")}) > 0
    ON CONFLICT (tenant_id, item_id, site_id)
    DO UPDATE SET quantity = c.quantity + EXCLUDED.quantity, value = c.value + EXCLUDED.value
"""
COUNTS = f"""
    SELECT COALESCE(sum(entries) FILTER (WHERE grouping_set = %(balance)s), 0)::bigint,
           COALESCE(sum({KEPT.format("entries")}), 0)::bigint
    FROM ledger_check_sums WHERE grouping_set IN (%(balance)s, %(beyond)s)
"""


@dataclass
class Difference:
    check: str
    detail: str


@dataclass
class Outcome:
    """What one check read and found, and the checkpoint it started from and left."""

    full: bool
    entries_checked: int
    differences: list[Difference] = field(default_factory=list)
    total_differences: int = 0
    seconds: float = 0.0
    based_on: LedgerCheck | None = None
    record: LedgerCheck | None = None  # None when not recorded (`verify`)
    note: str = ""

    @property
    def clean(self) -> bool:
        return self.total_differences == 0

    @property
    def checkpoint(self) -> LedgerCheck | None:
        """The checkpoint the next check continues from."""
        if self.record is not None and self.record.is_checkpoint:
            return self.record
        return self.based_on


def latest_checkpoint(tenant_id: int) -> LedgerCheck | None:
    return (
        LedgerCheck.objects.filter(tenant_id=tenant_id, upto_entry_id__isnull=False)
        .order_by("-id")
        .first()
    )


def _scan(
    cursor, tenant_id: int, base: LedgerCheck | None, mark: watermark.Mark | None, limit: int
) -> tuple[int, int, list[Difference], int]:
    """Sum the entries after `base` (all of them without one) into ledger_check_sums and
    compare: (entries read, of which up to `mark`, the first `limit` differences, how many
    in all)."""
    for name, value in SETTINGS.items():
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
    cursor.execute("DROP TABLE IF EXISTS ledger_check_sums")
    params = {
        "t": tenant_id, "limit": limit, "from_checkpoint": base is not None,
        "balance": BALANCE, "transaction": TRANSACTION, "beyond": BEYOND,
        "from_entry": base.upto_entry_id if base else 0,
        "mark_entry": mark.entry_id if mark else NO_MARK,
    }  # fmt: skip
    sums = SUMS.format(after=AFTER_CHECKPOINT if base else "")
    cursor.execute(
        f"CREATE TEMPORARY TABLE ledger_check_sums ON COMMIT DROP AS {sums} WITH NO DATA", params
    )
    cursor.execute(DIFFERENCES.format(sums=sums, beyond=BEYOND_SQL), params)
    columns = [c.name for c in cursor.description]
    rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    differences = [Difference(row["name"], DESCRIBE[row["name"]].format(**row)) for row in rows]
    cursor.execute(COUNTS, params)
    entries, kept = cursor.fetchone()
    return entries, kept, differences, rows[0]["count"] if rows else 0


def _write_checkpoint(cursor, tenant_id: int, *, replace: bool) -> None:
    if replace:
        for table in ("inventory_ledgercheckpointbalance", "inventory_ledgercheckpointvalue"):
            cursor.execute(f"DELETE FROM {table} WHERE tenant_id = %s", [tenant_id])
    args = {"t": tenant_id, "balance": BALANCE, "beyond": BEYOND}
    cursor.execute(WRITE_BALANCES, args)
    cursor.execute(WRITE_VALUES, args)


def verify(tenant_id: int, *, limit: int = REPORT_LIMIT) -> list[Difference]:
    """Every difference between the whole ledger and what was derived from it, for one tenant
    (at most `limit`). Reads only: no checkpoint, no record.

    Runs inside that tenant's context (row-level security shows only its rows anyway).
    """
    # The temporary table lives until the end of a transaction: one must be open.
    with transaction.atomic(), connection.cursor() as cursor:
        differences = _scan(cursor, tenant_id, None, None, limit)[2]
        cursor.execute("DROP TABLE ledger_check_sums")
    return differences


def _report(outcome: Outcome) -> str:
    lines = [f"{d.check}: {d.detail}" for d in outcome.differences[:20]]
    if outcome.total_differences > len(lines):
        lines.append(f"... and {outcome.total_differences - len(lines)} more")
    return "\n".join(lines)


@transaction.atomic
def check(
    *,
    tenant_id: int,
    full: bool = False,
    settle: float = watermark.SETTLE_SECONDS,
    limit: int = REPORT_LIMIT,
) -> Outcome:
    """Check one tenant's ledger, from its checkpoint (or from zero when `full` or when it has
    none), record the run, and when it is clean and its watermark settled make it the new
    checkpoint. Runs inside that tenant's context.

    Lock order: the tenant's check lock only (a transaction-level advisory lock, so two checks
    of one tenant never both add their entries to the same checkpoint: the second waits, then
    continues from the first one's checkpoint). Postings are never blocked: the comparison is
    one statement, so it reads entries and balances at one moment.
    """
    started_at, started = timezone.now(), time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"ledger_check:{tenant_id}"]
        )
    base = None if full else latest_checkpoint(tenant_id)
    mark = watermark.take(settle=settle)
    with connection.cursor() as cursor:
        entries, kept, differences, total = _scan(cursor, tenant_id, base, mark, limit)
        outcome = Outcome(
            full=base is None, entries_checked=entries, differences=differences,
            total_differences=total, based_on=base,
        )  # fmt: skip
        advance = outcome.clean and mark.settled
        if outcome.clean and not mark.settled:
            outcome.note = (
                f"checkpoint not advanced: {mark.still_open} transaction(s) older than the "
                f"check still open after {settle:g} s"
            )
        if advance:
            _write_checkpoint(cursor, tenant_id, replace=base is None)
        cursor.execute("DROP TABLE ledger_check_sums")
    outcome.seconds = time.perf_counter() - started
    outcome.record = LedgerCheck.objects.create(
        tenant_id=tenant_id, started_at=started_at, seconds=outcome.seconds, full=outcome.full,
        based_on=base, entries_checked=entries, differences=total, report=_report(outcome),
        upto_entry_id=mark.entry_id if advance else None,
        entries=(base.entries if base else 0) + kept if advance else None, note=outcome.note,
    )  # fmt: skip
    return outcome
