"""The audit trail on a big tenant, and the memory its PDF report takes.

    .venv/bin/python bench/audit_trail.py [--rows 1000000] [--pdf-rows 20000]

Makes (once) the tenant `bench-audit-<rows>`: rows/2 stock transaction headers and rows/2 item
history records, spread over two years, written by set-based INSERTs (no entries: the trail
lists headers; the item, lot and serial filters are the ledger's own indexed lookups). Then:

- the trail's first page and the page starting at the middle row (50 rows, keyset), p50 of
  --repeats, beside one hand-written SQL statement that reads the same rows from the tables
  seeded (and the tenant's own record) (each branch ordered by its index, merged, limited), and their ratio;
- EXPLAIN ANALYZE of the middle page's statement: each branch of the view is read from the
  cursor onwards for about a page of rows, not from the start of the history;
- the PDF of the newest --pdf-rows rows and of a tenth of them, built as the Celery job builds
  it (rows read 2,000 at a time by keyset, drawn page by page on a canvas): seconds, pages,
  file size and the growth of the process's peak RSS for each.

Last line: `audit_worst_ratio <slowest page / its SQL>`. The reference reads only the three
tables that hold rows; the page's statement has a branch for every history table (about 50),
and planning them (about 15 ms warm, measured with EXPLAIN SUMMARY) is most of the page's
time, so the ratio is large while the page stays tens of milliseconds at any depth (on the
run of 30 Nov 2026: 25 ms first page, 45 ms middle page, 10^6 rows; PDF of 100,000 rows:
2,326 pages, 4.4 MB, 94 s, peak RSS +61 MB against +23 MB for 10,000 rows).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time

from _setup import django_setup

django_setup()

from django.db import connection  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402

from erp.keyset import Keyset  # noqa: E402
from erp.models import Tenant  # noqa: E402
from erp.tenancy import tenant_context  # noqa: E402
from reporting import pdf as report_pdf  # noqa: E402
from reporting import selectors  # noqa: E402

SEED_TRANSACTIONS = """
INSERT INTO inventory_stocktransaction (tenant_id, kind, reference, posted_at, reason)
SELECT %(tenant)s, 'receipt', 'PO-' || g, now() - (g * interval '2 years') / %(n)s, ''
FROM generate_series(1, %(n)s) g
"""
SEED_HISTORY = """
INSERT INTO inventory_historicalitem (
    id, tenant_id, sku, description, category, base_unit, divisible, tracking, expiry_required,
    abc_class, velocity_class, hazardous, costing_method, standard_cost, is_active,
    history_date, history_type, updated_at)
SELECT 1000000000 + g %% 5000, %(tenant)s, 'SKU-' || (g %% 5000), 'Item', 'general', 'each',
       false, 'none', false, '', '', false, 'fifo', 1, true,
       now() - ((g + 0.5) * interval '2 years') / %(n)s, '~', now()
FROM generate_series(1, %(n)s) g
"""
REFERENCE = """
(SELECT posted_at AS at, 't:' || id AS key FROM inventory_stocktransaction
 WHERE tenant_id = %(tenant)s AND posted_at <= %(at)s ORDER BY posted_at DESC LIMIT 51)
UNION ALL
(SELECT history_date, 'inventory.item:' || history_id FROM inventory_historicalitem
 WHERE tenant_id = %(tenant)s AND history_date <= %(at)s ORDER BY history_date DESC LIMIT 51)
UNION ALL
(SELECT history_date, 'erp.tenant:' || history_id FROM erp_historicaltenant
 WHERE id = %(tenant)s AND history_date <= %(at)s)
ORDER BY at DESC, key DESC LIMIT 51
"""


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def tenant_for(rows: int) -> Tenant:
    slug = f"bench-audit-{rows}"
    tenant, made = Tenant.objects.get_or_create(slug=slug, defaults={"name": f"Bench {slug}"})
    if made:
        started = time.perf_counter()
        with tenant_context(tenant), connection.cursor() as cursor:
            cursor.execute(SEED_TRANSACTIONS, {"tenant": tenant.pk, "n": rows // 2})
            cursor.execute(SEED_HISTORY, {"tenant": tenant.pk, "n": rows // 2})
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE inventory_stocktransaction")
            cursor.execute("ANALYZE inventory_historicalitem")
        print(f"seeded {rows:,} rows in {time.perf_counter() - started:.1f} s")
    return tenant


def timed(work, repeats: int) -> tuple[float, object]:
    work()  # warm-up
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pdf-rows", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    tenant = tenant_for(args.rows)
    ratios = []
    with tenant_context(tenant):
        events = selectors.audit_events(tenant=tenant)
        pager = Keyset(events, ("-at", "-pk"), salt="bench", per_page=50)
        middle = events.order_by("-at", "-id")[args.rows // 2 : args.rows // 2 + 1].get()
        cursor = pager.cursor_after(
            type("Row", (), {"keyset_0": middle.at, "keyset_1": middle.id})()
        )
        for name, page_cursor, at in [("first", None, None), ("middle", cursor, middle.at)]:
            page_ms, page = timed(lambda c=page_cursor: pager.page(c).object_list, args.repeats)

            def reference(at=at):
                with connection.cursor() as sql:
                    sql.execute(REFERENCE, {"tenant": tenant.pk, "at": at or "infinity"})
                    return sql.fetchall()

            sql_ms, expected = timed(reference, args.repeats)
            shown = [row.id for row in page]
            # The reference's middle page includes the cursor row itself (<=); the page starts
            # after it.
            want = [key for _, key in expected][1 if page_cursor else 0 :][: len(shown)]
            assert shown == want, (name, shown[:3], want[:3])
            ratios.append(page_ms / sql_ms)
            print(
                f"{name:>6} page: {page_ms:7.1f} ms  sql {sql_ms:7.1f} ms  "
                f"ratio {page_ms / sql_ms:4.1f}  rows {len(shown)}"
            )
        query = pager.ordered().filter(pager._beyond(pager._read(cursor)[1], False))[:51]
        with connection.cursor() as sql:
            compiled, params = query.query.sql_with_params()
            sql.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {compiled}", params)
            plan = [line for (line,) in sql.fetchall()]
        print("EXPLAIN ANALYZE, middle page:")
        print("\n".join(f"  {line}" for line in plan[:40]))

    for rows in (args.pdf_rows // 10, args.pdf_rows):
        # A child process per size, so each peak RSS is the PDF's own; the parent's database
        # connection is closed first, so the child opens its own.
        connection.close()
        pid = os.fork()
        if pid == 0:
            try:
                before = peak_mb()
                started = time.perf_counter()
                with tenant_context(tenant), tempfile.TemporaryFile() as out:
                    heading = report_pdf.Heading("Audit trail", tenant.name, "all dates", [], "now")
                    pages = report_pdf.build(
                        out,
                        rows=report_pdf.stream(selectors.audit_events(tenant=tenant), limit=rows),
                        row_count=rows,
                        heading=heading,
                        pagesize=A4,
                    )
                    size = out.tell()
                print(
                    f"pdf {rows:>7,} rows: {pages:,} pages, {size / 1e6:.1f} MB, "
                    f"{time.perf_counter() - started:.1f} s, peak RSS +{peak_mb() - before:.1f} MB"
                )
                sys.stdout.flush()
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
    print(f"audit_worst_ratio {max(ratios):.2f}")


if __name__ == "__main__":
    main()
