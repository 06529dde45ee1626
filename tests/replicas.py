"""A real streaming replica of the test server for the replica tests, and the `replica` alias
pointed wherever a test needs it.

The replica is `pg_basebackup -R -X stream` of the server the test database lives on, started
with that server's own major version of PostgreSQL's binaries (the embedded wheel's or
Debian's) in a temporary folder, on a socket of its own. It needs a server that accepts a
replication connection from its superuser: the embedded one does (`python -m erp.run faults`);
a shared server that does not makes `StreamingReplica.start_of` raise `Unavailable`.
"""

from __future__ import annotations

import copy
import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from django.db import connections

from erp import replica

SUPERUSER = "postgres"


class Unavailable(RuntimeError):
    """This machine or server cannot give the tests a replica (the reason says why)."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bin_dir(major: int) -> Path:
    """PostgreSQL binaries of the server's major version: a replica must match its primary."""
    candidates = []
    spec = importlib.util.find_spec("pgserver")
    if spec is not None and spec.submodule_search_locations:
        candidates.append(Path(spec.submodule_search_locations[0]) / "pginstall" / "bin")
    candidates.append(Path(f"/usr/lib/postgresql/{major}/bin"))
    for folder in candidates:
        postgres = folder / "postgres"
        if not postgres.exists() or not (folder / "pg_basebackup").exists():
            continue
        version = subprocess.run([postgres, "--version"], capture_output=True, text=True).stdout
        # "postgres (PostgreSQL) 16.2"
        if version.split()[-1].split(".")[0] == str(major):
            return folder
    raise Unavailable(f"no PostgreSQL {major} binaries with pg_basebackup on this machine")


class StreamingReplica:
    def __init__(self, *, host: str, port: int):
        self.primary = {"host": host, "port": port, "user": SUPERUSER, "dbname": "postgres"}
        try:
            with psycopg.connect(**self.primary, autocommit=True, connect_timeout=5) as conn:
                major = int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000
                data_directory = conn.execute("SHOW data_directory").fetchone()[0]
        except psycopg.Error as exc:
            raise Unavailable(f"no superuser connection to the test server: {exc}") from exc
        self.bin = _bin_dir(major)
        # PostgreSQL will not run as root: run it as whoever runs the primary.
        try:
            self.uid = os.stat(data_directory).st_uid
        except OSError:
            self.uid = os.geteuid()
        if self.uid == 0:
            raise Unavailable("the test server runs as root, which a replica cannot")
        self.folder = Path(tempfile.mkdtemp(prefix="stockline-replica-"))
        os.chown(self.folder, self.uid, -1)
        self.data = self.folder / "data"
        self.port = _free_port()

    @classmethod
    def start_of(cls, connection) -> StreamingReplica:
        """Start a replica of the server `connection` (Django's) is connected to."""
        params = connection.get_connection_params()
        made = cls(
            host=params.get("host") or "/var/run/postgresql", port=params.get("port") or 5432
        )
        try:
            made._base_backup()
            made.start()
        except BaseException:
            made.destroy()
            raise
        return made

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        user = None if self.uid == os.geteuid() else self.uid
        return subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            timeout=timeout,
            user=user,
            cwd=self.folder,
        )

    def _base_backup(self) -> None:
        result = self._run(
            "pg_basebackup",
            "-h", str(self.primary["host"]), "-p", str(self.primary["port"]), "-U", SUPERUSER,
            "-D", str(self.data), "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        if result.returncode != 0:
            raise Unavailable(f"pg_basebackup from the test server failed: {result.stderr.strip()}")

    def start(self) -> None:
        options = (
            f"-c port={self.port} -c listen_addresses='' "
            f"-c unix_socket_directories='{self.folder}' -c hot_standby=on"
        )
        log = self.folder / "replica.log"
        result = self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(log), "-w", "-o", options, "start"
        )
        if result.returncode != 0:
            text = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"the replica did not start: {result.stderr}\n{text}")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    # Watching and steering replication --------------------------------------------------

    def superuser(self, **kwargs):
        return psycopg.connect(
            host=str(self.folder), port=self.port, user=SUPERUSER, dbname="postgres",
            autocommit=True, **kwargs,
        )  # fmt: skip

    def wait_caught_up(self, timeout: float = 20) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        with psycopg.connect(**self.primary, autocommit=True) as primary:
            wanted = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        with self.superuser() as conn:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                replayed = conn.execute(
                    "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [wanted]
                ).fetchone()[0]
                if replayed:
                    return
                time.sleep(0.05)
        raise AssertionError(f"the replica did not replay up to {wanted} in {timeout:.0f} s")

    def lag_seconds(self) -> float | None:
        with self.superuser() as conn:
            return conn.execute(replica.LAG_SQL).fetchone()[0]

    def pause_replay(self) -> None:
        with self.superuser() as conn:
            conn.execute("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        with self.superuser() as conn:
            conn.execute("SELECT pg_wal_replay_resume()")


@contextmanager
def replica_alias(**overrides) -> Iterator[None]:
    """The `replica` alias for the block: the test database's own settings with `overrides`
    (HOST, PORT). A mirror of `default` to the test runner, so it never creates or flushes it;
    tests that read through it name it: `django_db(databases=["default", "replica"])`."""
    default = connections["default"].settings_dict
    settings = {**copy.deepcopy(default), **overrides}
    settings["TEST"] = {**settings.get("TEST", {}), "MIRROR": "default"}
    connections.settings[replica.REPLICA] = settings
    replica.forget()
    try:
        yield
    finally:
        connections[replica.REPLICA].close()
        del connections[replica.REPLICA]
        del connections.settings[replica.REPLICA]
        replica.forget()
