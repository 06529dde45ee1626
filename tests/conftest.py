from __future__ import annotations

import contextlib
import os
import uuid

import pytest
from django.core.management import call_command

from erp.roles import Role
from erp.tenancy import tenant_context
from tests.factories import TenantFactory, member

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(
    django_test_environment, django_db_blocker, django_db_createdb, django_db_modify_db_settings
):
    """Each worker's test database is a fresh clone of one migrated template (erp/test_template.py):
    a migration per worker cost each about a minute. Set up for every session, also one whose
    tests reach the database only through `committed_db` (pytest-django's own set-up looks
    for database marks and would leave such a session on the real database)."""
    from django.db import connection

    from erp.test_template import drop, set_up_test_database

    with django_db_blocker.unblock():
        name = set_up_test_database(connection, rebuild=django_db_createdb)
    yield
    # The next session clones afresh; left here, it would only weigh on the fault tests'
    # streaming replica, which copies the whole server.
    with django_db_blocker.unblock():
        connection.close()
        drop(connection, name)


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test gets its own cache keys on the shared Redis (a flush would hit the others)."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"}
    }


@pytest.fixture(autouse=True)
def sent_tasks(request, monkeypatch):
    """What the outbox hands to the broker, recorded as (task name, args) instead of sent:
    tests run tasks themselves. Tests marked `real_broker` (the fault tests) and those with a
    worker thread (browser tests) send for real."""
    sent: list[tuple[str, list]] = []
    real = request.node.get_closest_marker("real_broker") or (
        "celery_worker_thread" in request.fixturenames  # browser tests run a real worker
    )
    if not real:
        from erp import outbox

        @contextlib.contextmanager
        def no_broker():
            yield None

        monkeypatch.setattr(outbox, "_broker", no_broker)
        monkeypatch.setattr(
            outbox, "_send", lambda message, connection: sent.append((message.task, message.args))
        )
    return sent


@pytest.fixture
def tenant_a(db):
    return TenantFactory(slug="alpha", name="Alpha Wholesale")


@pytest.fixture
def tenant_b(db):
    return TenantFactory(slug="bravo", name="Bravo Supply")


@pytest.fixture
def as_tenant():
    """`with as_tenant(t):` — run ORM or raw SQL with `t`'s rows visible."""
    return tenant_context


@pytest.fixture
def admin_a(tenant_a):
    return member(tenant_a, Role.ADMIN)


@pytest.fixture
def admin_client(client, admin_a):
    client.force_login(admin_a)
    return client


@pytest.fixture(scope="module")
def committed_db(django_db_setup, django_db_blocker):
    """Database access in autocommit, as `django_db(transaction=True)` gives, shared by a
    module's tests and flushed once when the module is done: a flush after every test costs
    a second or more, and the double-submit modules have dozens of such tests. Each test
    works in a tenant of its own (`own_tenant`), so row-level security keeps them apart; the
    flush runs before any other module's test does."""
    with django_db_blocker.unblock():
        try:
            yield
        finally:
            call_command("flush", verbosity=0, interactive=False)


@pytest.fixture
def own_tenant(committed_db):
    """A tenant of this test's own, committed (see `committed_db`)."""
    return TenantFactory(slug=f"t-{uuid.uuid4().hex[:12]}")


# Records which module writes which app's tables while the suite runs, and fails the run on
# a write to another app's model (tests/architecture/ownership.py).
from tests.architecture.ownership import (  # noqa: E402, F401
    pytest_configure,
    pytest_sessionfinish,
    pytest_terminal_summary,
)
