"""The ledger browser at depth: first, middle and last page beside one hand-written SQL each.

    .venv/bin/python bench/ledger_browser.py [--entries 1000000] [--repeats 15] [--tenant SLUG]

Reads the tenant `bench-ledger-verify-<entries>` that `bench/ledger_post.py --entries N`
generates (100 items, 2,000-entry postings: 500 transactions per 10^6 entries, 10^4 entries
per item) and signs in to it, through the Django test Client, as a finance member (a ledger
reader, made once). For each of three keyset lists it times the first page, the page that
starts at the middle row and the last page (p50 over `--repeats` requests after a warm-up):

- `transactions`: the transaction list (50 rows, each with its line count and reversal), the
  page whose OFFSET pages once read every earlier transaction and counted its lines;
- `entries`: the entries of the middle transaction (50 a page);
- `item_ledger`: the item page's ledger tab for one item (an htmx request for its results,
  25 a page, which also builds the item page's other tables).

`--tenant SLUG` runs the same pages on an existing tenant instead (the one
`manage.py seed_scale` made; `--entries` is then ignored), signed in as its
`finance@<slug>.example` member that seed_scale made (the bench's own reader when it has
none). The entries are those of its largest receipt among the latest 100 (by line count,
from the keyset index and the entries' transaction index: no pass over all entries), the item
the one with the most entries in those receipts (seed_scale receives the first items of its
ABC skew most), its entry count printed beside it.

Beside each: the same rows by one SQL statement through psycopg (the keyset WHERE, the same
per-row figures), and, for the transactions, the OFFSET statement the list used before.
Printed per page: p50 of the page and of the SQL, their ratio, the page's SQL statements and
the rows rendered (checked against the SQL's ids). Then EXPLAIN ANALYZE of the list's last
page statement, to show the per-row subqueries run once per row shown (loops=51).

`--wide N` adds the transaction list of a tenant of N 2-line transactions (made once by one
set-based INSERT, two to a minute so that posted_at ties), where an OFFSET page would skip
up to N rows: the depth the 10^6-entry tenant (500 transactions) does not have.

Last line: `ledger_last_page_ms <p50 of the transaction list's last page, 10^6 entries>`.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time

from _setup import django_setup

django_setup()

import psycopg  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from erp.keyset import Keyset  # noqa: E402
from erp.models import Membership, Tenant, User  # noqa: E402
from erp.tenancy import tenant_context  # noqa: E402
from inventory import selectors  # noqa: E402
from inventory.models import Item, StockTransaction  # noqa: E402
from inventory.permissions import LEDGER_READERS  # noqa: E402

TRANSACTIONS_SQL = """
    SELECT t.id, t.posted_at, t.kind, t.reference, u.email,
           (SELECT count(*) FROM inventory_stockentry e
            WHERE e.tenant_id = t.tenant_id AND e.transaction_id = t.id) AS lines,
           (SELECT r.id FROM inventory_stocktransaction r
            WHERE r.tenant_id = t.tenant_id AND r.reverses_id = t.id LIMIT 1) AS reversed_by
    FROM inventory_stocktransaction t LEFT JOIN erp_user u ON u.id = t.posted_by_id
    WHERE t.tenant_id = %(t)s {where}
    ORDER BY t.posted_at {direction}, t.id {direction} {limit}
"""
ENTRIES_SQL = """
    SELECT e.id, i.sku, l.code, e.quantity, e.value
    FROM inventory_stockentry e
    JOIN inventory_item i ON i.id = e.item_id JOIN inventory_location l ON l.id = e.location_id
    WHERE e.tenant_id = %(t)s AND e.transaction_id = %(txn)s {where}
    ORDER BY e.id {direction} LIMIT 50
