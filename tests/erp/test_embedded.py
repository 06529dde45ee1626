"""The embedded servers a fresh machine runs on: start, attach, provision, stop."""

from __future__ import annotations

import socket

import psycopg
import pytest

from erp import embedded
from erp.provision import ProvisionError, provision

# One worker runs these one after another: each starts and stops real servers on this machine.
pytestmark = pytest.mark.xdist_group("embedded-servers")


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    monkeypatch.setattr(embedded, "DATA_DIR", tmp_path)
    monkeypatch.setattr(embedded, "PG_DIR", tmp_path / "pg")
    monkeypatch.setattr(embedded, "REDIS_DIR", tmp_path / "redis")
    # A port no other server holds: an embedded Redis that finds its port taken would answer
    # through whichever server has it.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("STOCKLINE_REDIS_PORT", str(port))
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


def test_redis_keeps_queued_work_across_a_restart(scratch):
    """The broker's queue is on disk (append-only file): a task queued before Redis stops is
    still queued after it starts again."""
    import redis

    embedded.start_redis()
    client = redis.Redis.from_url(embedded.redis_url())
    client.rpush("celery", "queued-before-the-restart")
    assert client.config_get("appendonly") == {"appendonly": "yes"}
    embedded.stop_redis()
    assert embedded._redis_pid() is None

    embedded.start_redis()
    client = redis.Redis.from_url(embedded.redis_url())
    assert client.lrange("celery", 0, -1) == [b"queued-before-the-restart"]


def test_the_health_page_says_whether_queued_work_survives_a_restart(scratch, settings):
    from erp.health import check_redis

    embedded.start_redis()
    settings.REDIS_URL = embedded.redis_url()
    assert "kept across a restart (append-only file)" in check_redis().detail
    redis_client = __import__("redis").Redis.from_url(settings.REDIS_URL)
    redis_client.config_set("appendonly", "no")
    assert "queued tasks are lost if Redis restarts" in check_redis().detail
