"""Test databases are clones of one template, migrated again only when a migration changes
(erp/test_template.py). Migrating is stood in for here: the real one takes a minute."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection

from erp import test_template


def test_workers_share_one_template_named_after_the_test_database():
    assert test_template.template_name("test_stockline_gw0") == "test_stockline_template"
    assert test_template.template_name("test_stockline_gw11") == "test_stockline_template"
    assert test_template.template_name("test_stockline") == "test_stockline_template"


@pytest.fixture
def scratch(django_db_setup, django_db_blocker, monkeypatch):
    """A template name of this test's own, with migrating recorded instead of done."""
    name = f"scratch_{uuid.uuid4().hex[:8]}_template"
    migrated: list[str] = []
    monkeypatch.setattr(test_template, "_migrate_into", lambda conn, db: migrated.append(db))
    with django_db_blocker.unblock():
        yield name, migrated
        test_template.drop(connection, name)


def _exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def test_a_template_is_migrated_once_until_a_migration_changes(scratch, monkeypatch):
    name, migrated = scratch

    assert test_template.ensure(connection, name) is True
    assert test_template.ensure(connection, name) is False
    assert migrated == [name]

    monkeypatch.setattr(test_template, "fingerprint", lambda: "a-migration-changed")
    assert test_template.ensure(connection, name) is True
    assert test_template.ensure(connection, name) is False
    assert test_template.ensure(connection, name, rebuild=True) is True
    assert migrated == [name, name, name]


def test_a_template_whose_migration_failed_is_dropped_and_built_again(scratch, monkeypatch):
    name, migrated = scratch

    def fail(conn, db):
        raise RuntimeError("migration 0042 failed")

    monkeypatch.setattr(test_template, "_migrate_into", fail)
    with pytest.raises(RuntimeError, match="0042"):
        test_template.ensure(connection, name)
    assert not _exists(name)

    monkeypatch.setattr(test_template, "_migrate_into", lambda conn, db: migrated.append(db))
    assert test_template.ensure(connection, name) is True
    assert migrated == [name]


def test_a_clone_replaces_what_an_earlier_run_left(scratch):
    name, _ = scratch
    test_template.ensure(connection, name)
    copy = f"scratch_{uuid.uuid4().hex[:8]}_copy"
    try:
        test_template.clone(connection, name, copy)
        test_template.clone(connection, name, copy)  # already there: dropped and cloned again
        assert _exists(copy)
    finally:
        test_template.drop(connection, copy)
    assert not _exists(copy)


def test_the_fingerprint_covers_the_migrations_of_every_app(tmp_path, monkeypatch, settings):
    before = test_template.fingerprint()
    assert before == test_template.fingerprint()
    extra = tmp_path / "migrations"
    extra.mkdir()
    (extra / "0001_initial.py").write_text("operations = []\n")

    from django.apps import apps

    app = apps.get_app_config("erp")
    monkeypatch.setattr(app, "path", str(tmp_path))
    assert test_template.fingerprint() != before