"""
ITEM_SQL = """
    SELECT e.id, t.posted_at, t.kind, l.code, e.quantity
    FROM inventory_stockentry e
    JOIN inventory_stocktransaction t ON t.id = e.transaction_id
    JOIN inventory_location l ON l.id = e.location_id
    WHERE e.tenant_id = %(t)s AND e.item_id = %(item)s {where}
    ORDER BY e.transaction_id {direction}, e.id {direction} LIMIT 25
"""


def p50(times: list[float]) -> float:
    return 1000 * statistics.median(times)


def reader(tenant: Tenant) -> User:
    email = f"ledger-reader@{tenant.slug}.bench.invalid"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None)
    with tenant_context(tenant):
        Membership.objects.get_or_create(tenant=tenant, user=user, defaults={"role": "finance"})
    return user


class Sql:
    """One statement by hand, as the application role with the tenant set, like the page."""

    def __init__(self, tenant_id: int):
        self.tenant_id = tenant_id
        self.conn = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)

    def run(self, sql: str, args: dict) -> list:
        with self.conn.transaction(), self.conn.cursor() as cursor:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", [str(self.tenant_id)])
            cursor.execute(sql, {"t": self.tenant_id, **args})
            return cursor.fetchall() if cursor.description else []

    def time(self, sql: str, args: dict, repeats: int) -> tuple[float, list]:
        rows = self.run(sql, args)
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            self.run(sql, args)
            times.append(time.perf_counter() - started)
        return p50(times), rows


def page(client: Client, url: str, params: dict, repeats: int, htmx: str = "") -> dict:
    headers = {"HX-Request": "true", "HX-Target": htmx} if htmx else {}
    # A request starts by emptying the query log: start the capture from an empty one.
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params, headers=headers)
    assert response.status_code == 200, (url, params, response.status_code)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        client.get(url, params, headers=headers)
        times.append(time.perf_counter() - started)
    # The item page names its tables; the ledger pages call theirs "table".
    table = response.context.get("table") or response.context["ledger"]
    html = response.content.decode()
    body = html.split('id="' + table.results_id + '"')[1].split("</tbody>")[0]
    return {
        "ms": p50(times),
        "statements": len(captured),
        "ids": [row.pk for row in table.page],
        "rendered": body.count("<tr>") - 1,  # less the header row
        "sql": [q["sql"] for q in captured.captured_queries],
        "table": table,
    }


def report(name: str, where: str, got: dict, ref_ms: float, ref_ids: list, extra: str = ""):
    same = got["ids"] == ref_ids
    print(
        f"{name:<12} {where:<6} page_p50_ms {got['ms']:7.1f}  sql_p50_ms {ref_ms:6.2f}  "
        f"ratio {got['ms'] / ref_ms:6.1f}  statements {got['statements']:>2}  "
        f"rows {got['rendered']:>2}  same_rows_as_sql {same}{extra}"
    )
    if not same:
        print(f"    page ids {got['ids'][:5]}...  sql ids {ref_ids[:5]}...", file=sys.stderr)
    return same


def transaction_pages(client, sql, tenant, transactions: int, repeats: int):
    """The transaction list's first, middle and last page beside their SQL; the plans."""
    url = reverse("inventory:transaction_list")
    with tenant_context(tenant):
        pager = Keyset(
            selectors.transactions(tenant=tenant), ("-posted_at", "-pk"),
            salt=":transactions", per_page=50,
        )  # fmt: skip
        middle = pager.ordered()[transactions // 2 - 1]  # setup only: the row before
    first = page(client, url, {}, repeats)
    deep = page(client, url, {"cursor": pager.cursor_after(middle)}, repeats)
    last = page(client, url, {"cursor": first["table"].last_cursor}, repeats)
    keyset = "AND (t.posted_at, t.id) < (%(at)s, %(id)s)"
    ref = {}
    ref["first"] = sql.time(
        TRANSACTIONS_SQL.format(where="", direction="DESC", limit="LIMIT 50"), {}, repeats
    )
    ref["middle"] = sql.time(
        TRANSACTIONS_SQL.format(where=keyset, direction="DESC", limit="LIMIT 50"),
        {"at": middle.posted_at, "id": middle.pk}, repeats,
    )  # fmt: skip
    ms, rows = sql.time(
        TRANSACTIONS_SQL.format(where="", direction="ASC", limit="LIMIT 50"), {}, repeats
    )
    ref["last"] = (ms, rows[::-1])
    offset = max(0, transactions - 50)
    offset_ms, _ = sql.time(
        TRANSACTIONS_SQL.format(where="", direction="DESC", limit=f"LIMIT 50 OFFSET {offset}"),
        {}, repeats,
    )  # fmt: skip
    print(f"\ntransaction list of {tenant.slug}: {transactions} transactions")
    ok = True
    for where, got in (("first", first), ("middle", deep), ("last", last)):
        ms, rows = ref[where]
        extra = f"  offset_sql_p50_ms {offset_ms:.1f}" if where == "last" else ""
        ok &= report("transactions", where, got, ms, [r[0] for r in rows], extra)
        ok &= got["rendered"] == 50 or len(got["ids"]) < 50
    offsets = any(" OFFSET " in q for got in (first, deep, last) for q in got["sql"])
    print(f"transactions all pages: no OFFSET {not offsets}")
    for where, got in (("middle", deep), ("last", last)):
        statement = next(
            q for q in got["sql"] if "LIMIT 51" in q and "inventory_stocktransaction" in q
        )
        with tenant_context(tenant), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + statement)
            plan = [row[0] for row in cursor.fetchall()]
        print(f"plan of its {where} page (scan, rows, loops):")
        for line in plan:
            if re.search(r"Limit|Scan|SubPlan|Index Cond|Execution Time|Sort", line):
                print("   " + line.strip())
    return ok, first, deep, last


