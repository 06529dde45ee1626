from __future__ import annotations

import os
import uuid

import pytest

from erp.roles import Role
from erp.tenancy import tenant_context
from tests.factories import TenantFactory, member

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test gets its own cache keys on the shared Redis (a flush would hit the others)."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"}
    }


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
