"""An export of 100,000 ledger transactions, streamed, in bounded memory.

    .venv/bin/python bench/export_memory.py [--transactions 100000] [--format csv|xlsx|both]
                                            [--page ledger|audit] [--scratch]

Uses the tenant of N 2-line transactions that `bench/ledger_browser.py --wide N` uses (made
once by one set-based INSERT; the same tenant when both benches ran with the same N), signed
in, through the Django test Client and every middleware, as a finance member. It asks the
ledger page (`inventory:transaction_list`; with `--page audit`, the audit trail showing stock
transactions, `reporting:audit_trail`) for `?export=csv` (and `xlsx`) with the inline limit
raised above N, so the export streams in the request rather than offering a background job,
reads the streamed body a piece at a time, counts the rows it received (checked against the
tenant's transaction count: the export did the work) and drops each piece.

Peak RSS growth: the process's high-water mark (VmHWM of /proc/self/status) after the export
less the one before it, the mark reset between formats (writing 5 to /proc/self/clear_refs).
Printed beside the output's size: a file held in memory would grow the peak by about its size.

`--scratch` writes the transactions in a tenant of its own inside one transaction that is
rolled back at the end, and runs the page on that same connection: committing 10^5 such rows
runs their deferred tenant-key checks, which took 33 minutes on a busy 2-core machine.

Last line: `peak_rss_mib <largest growth over the formats run, MiB>`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import zipfile

# Above any N this bench runs, so the page streams instead of offering a background job.
os.environ["STOCKLINE_EXPORT_INLINE_ROWS"] = "100000000"

# Importing it sets Django up (bench/_setup.py), after the environment above.
from ledger_browser import WIDE_SQL, reader, wide_tenant

MIB = 1024 * 1024
COUNT_SQL = "SELECT count(*) FROM inventory_stocktransaction WHERE tenant_id = %(t)s"


def hwm_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:  # older kernels, or not allowed: the growth then counts from the first mark
        return False


def export(client, url: str, format: str, params: dict) -> dict:
    reset_hwm()
    before = hwm_kib()
    started = time.perf_counter()
    response = client.get(url, {**params, "export": format})
    if response.status_code != 200 or not response.streaming:
        sys.exit(f"{format}: the page answered {response.status_code} without a stream")
    size = newlines = 0
    # An XLSX's rows can only be counted from the whole zip: its pieces go to a file on disk
    # (page cache, not this process's RSS) and are counted after the peak is read.
    spool = tempfile.TemporaryFile() if format == "xlsx" else None  # noqa: SIM115 (closed below)
    for piece in response.streaming_content:
        size += len(piece)
        if spool is None:
            newlines += piece.count(b"\n")
        else:
            spool.write(piece)
    seconds = time.perf_counter() - started
    after = hwm_kib()
    if spool is not None:
        with spool, zipfile.ZipFile(spool) as book, book.open("xl/worksheets/sheet1.xml") as sheet:
            for block in iter(lambda: sheet.read(1 << 20), b""):
                newlines += block.count(b"</row>")
    return {
        "rows": newlines - 1,  # less the header
        "bytes": size,
        "seconds": seconds,
        "before_kib": before,
        "growth_kib": after - before,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transactions", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "xlsx", "both"], default="both")
    parser.add_argument(
        "--page",
        choices=["ledger", "audit"],
        default="ledger",
        help="the ledger's transaction list, or the audit trail showing stock transactions",
    )
    parser.add_argument(
        "--scratch",
        action="store_true",
        help="write the transactions inside one transaction rolled back at the end (its own "
        "tenant): no commit, whose deferred tenant-key checks cost minutes per 10^5 rows on a "
        "busy machine; the page, its middleware and the export run on that same connection",
    )
    args = parser.parse_args()
    if args.scratch:
        from django.db import transaction
        from ledger_post import ensure_tenant

        # Made (and committed) first: its set-up runs in durable transactions of its own.
        stock = ensure_tenant("bench-export-scratch", items=1, bins=2)
        with transaction.atomic():
            run(args, scratch_tenant(stock, args.transactions))
            transaction.set_rollback(True)
    else:
        run(args, wide_tenant(args.transactions))


def scratch_tenant(stock, n: int):
    from django.db import connection

    from erp.models import Tenant
    from erp.tenancy import tenant_context

    tenant = Tenant.objects.get(pk=stock.tenant_id)
    with tenant_context(tenant), connection.cursor() as cursor:
        cursor.execute(
            WIDE_SQL,
            {"t": tenant.pk, "n": n, "item": stock.item_ids[0], "a": stock.location_ids[0],
             "b": stock.location_ids[1], "site": stock.site_id},
        )  # fmt: skip
        cursor.execute("ANALYZE inventory_stocktransaction")
    return tenant


def run(args, tenant) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from erp.tenancy import tenant_context

    with tenant_context(tenant), connection.cursor() as cursor:
        cursor.execute(COUNT_SQL, {"t": tenant.pk})
        (expected,) = cursor.fetchone()
    setup_test_environment()
    client = Client(HTTP_HOST="localhost")
    client.force_login(reader(tenant))
    if args.page == "audit":
        # The audit trail narrowed to stock transactions: one row per transaction, as the
        # ledger's list (its change records are the tenant's few set-up rows).
        url, params, small = reverse("reporting:audit_trail"), {"show": "stock"}, {"document": "-"}
    else:
        url, params, small = reverse("inventory:transaction_list"), {}, {"kind": "receipt"}
    # Warm-up: templates, URL resolvers, the first queries of a request and a small export of
    # each format (code paths run once) load outside the measured peak.
    client.get(url, params)
    for format in ("csv", "xlsx"):
        b"".join(client.get(url, {**params, **small, "export": format}).streaming_content)

    formats = ["csv", "xlsx"] if args.format == "both" else [args.format]
    growths = []
    ok = True
    for format in formats:
        result = export(client, url, format, params)
        growths.append(result["growth_kib"])
        good = result["rows"] == expected
        ok &= good
        print(
            f"{format}: {result['rows']} rows received of {expected} "
            f"({'ok' if good else 'MISMATCH'}), {result['bytes'] / MIB:.1f} MiB in "
            f"{result['seconds']:.1f} s; peak RSS {result['before_kib'] / 1024:.0f} -> "
            f"{(result['before_kib'] + result['growth_kib']) / 1024:.0f} MiB, growth "
            f"{result['growth_kib'] / 1024:.1f} MiB beside an output of "
            f"{result['bytes'] / MIB:.1f} MiB"
        )
    if not ok:
        sys.exit("an export did not receive every row")
    print(f"peak_rss_mib {max(growths) / 1024:.1f}")


if __name__ == "__main__":
    main()