WIDE_SQL = """
    WITH h AS (
        INSERT INTO inventory_stocktransaction (tenant_id, kind, reference, posted_at, reason)
        SELECT %(t)s, 'move', 'W-' || g,
               timestamptz '2020-01-01' + make_interval(mins => g / 2), ''
        FROM generate_series(1, %(n)s) g
        RETURNING id)
    INSERT INTO inventory_stockentry
        (tenant_id, transaction_id, item_id, location_id, status, quantity, unit_cost, value,
         site_id)
    SELECT %(t)s, h.id, %(item)s, e.loc, 'available', e.q, 0, 0, %(site)s
    FROM h, (VALUES (%(a)s::bigint, -1::numeric), (%(b)s::bigint, 1::numeric)) AS e(loc, q)
"""


def wide_tenant(n: int) -> Tenant:
    """A tenant of `n` 2-line transactions, two to a minute (ties on posted_at), for the list's
    depth. Written by one set-based INSERT, not by ledger.post: its balances are not kept, so
    `verify_ledger` reports it; it exists only for this bench."""
    from ledger_post import analyze, ensure_tenant

    stock = ensure_tenant(f"bench-ledger-browser-{n}", items=1, bins=2)
    tenant = Tenant.objects.get(pk=stock.tenant_id)
    with tenant_context(tenant):
        have = StockTransaction.objects.filter(tenant=tenant).count()
    if have < n:
        started = time.perf_counter()
        Sql(tenant.id).run(WIDE_SQL, {"n": n - have, "item": stock.item_ids[0],
                                      "a": stock.location_ids[0], "b": stock.location_ids[1],
                                      "site": stock.site_id})  # fmt: skip
        analyze()
        print(f"wrote {n - have} transactions in {time.perf_counter() - started:.0f} s")
    return tenant


def seeded_reader(tenant: Tenant) -> User | None:
    """seed_scale's finance member of the tenant, if it has one."""
    with tenant_context(tenant):
        membership = (
            Membership.objects.filter(
                tenant=tenant, user__email=f"finance@{tenant.slug}.example",
                role__in=LEDGER_READERS,
            )
            .select_related("user")
            .first()
        )  # fmt: skip
    return membership.user if membership else None


