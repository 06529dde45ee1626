"""Through PgBouncer in transaction pooling mode (issue 15): the tenant context lives and dies
with its transaction, so a pooled server connection never hands one client's tenant to the
next; the app serves pages and posts stock through the pooler; the planning run's lock and a
worker's job lock behave as they do on a direct connection.

The pooler is Debian's PgBouncer with one server connection (`default_pool_size = 1`), so
clients that overlap must take turns on one PostgreSQL session: whatever a transaction left
on the session, the next client would find."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test import Client
from django.urls import reverse

from erp import jobs
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Item
from purchasing.errors import PlanningRunning
from purchasing.models import PlanningRun
from purchasing.planning import figures
from purchasing.planning import run as planning
from tests.concurrency import together
from tests.factories import ItemFactory, TenantFactory, bin_in, member
from tests.faults.processes import wait_for
from tests.inventory.stock import assert_ledger_clean, on_hand, receive
from tests.pgbouncer import Pooler, django_through

pytestmark = pytest.mark.xdist_group("pooler")


@pytest.fixture(scope="module")
def pooler(committed_db):
    """One server connection for every client."""
    bouncer = Pooler(pool_size=1)
    yield bouncer
    bouncer.stop()


@pytest.fixture
def two_tenants(committed_db):
    """Two committed tenants of this test's own, with two items each."""
    tenants = [TenantFactory(slug=f"t-{uuid.uuid4().hex[:12]}") for _ in range(2)]
    skus = {}
    for tenant in tenants:
        skus[tenant.pk] = {ItemFactory(tenant=tenant).sku for _ in range(2)}
    return tenants, skus


def _skus(cursor) -> set[str]:
    cursor.execute("SELECT sku FROM inventory_item")
    return {row[0] for row in cursor.fetchall()}


# The mark asks pytest-django for the test database, which `committed_db` alone does not (the
# pooler's clients see committed rows only, so the other tests use `committed_db`); this test
# works on the pooler's connections alone, never on Django's.
@pytest.mark.django_db
def test_two_clients_share_one_server_session_and_a_session_setting_would_reach_the_other(
    pooler,
):
    """The rig itself: what one client leaves on the session, the other finds. The tenant
    tests below would prove nothing on two server sessions."""
    with pooler.connect(autocommit=True) as a, pooler.connect(autocommit=True) as b:
        pid_a = a.execute("SELECT pg_backend_pid()").fetchone()[0]
        a.execute("SELECT set_config('stockline_test.probe', 'left by a', false)")
        try:
            assert b.execute("SELECT pg_backend_pid()").fetchone()[0] == pid_a
            assert b.execute("SELECT current_setting('stockline_test.probe', true)").fetchone() == (
                "left by a",
            )
        finally:
            a.execute("RESET stockline_test.probe")


def test_a_tenant_set_in_a_transaction_never_reaches_the_next_client(pooler, two_tenants):
    (first, _), skus = two_tenants
    with pooler.connect() as a, pooler.connect(autocommit=True) as b:
        with a.transaction(), a.cursor() as cursor:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", [str(first.pk)])
            assert _skus(cursor) == skus[first.pk]
            pid_a = cursor.execute("SELECT pg_backend_pid()").fetchone()[0]
        with b.cursor() as cursor:
            # B is lent the very session A used, and finds neither A's tenant nor its rows.
            assert cursor.execute("SELECT pg_backend_pid()").fetchone()[0] == pid_a
            setting = cursor.execute("SELECT current_setting('app.tenant_id', true)").fetchone()
            assert setting[0] in ("", None)
            assert _skus(cursor) == set()
            cursor.execute("SELECT count(*) FROM inventory_item")
            assert cursor.fetchone() == (0,)


