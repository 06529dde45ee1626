"""Every tenant-owned table, now and in later apps, carries the database-side isolation."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, models

from erp.fields import TenantForeignKey

pytestmark = pytest.mark.django_db


def _tables_with_tenant_column() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND column_name = 'tenant_id'"
        )
        return {row[0] for row in cursor.fetchall()}


def test_every_table_with_tenant_id_forces_row_level_security_with_the_policy():
    tables = _tables_with_tenant_column()
    assert "inventory_bin" in tables and "inventory_historicalbin" in tables
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
            "  (SELECT count(*) FROM pg_policies p WHERE p.tablename = c.relname "
            "   AND p.policyname = 'tenant_isolation' AND p.with_check LIKE '%%app.tenant_id%%'), "
            "  c.relkind = 'v' AND 'security_invoker=true' = ANY(coalesce(c.reloptions, '{}')) "
            "FROM pg_class c WHERE c.relname = ANY(%s)",
            [list(tables)],
        )
        rows = cursor.fetchall()
    # A view has no policy of its own: it must read its tables as the one who asks
    # (security_invoker), so their policies apply (reporting's audit trail).
    missing = [
        name
        for name, rls, force, policies, invoker_view in rows
        if not (rls and force and policies == 1) and not invoker_view
    ]
    assert missing == [], (
        f"tables without forced RLS: {missing} (add TenantTable to their migration)"
    )


def test_every_key_between_tenant_tables_is_a_composite_constraint():
    # Unmanaged models are views (reporting's audit trail): no constraints of their own, their
    # rows come from tables checked here.
    tenant_models = [
        m
        for m in apps.get_models()
        if m._meta.managed and any(f.name == "tenant" for f in m._meta.fields)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'"
        )
        constraints = cursor.fetchall()
    problems = []
    for model in tenant_models:
        if model.__name__.startswith("Historical"):
            continue
        table = model._meta.db_table
        for field in model._meta.local_fields:
            if not isinstance(field, models.ForeignKey) or field.name == "tenant":
                continue
            target = field.related_model
            if not any(f.name == "tenant" for f in target._meta.fields):
                continue
            if not isinstance(field, TenantForeignKey):
                problems.append(f"{table}.{field.name} must be a TenantForeignKey")
                continue
            expected = f"FOREIGN KEY (tenant_id, {field.column}) REFERENCES {target._meta.db_table}(tenant_id, id)"
            if not any(t == table and d.startswith(expected) for t, d in constraints):
                problems.append(f"{table}.{field.column}: no composite constraint")
    assert problems == []
    assert tenant_models, "expected tenant-owned models"


def test_every_unique_constraint_of_a_tenant_table_includes_tenant_id():
    tables = _tables_with_tenant_column()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'u' AND conrelid::regclass::text = ANY(%s)",
            [list(tables)],
        )
        rows = cursor.fetchall()
    assert [r for r in rows if "tenant_id" not in r[2]] == []