LARGEST_RECENT_SQL = """
    SELECT t.id FROM (
        SELECT id, tenant_id FROM inventory_stocktransaction
        WHERE tenant_id = %(t)s AND (%(kind)s::text IS NULL OR kind = %(kind)s)
        ORDER BY posted_at DESC, id DESC LIMIT 100) t
    ORDER BY (SELECT count(*) FROM inventory_stockentry e
              WHERE e.tenant_id = t.tenant_id AND e.transaction_id = t.id) DESC, t.id DESC
    LIMIT 1
"""
BUSIEST_ITEM_SQL = """
    SELECT e.item_id FROM (
        SELECT id FROM inventory_stocktransaction
        WHERE tenant_id = %(t)s AND (%(kind)s::text IS NULL OR kind = %(kind)s)
        ORDER BY posted_at DESC, id DESC LIMIT 100) t
    JOIN inventory_stockentry e ON e.tenant_id = %(t)s AND e.transaction_id = t.id
    GROUP BY e.item_id ORDER BY count(*) DESC, e.item_id LIMIT 1
"""


def largest_transaction(tenant: Tenant, sql: Sql) -> StockTransaction:
    """The largest of the latest 100 receipts (of any kind when there are none): seed_scale
    receives in full-size postings, and other benches (bench/verify.py) add small moves, not
    receipts. Walks the keyset index back, not every transaction's lines."""
    rows = sql.run(LARGEST_RECENT_SQL, {"kind": "receipt"}) or sql.run(
        LARGEST_RECENT_SQL, {"kind": None}
    )
    if not rows:
        sys.exit(f"{tenant.slug} has no transactions.")
    return StockTransaction.objects.get(tenant=tenant, pk=rows[0][0])


