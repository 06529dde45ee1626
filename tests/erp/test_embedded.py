"""The embedded servers a fresh machine runs on: start, attach, provision, stop."""

from __future__ import annotations

import psycopg
import pytest

from erp import embedded
from erp.provision import ProvisionError, provision


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    monkeypatch.setattr(embedded, "DATA_DIR", tmp_path)
    monkeypatch.setattr(embedded, "PG_DIR", tmp_path / "pg")
    monkeypatch.setattr(embedded, "REDIS_DIR", tmp_path / "redis")
    monkeypatch.setenv("STOCKLINE_REDIS_PORT", "6480")
    yield tmp_path
    embedded.stop()


def test_postgres_starts_once_then_attaches_and_provisions_an_unprivileged_role(scratch):
    assert embedded.start_postgres() is True
    pid = embedded._postmaster_pid()
    assert embedded.start_postgres() is False  # a second process attaches
    assert embedded._postmaster_pid() == pid
    provision(admin_url=embedded.admin_database_url(), app_url=embedded.app_database_url())
    provision(admin_url=embedded.admin_database_url(), app_url=embedded.app_database_url())
    with psycopg.connect(embedded.app_database_url()) as conn:
        row = conn.execute(
            "SELECT rolsuper, rolbypassrls, rolcreatedb FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        assert row == (False, False, True)
        owner = conn.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
        ).fetchone()
        assert owner == ("stockline",)
    embedded.stop_postgres()
    assert embedded._postmaster_pid() is None


def test_provision_refuses_a_superuser_as_application_role(scratch):
    embedded.start_postgres()
    superuser_url = embedded.admin_database_url()
    with pytest.raises(ProvisionError, match="superuser or has BYPASSRLS"):
        provision(admin_url=superuser_url, app_url=superuser_url)


def test_redis_starts_once_then_attaches(scratch):
    assert embedded.start_redis() is True
    url = embedded.redis_url()
    assert embedded.start_redis() is False
    assert embedded.redis_url() == url
    embedded.stop_redis()
    assert embedded._redis_pid() is None