def test_interleaved_short_transactions_of_two_tenants_each_see_only_their_own_rows(
    pooler, two_tenants
):
    tenants, skus = two_tenants
    seen: dict[int, list] = {tenant.pk: [] for tenant in tenants}
    untenanted: list[set] = []
    start = threading.Barrier(2)

    failures: list[Exception] = []

    def client(tenant):
        try:
            transactions(tenant)
        except Exception as exc:  # handed back to the assertions below
            failures.append(exc)

    def transactions(tenant):
        with pooler.connect() as conn:
            start.wait()
            for n in range(40):
                with conn.transaction(), conn.cursor() as cursor:
                    if n % 5 == 4:
                        # Every fifth transaction sets no tenant: it must see nothing at all.
                        untenanted.append(_skus(cursor))
                        continue
                    cursor.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant.pk)])
                    seen[tenant.pk].append(_skus(cursor))

    threads = [threading.Thread(target=client, args=(tenant,)) for tenant in tenants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    for tenant in tenants:
        assert len(seen[tenant.pk]) == 32
        assert all(found == skus[tenant.pk] for found in seen[tenant.pk])
    assert untenanted == [set()] * 16


def test_the_app_serves_each_tenant_its_own_pages_and_posts_stock_through_the_pooler(
    pooler, two_tenants, settings
):
    (first, second), skus = two_tenants
    browsers = {}
    for tenant in (first, second):
        browsers[tenant.pk] = Client()
        browsers[tenant.pk].force_login(member(tenant, Role.ADMIN))
    with tenant_context(first):
        item = Item.objects.get(tenant=first, sku=min(skus[first.pk]))
    bin = bin_in(first)

    with django_through(pooler, settings), pooler.connect(autocommit=True) as bystander:
        for _ in range(3):
            for tenant, other in ((first, second), (second, first)):
                page = browsers[tenant.pk].get(reverse("inventory:item_list"))
                assert page.status_code == 200
                assert page.wsgi_request.tenant == tenant
                body = page.content.decode()
                assert all(sku in body for sku in skus[tenant.pk])
                assert not any(sku in body for sku in skus[other.pk])
                # Django's connection is the pooler's client, and between requests the one
                # server session it was lent carries no tenant to the next client.
                assert connections["default"].connection.info.port == pooler.port
                assert bystander.execute(
                    "SELECT current_setting('app.tenant_id', true), count(*) FROM inventory_item"
                ).fetchone() in (("", 0), (None, 0))
                # Django set the session's time zone on connecting; PgBouncer keeps each
                # client's own, so the bystander still has the server's.
                assert bystander.execute("SHOW TimeZone").fetchone() == (
                    bystander.info.parameter_status("TimeZone"),
                )

        # Two Django connections, both lent the one server session: a statement prepared by
        # one would be "already there" for the other, or missing on a session of its own.
        receive(first, item, bin, "7", unit_cost="3.00")
        [posted] = together([lambda: receive(first, item, bin, "5", unit_cost="3.00")])
        assert not isinstance(posted, Exception), posted
        receive(first, item, bin, "2", unit_cost="3.00")
        assert on_hand(first, item, bin) == Decimal(14)
        assert_ledger_clean(first)
        assert bystander.execute("SELECT count(*) FROM inventory_stockbalance").fetchone() == (0,)


@pytest.fixture
def pooler_of_two(committed_db):
    """Two server connections: two runs can hold transactions at once and meet at the lock."""
    bouncer = Pooler(pool_size=2)
    yield bouncer
    bouncer.stop()


def _advisory_locks(direct) -> int:
    return direct.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    ).fetchone()[0]


def test_a_second_planning_run_waits_for_the_first_and_no_lock_outlives_them(
    pooler_of_two, settings, monkeypatch
):
    tenant = TenantFactory(slug=f"t-{uuid.uuid4().hex[:12]}")
    with tenant_context(tenant):
        runs = [PlanningRun.objects.create(tenant=tenant) for _ in range(2)]
    read, inside, release = figures.read, threading.Event(), threading.Event()

    def first_read_waits(**kwargs):
        if not inside.is_set():
            inside.set()
            assert release.wait(timeout=30)
        return read(**kwargs)

    monkeypatch.setattr(figures, "read", first_read_waits)

    def run(job):
        with tenant_context(tenant):
            return planning.run_planning(tenant=tenant, run=job)

    results = {}

    def in_thread(job):
        try:
            results[job.pk] = run(job)
        except Exception as exc:  # handed back to the assertions below
            results[job.pk] = exc
        finally:
            connections.close_all()

    with django_through(pooler_of_two, settings), pooler_of_two.connect_direct() as direct:
        first = threading.Thread(target=in_thread, args=(runs[0],))
        first.start()
        assert inside.wait(timeout=30), "the first run never read its figures"
        second = threading.Thread(target=in_thread, args=(runs[1],))
        second.start()
        wait_for(
            lambda: (
                direct.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock' AND query LIKE '%%pg_advisory%%lock(%%'"
                ).fetchone()[0]
                == 1
            ),
            timeout=20,
            what="the second run to wait on the tenant's planning lock",
        )
        release.set()
        first.join(timeout=30)
        second.join(timeout=30)
        assert not first.is_alive() and not second.is_alive()
        assert results == {runs[0].pk: [], runs[1].pk: []}
        with tenant_context(tenant):
            statuses = set(PlanningRun.objects.filter(tenant=tenant).values_list("status"))
        assert statuses == {("done",)}
        # The lock went with each run's transaction: nothing is left on the pooled sessions,
        # and a client lent either of them takes the lock at once.
        assert _advisory_locks(direct) == 0
        for _ in range(2):
            with pooler_of_two.connect() as client, client.transaction():
                assert client.execute(
                    "SELECT pg_try_advisory_xact_lock(%s, %s)", [planning.LOCK_KEY, tenant.pk]
                ).fetchone() == (True,)


