"""Reports on a tenant with a long history, each beside a one-SQL reference in the same run.

    .venv/bin/python bench/reports.py --tenant SLUG [--repeat 5]

Data: a tenant made by `manage.py seed_scale` (10^7 entries for the issue's figures).

Each report is opened as a finance member would open it (the Django test Client in this
process, DEBUG off, the production middleware), `--repeat` times after one warm-up:
- `page_ms`: p50 of the whole request (queries, Python, template);
- `query_ms`: p50 of the page's own statements on the report's tables (the statements whose SQL
  names them, timed by the connection), what history can slow;
- `ref_ms`: p50 of the cheapest single statement for the same figures, run by hand through
  psycopg as the application role with the tenant set, like the page;
- `same`: the page's figures equal the reference's (so the bench checks it did the work);
- `ratio`: query_ms / ref_ms.

The reports: the valuation by site and category as of a year ago (its reference sums every
entry posted before that day, the statement the page ran before snapshots); the stock balance
page (its reference counts and sums the balances shown); the ledger browser's first page and
its last page (keyset; the reference reads the same 50 transactions with their line counts);
and each KPI page's main query (`bench/references/*.py`: an area's REFERENCES gives the
function a page calls for a measure, timed as `query_ms` by calling it, beside its statement;
an area without them gives its pages through `reports`). KPIs run over their
pages' default period, the last 30 days.

Last line: `worst_ratio <x>` (goal <= 3), after `slowest_page_ms <x>` (goal < 2000).
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import os
import pkgutil
import statistics
import time
from dataclasses import dataclass

from _setup import django_setup

os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "bench-reports-" + "x" * 50)
django_setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from ledger_browser import TRANSACTIONS_SQL, Sql, reader  # noqa: E402
from valuation import REF_BY_SITE_AND_CATEGORY  # noqa: E402

from erp.middleware import SESSION_KEY  # noqa: E402
from erp.models import Tenant  # noqa: E402
from erp.tenancy import tenant_context  # noqa: E402


@dataclass
class Report:
    name: str
    url: str
    params: dict
    tables: tuple[str, ...]  # the statements naming one of these are the page's own
    figures: object  # callable(response) -> comparable figures the page shows
    ref_sql: str
    ref_args: dict
    ref_figures: object  # callable(rows) -> the same figures from the reference


class SecureClient(Client):
    """HTTPS is on without DEBUG: requests say they came over it, or they are redirected."""

    def get(self, path, data=None, **extra):
        return super().get(path, data, secure=True, **extra)


def p50(times: list[float]) -> float:
    return 1000 * statistics.median(times)


def measure(client: Client, sql: Sql, report: Report, repeat: int) -> dict:
    client.get(report.url, report.params)  # warm-up
    page_times, query_times = [], []
    for _ in range(repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(report.url, report.params)
            page_times.append(time.perf_counter() - started)
        assert response.status_code == 200, (report.url, response.status_code)
        query_times.append(
            sum(
                float(q["time"])
                for q in captured.captured_queries
                if any(table in q["sql"] for table in report.tables)
            )
        )
    ref_ms, rows = sql.time(report.ref_sql, report.ref_args, repeat)
    got, expected = report.figures(response), report.ref_figures(rows)
    return {
        "page_ms": p50(page_times),
        "query_ms": p50(query_times),
        "ref_ms": ref_ms,
        "same": got == expected,
        "got": got,
        "expected": expected,
    }


def _valuation(response) -> list:
    rows = response.context["table"].page.paginator.object_list.rows
    return sorted((r["site"], r["item__category"], r["quantity"], r["value"]) for r in rows)


def _stock(response) -> tuple:
    figures = response.context["figures"]
    return (figures["rows"], figures["total_on_hand"], figures["total_reserved"])


def _ledger(response) -> list:
    return [row.pk for row in response.context["table"].page]


STOCK_SQL = """
SELECT count(*), coalesce(sum(on_hand), 0), coalesce(sum(reserved), 0)
FROM inventory_stockbalance
WHERE tenant_id = %(t)s AND is_real AND NOT (on_hand = 0 AND reserved = 0)
"""


def core_reports(tenant: Tenant, client: Client) -> list[Report]:
    year_ago = timezone.localdate() - datetime.timedelta(days=365)
    ledger_url = reverse("inventory:transaction_list")
    first = client.get(ledger_url)
    assert first.status_code == 200, (first.status_code, first.get("Location"))
    last_cursor = first.context["table"].last_cursor
    return [
        Report(
            "valuation as of a year ago", reverse("inventory:valuation"),
            {"as_of": year_ago.isoformat()},
            ("inventory_valuationsnapshot", "inventory_dayvalue"), _valuation,
            REF_BY_SITE_AND_CATEGORY, {"day": year_ago},
            lambda rows: sorted((r[0], r[1], r[2], r[3]) for r in rows),
        ),
        Report(
            "stock balance", reverse("inventory:stock_list"), {}, ("inventory_stockbalance",),
            _stock, STOCK_SQL, {}, lambda rows: tuple(rows[0]),
        ),
        Report(
            "ledger first page", ledger_url, {}, ("inventory_stocktransaction",), _ledger,
            TRANSACTIONS_SQL.format(where="", direction="DESC", limit="LIMIT 50"), {},
            lambda rows: [r[0] for r in rows],
        ),
        Report(
            "ledger last page", ledger_url, {"cursor": last_cursor},
            ("inventory_stocktransaction",), _ledger,
            TRANSACTIONS_SQL.format(where="", direction="ASC", limit="LIMIT 50"), {},
            lambda rows: [r[0] for r in rows][::-1],
        ),
    ]  # fmt: skip


@dataclass
class Measure:
    """A KPI page's main query called as the page calls it (`function(scope)`), beside the
    one-SQL reference for the same numbers (`bench/references/<area>.py` REFERENCES)."""

    name: str
    url: str  # the page that shows it, timed whole for page_ms
    function: object  # callable(scope, using=) -> tuple of numbers
    ref_sql: str  # taking %(tenant)s, %(start)s, %(stop)s


# The page that shows each measure of the areas' REFERENCES.
MEASURE_PAGES = {
    "fill_rates": "reporting:service_level",
    "on_time": "reporting:service_level",
    "otif": "reporting:service_level",
    "backorder_aging": "reporting:backorder_aging",
    "cycle_time": "reporting:cycle_time",
    "throughput": "reporting:throughput",
    "inventory_accuracy": "reporting:inventory_accuracy",
    "adjustments": "reporting:inventory_accuracy",
    "turns": "reporting:turns",
    "excess_and_dead": "reporting:excess_and_dead",
    "supplier_scorecard": "reporting:supplier_scorecard",
}


def kpi_reports(tenant: Tenant) -> list[Report | Measure]:
    """Each KPI page's main query: an area's REFERENCES (the function its page calls for a
    measure, beside one statement; the suite checks each page shows what that function
    computes), else its `reports(tenant, Report)` (its pages' statements beside one)."""
    import references

    found = []
    for module in pkgutil.iter_modules(references.__path__):
        area = importlib.import_module(f"references.{module.name}")
        if not hasattr(area, "REFERENCES"):
            found.extend(area.reports(tenant, Report))
            continue
        for key, (sql, function) in area.REFERENCES.items():
            found.append(Measure(key, reverse(MEASURE_PAGES[key]), function, sql))
    return found


def _same_numbers(values) -> tuple:
    """Numbers compared as the page shows them: to 4 decimal places, None kept."""
    return tuple(None if v is None else round(float(v), 4) for v in values)


def measure_function(client: Client, sql: Sql, tenant: Tenant, m: Measure, repeat: int) -> dict:
    from reporting.scope import DEFAULT_DAYS, Scope, today

    end = today(tenant)
    scope = Scope(tenant=tenant, start=end - datetime.timedelta(days=DEFAULT_DAYS - 1), end=end)
    start, stop = scope.bounds()
    client.get(m.url)  # warm-up
    page_times, query_times = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(m.url)
        page_times.append(time.perf_counter() - started)
        assert response.status_code == 200, (m.url, response.status_code)
    with tenant_context(tenant):
        for _ in range(repeat):
            started = time.perf_counter()
            got = m.function(scope)
            query_times.append(time.perf_counter() - started)
    args = {"tenant": tenant.pk, "start": start, "stop": stop}
    ref_ms, rows = sql.time(m.ref_sql, args, repeat)
    got, expected = _same_numbers(got), _same_numbers(rows[0])
    return {
        "page_ms": p50(page_times),
        "query_ms": p50(query_times),
        "ref_ms": ref_ms,
        "same": got == expected,
        "got": got,
        "expected": expected,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenant", required=True, help="a tenant made by seed_scale")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()  # response.context for the figures
    with connection.cursor() as cursor:
        # Statistics and visibility maps, as autovacuum keeps them (it is off on these servers).
        cursor.execute("VACUUM (ANALYZE)")
    tenant = Tenant.objects.get(slug=args.tenant)
    client = SecureClient(HTTP_HOST="localhost")
    client.force_login(reader(tenant))
    session = client.session
    session[SESSION_KEY] = tenant.pk  # a member of several tenants works in this one
    session.save()
    sql = Sql(tenant.pk)
    reports = core_reports(tenant, client) + kpi_reports(tenant)
    worst_ratio, slowest, failures = (0.0, ""), (0.0, ""), 0
    for report in reports:
        if isinstance(report, Measure):
            got = measure_function(client, sql, tenant, report, args.repeat)
        else:
            got = measure(client, sql, report, args.repeat)
        ratio = got["query_ms"] / got["ref_ms"] if got["ref_ms"] else float("inf")
        print(
            f"report {report.name!r:<34} page_ms {got['page_ms']:8.1f} query_ms "
            f"{got['query_ms']:8.1f} ref_ms {got['ref_ms']:8.1f} ratio {ratio:6.2f} "
            f"same {got['same']}",
            flush=True,
        )
        if not got["same"]:
            failures += 1
            print(f"    page {got['got']!r:.300}\n    ref  {got['expected']!r:.300}")
        worst_ratio = max(worst_ratio, (ratio, report.name))
        slowest = max(slowest, (got["page_ms"], report.name))
    print(f"reports {len(reports)}")
    print(f"failures {failures}")
    print(f"slowest_page {slowest[1]}")
    print(f"slowest_page_ms {slowest[0]:.0f}")
    print(f"worst_ratio_report {worst_ratio[1]}")
    print(f"worst_ratio {worst_ratio[0]:.2f}")


if __name__ == "__main__":
    with override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        main()
