"""A tenant context's transaction compiles nothing (JIT off), and the setting ends with it,
as the tenant does: a pooled server session lent to the next client keeps neither."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from erp.tenancy import tenant_context

pytestmark = pytest.mark.django_db(transaction=True)


def _jit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        return cursor.fetchone()[0]


def test_jit_is_off_inside_a_tenant_context_only(tenant_a):
    with connection.cursor() as cursor:
        cursor.execute("SET jit = on")  # PostgreSQL's default, whatever this server says
    try:
        with tenant_context(tenant_a):
            assert _jit() == "off"
        assert _jit() == "on"
        with transaction.atomic():
            assert _jit() == "on"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")