def busiest_item(sql: Sql) -> Item:
    """The item with the most entries in the latest 100 receipts (of any kind when there are
    none): seed_scale receives the first items of its ABC skew most, so the sample puts its
    busiest item first, where the balances (bins, lots) do not."""
    rows = sql.run(BUSIEST_ITEM_SQL, {"kind": "receipt"}) or sql.run(
        BUSIEST_ITEM_SQL, {"kind": None}
    )
    if not rows:
        sys.exit("The tenant has no stock.")
    return Item.objects.get(pk=rows[0][0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument(
        "--wide",
        type=int,
        default=0,
        help="also a tenant of this many 2-line transactions (list depth; 0 skips)",
    )
    parser.add_argument("--tenant", help="an existing tenant's slug (seed_scale's) to browse")
    args = parser.parse_args()
    slug = args.tenant or f"bench-ledger-verify-{args.entries}"
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        sys.exit(
            f"No tenant {slug}: make it with manage.py seed_scale first."
            if args.tenant
            else f"No tenant {slug}: run bench/ledger_post.py --entries {args.entries} first."
        )
    # The test environment records the rendered context, which the checks read (the rows).
    setup_test_environment()
    client = Client(HTTP_HOST="localhost")
    user = (args.tenant and seeded_reader(tenant)) or reader(tenant)
    client.force_login(user)
    sql = Sql(tenant.id)
    ok = True
    with tenant_context(tenant):
        transactions = StockTransaction.objects.filter(tenant=tenant).count()
        if args.tenant:
            item, txn = busiest_item(sql), largest_transaction(tenant, sql)
        else:
            item = Item.objects.filter(tenant=tenant).order_by("pk").first()
            txn = StockTransaction.objects.filter(tenant=tenant).order_by("pk")[transactions // 2]
    entries_total = sql.run(
        "SELECT count(*) FROM inventory_stockentry WHERE tenant_id = %(t)s", {}
    )[0][0]
    print(
        f"tenant {slug} (id {tenant.id}): {transactions} transactions, {entries_total} entries; "
        f"signed in as {user.email}"
    )

    ok, _, _, last = transaction_pages(client, sql, tenant, transactions, args.repeats)

    # --- a transaction's entries ------------------------------------------------------------
    with tenant_context(tenant):
        lines = selectors.transaction_entries(tenant=tenant, transaction=txn).count()
        epager = Keyset(
            selectors.transaction_entries(tenant=tenant, transaction=txn), ("pk",),
            salt=":entries", per_page=50,
        )  # fmt: skip
        emiddle = epager.ordered()[lines // 2 - 1]
    durl = reverse("inventory:transaction_detail", args=[txn.pk])
    efirst = page(client, durl, {}, args.repeats)
    edeep = page(client, durl, {"cursor": epager.cursor_after(emiddle)}, args.repeats)
    elast = page(client, durl, {"cursor": efirst["table"].last_cursor}, args.repeats)
    base = {"txn": txn.pk}
    eref = {
        "first": sql.time(ENTRIES_SQL.format(where="", direction="ASC"), base, args.repeats),
        "middle": sql.time(
            ENTRIES_SQL.format(where="AND e.id > %(id)s", direction="ASC"),
            {**base, "id": emiddle.pk}, args.repeats,
        ),
    }  # fmt: skip
    ms, rows = sql.time(ENTRIES_SQL.format(where="", direction="DESC"), base, args.repeats)
    eref["last"] = (ms, rows[::-1])
    print(f"\ntransaction #{txn.pk}: {lines} entries")
    for where, got in (("first", efirst), ("middle", edeep), ("last", elast)):
        ms, rows = eref[where]
        ok &= report("entries", where, got, ms, [r[0] for r in rows])

    # --- an item's ledger tab ---------------------------------------------------------------
    with tenant_context(tenant):
        history = selectors.item_entries(tenant=tenant, item=item)
        count = history.count()
        ipager = Keyset(history, ("-transaction_id", "-pk"), salt="ledger:ledger", per_page=25)
        imiddle = ipager.ordered()[count // 2 - 1]
    iurl = reverse("inventory:item_detail", args=[item.pk])
    ifirst = page(client, iurl, {}, args.repeats, htmx="ledger-results")
    ideep = page(
        client,
        iurl,
        {"ledger-cursor": ipager.cursor_after(imiddle)},
        args.repeats,
        htmx="ledger-results",
    )
    ilast = page(
        client,
        iurl,
        {"ledger-cursor": ifirst["table"].last_cursor},
        args.repeats,
        htmx="ledger-results",
    )
    after = "AND (e.transaction_id, e.id) < (%(txn)s, %(id)s)"
    iref = {
        "first": sql.time(ITEM_SQL.format(where="", direction="DESC"), {"item": item.pk}, args.repeats),
        "middle": sql.time(
            ITEM_SQL.format(where=after, direction="DESC"),
            {"item": item.pk, "txn": imiddle.transaction_id, "id": imiddle.pk}, args.repeats,
        ),
    }  # fmt: skip
    ms, rows = sql.time(ITEM_SQL.format(where="", direction="ASC"), {"item": item.pk}, args.repeats)
    iref["last"] = (ms, rows[::-1])
    print(f"\nitem {item.sku}: {count} entries (the item page's ledger tab, htmx)")
    for where, got in (("first", ifirst), ("middle", ideep), ("last", ilast)):
        ms, rows = iref[where]
        ok &= report("item_ledger", where, got, ms, [r[0] for r in rows])

    if args.wide:
        wide = wide_tenant(args.wide)
        wclient = Client(HTTP_HOST="localhost")
        wclient.force_login(reader(wide))
        wide_ok, _, _, wide_last = transaction_pages(
            wclient, Sql(wide.id), wide, args.wide, args.repeats
        )
        ok &= wide_ok
        print(f"wide_last_page_ms {wide_last['ms']:.1f}")

    print(f"\nall_rows_match_sql {ok}")
    print(f"ledger_last_page_ms {last['ms']:.1f}")


if __name__ == "__main__":
    main()
