"""A real PgBouncer (Debian's binary, never a downloaded one) in front of the test database,
in transaction pooling mode, and Django pointed through it.

`python -m erp.run test` installs the package when missing (erp.run.ensure_pgbouncer); the
tests skip, saying why, only where it is not installed."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection, connections

from erp.pooler import for_transaction_pooler

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Pooler:
    """PgBouncer on a free loopback port with `pool_size` server connections per database and
    user: with 1, every client of the test database shares one server session."""

    def __init__(self, *, pool_size: int):
        if not os.path.exists(PGBOUNCER):
            pytest.skip(
                "Debian's pgbouncer is not installed (`apt-get install pgbouncer`; "
                "`make test` installs it)"
            )
        self.direct = connection.get_connection_params()  # the test database, straight
        self.dir = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
        self.port = _free_port()
        user, password = self.direct["user"], self.direct.get("password") or ""
        # Clients are trusted on loopback; the file still names the user (and, for a server
        # that asks for one, the password PgBouncer logs in with).
        (self.dir / "users.txt").write_text(f'"{user}" "{password}"\n')
        host = self.direct.get("host") or "/var/run/postgresql"
        (self.dir / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host={host} port={self.direct.get('port') or 5432}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {self.dir / 'users.txt'}\n"
            f"pool_mode = transaction\ndefault_pool_size = {pool_size}\n"
            "min_pool_size = 0\nreserve_pool_size = 0\nmax_client_conn = 100\n"
            f"admin_users = {user}\n"
            f"logfile = {self.dir / 'pgbouncer.log'}\npidfile = {self.dir / 'pgbouncer.pid'}\n"
        )
        command = [PGBOUNCER, str(self.dir / "pgbouncer.ini")]
        if os.geteuid() == 0:
            # PgBouncer refuses to run as root; it drops to this user itself.
            owner = _unprivileged_user(host)
            shutil.chown(self.dir, owner.pw_uid, owner.pw_gid)
            for path in self.dir.iterdir():
                shutil.chown(path, owner.pw_uid, owner.pw_gid)
            command[1:1] = ["-u", owner.pw_name]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True
        )
        self._wait_until_it_answers()

    def _wait_until_it_answers(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"pgbouncer exited:\n{self.log()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.05)
        self.stop()
        raise AssertionError(f"pgbouncer did not listen on {self.port}:\n{self.log()}")

    def log(self) -> str:
        path = self.dir / "pgbouncer.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def connect(self, **kwargs) -> psycopg.Connection:
        """A client of the pooler, as the application role, on the test database. Without
        prepared statements, as the settings configure Django: psycopg prepares a query run
        five times, and the next server session lent to the client would not have it."""
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=self.direct["user"],
            dbname=self.direct["dbname"],
            prepare_threshold=None,
            **kwargs,
        )

    def connect_direct(self) -> psycopg.Connection:
        """A connection straight to PostgreSQL (to watch locks and sessions)."""
        return psycopg.connect(**self.direct, autocommit=True)

    def direct_url(self) -> str:
        host, port = self.direct.get("host") or "", self.direct.get("port") or 5432
        if not host or host.startswith("/"):
            return f"postgresql://{self.direct['user']}@/{self.direct['dbname']}?host={host}"
        return f"postgresql://{self.direct['user']}@{host}:{port}/{self.direct['dbname']}"

    def url(self) -> str:
        return f"postgresql://{self.direct['user']}@127.0.0.1:{self.port}/{self.direct['dbname']}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def _unprivileged_user(host: str) -> pwd.struct_passwd:
    """Whoever runs the server when it listens on a socket folder (the embedded one keeps it
    to its own user), else postgres or nobody."""
    if host.startswith("/") and os.stat(host).st_uid != 0:
        return pwd.getpwuid(os.stat(host).st_uid)
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise AssertionError("no unprivileged user to run pgbouncer as")


@contextlib.contextmanager
def django_through(pooler: Pooler, settings) -> Iterator[None]:
    """Django's connections (in every thread) go through `pooler`, configured as the settings
    configure them for `DATABASE_POOL_MODE=transaction`; restored on exit.

    Threads create their connections from the one settings dict Django holds per alias, so
    the dict is changed in place."""
    database = connections.settings["default"]
    assert database is connection.settings_dict, "threads would not follow the change"
    saved = {key: database.get(key) for key in ("HOST", "PORT", "OPTIONS")}
    saved_cursors = database.get("DISABLE_SERVER_SIDE_CURSORS", False)
    connections.close_all()
    options = {k: v for k, v in database["OPTIONS"].items() if k != "host"}
    database.update(HOST="127.0.0.1", PORT=str(pooler.port), OPTIONS=options)
    for_transaction_pooler(database)
    settings.DATABASE_POOL_MODE = "transaction"
    settings.DATABASE_DIRECT = {
        "HOST": pooler.direct.get("host") or "",
        "PORT": str(pooler.direct.get("port") or ""),
        "USER": pooler.direct["user"],
        "PASSWORD": pooler.direct.get("password") or "",
    }
    try:
        yield
    finally:
        connections.close_all()
        database.update(saved, DISABLE_SERVER_SIDE_CURSORS=saved_cursors)