def test_two_planners_starting_a_run_at_once_get_one_run_and_one_refusal(pooler_of_two, settings):
    tenant = TenantFactory(slug=f"t-{uuid.uuid4().hex[:12]}")
    planners = [member(tenant, Role.PLANNER) for _ in range(2)]

    def start(user):
        with tenant_context(tenant, user=user):
            return planning.start_run(tenant=tenant, user=user)

    with django_through(pooler_of_two, settings):
        results = together([lambda user=user: start(user) for user in planners])
        refused = [r for r in results if isinstance(r, PlanningRunning)]
        started = [r for r in results if isinstance(r, PlanningRun)]
        assert (len(started), len(refused)) == (1, 1), results
        with tenant_context(tenant):
            assert list(PlanningRun.objects.filter(tenant=tenant)) == started
    with pooler_of_two.connect_direct() as direct:
        assert _advisory_locks(direct) == 0


HOLDER = """
import os, sys, time
import django
django.setup()
from erp import jobs
holding = jobs.holding(jobs.IMPORT, int(sys.argv[1]))
print("held" if holding.__enter__() else "refused", flush=True)
time.sleep(60)
"""


def test_a_workers_job_lock_lives_in_its_own_session_and_dies_with_the_worker(pooler, settings):
    """Through the pooler the lock would stay on a pooled server session after the worker
    died, and the job would show as running for good; it is taken on a direct session."""
    job_id = 900_000 + uuid.uuid4().int % 100_000
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "erp.settings",
        "DATABASE_URL": pooler.url(),
        "DATABASE_POOL_MODE": "transaction",
        "DATABASE_DIRECT_URL": pooler.direct_url(),
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(job_id)], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert worker.stdout.readline().strip() == "held"
        with django_through(pooler, settings):
            assert jobs.running(jobs.IMPORT, job_id)
            # A redelivered task in another worker is refused while the first holds the job.
            with jobs.holding(jobs.IMPORT, job_id) as mine:
                assert mine is False
            worker.kill()  # what an out-of-memory kill does
            worker.wait(timeout=10)
            wait_for(
                lambda: not jobs.running(jobs.IMPORT, job_id),
                timeout=10,
                what="the dead worker's job lock to go",
            )
            with jobs.holding(jobs.IMPORT, job_id) as mine:
                assert mine is True
                assert jobs.running(jobs.IMPORT, job_id)
            assert not jobs.running(jobs.IMPORT, job_id)
    finally:
        worker.kill()
        worker.wait()


def _settings_with(**variables: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **variables}
    return subprocess.run(
        [
            sys.executable, "-c",
            "from erp import settings as s; d = s.DATABASES['default']; "
            "print(d['OPTIONS']['prepare_threshold'], d['DISABLE_SERVER_SIDE_CURSORS'], "
            "s.DATABASE_DIRECT and s.DATABASE_DIRECT['PORT'])",
        ],
        env=env, cwd=django_settings.BASE_DIR, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_transaction_pool_mode_turns_off_prepared_statements_and_server_side_cursors():
    pooled = _settings_with(
        DATABASE_POOL_MODE="transaction",
        DATABASE_URL="postgres://stockline@pgbouncer:6432/stockline",
        DATABASE_DIRECT_URL="postgres://stockline@postgres:5432/stockline",
    )
    assert pooled.returncode == 0, pooled.stderr
    assert pooled.stdout.split() == ["None", "True", "5432"]
    direct = _settings_with(DATABASE_POOL_MODE="")
    assert direct.returncode == 0, direct.stderr
    assert direct.stdout.split() == ["1000000", "False", "None"]


def test_transaction_pool_mode_without_a_direct_url_or_an_unknown_mode_refuses_to_start():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_DIRECT_URL"}
    missing = subprocess.run(
        [sys.executable, "-c", "import erp.settings"],
        env={**env, "DATABASE_POOL_MODE": "transaction"}, cwd=django_settings.BASE_DIR,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert missing.returncode != 0
    assert "DATABASE_POOL_MODE=transaction needs DATABASE_DIRECT_URL" in missing.stderr
    unknown = _settings_with(DATABASE_POOL_MODE="statement")
    assert unknown.returncode != 0
    assert "DATABASE_POOL_MODE must be 'transaction', 'session' or empty" in unknown.stderr
