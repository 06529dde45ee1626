"""`make demo` stops cleanly: Ctrl-C (SIGINT to the terminal's process group) or SIGTERM to
the process group ends the web server, the Celery worker and beat and the embedded
PostgreSQL and Redis it started, without a traceback. Run through make, as people run it:
make passes a SIGTERM on to its child, so the demo sees it twice."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from erp import embedded

READY = "Stockline is running"
MIGRATING = "==> Migrating the database"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _processes_of(data_dir: Path) -> list[int]:
    """Every process started for this run: each inherits its STOCKLINE_DATA_DIR."""
    marker = f"STOCKLINE_DATA_DIR={data_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().split()[2]
        except OSError:
            continue
        if state != "Z" and marker in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def _describe(pids: list[int]) -> str:
    lines = []
    for pid in pids:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            parent = Path(f"/proc/{pid}/stat").read_text().split()[3]
        except OSError:
            command, parent = "(gone)", "?"
        lines.append(f"{pid} (parent {parent}): {command.strip()[:160]}")
    return "\n".join(lines)


def _pid(path: Path) -> int:
    return int(path.read_text().split()[0])


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def data_dir():
    """One embedded server folder for the three stops."""
    path = embedded.DATA_DIR / f"demo-stop-{uuid.uuid4().hex[:8]}"
    yield path
    for pid in _processes_of(path):
        os.kill(pid, signal.SIGKILL)
    subprocess.run(["rm", "-rf", str(path)], check=False)


@pytest.fixture
def migrated_url(django_db_setup, django_db_blocker):
    """A database with every migration applied, cloned from the test template: the serving
    stops start on it, so no stop pays for the minute of migrations."""
    from django.db import connection

    from erp.test_template import clone, drop, template_name

    name = f"demo_stop_{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        clone(connection, template_name(connection.settings_dict["NAME"]), name)
    # The suite's own URL (a TCP address, or the embedded server's socket folder in its query)
    # with the clone's name as the database.
    yield urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
    with django_db_blocker.unblock():
        drop(connection, name)


# In this order: the first stop interrupts the migrations of the embedded PostgreSQL the demo
# starts (so stopping it is covered); the other two serve on an already migrated database, as
# a second `make demo` does. One test, so that no two workers each build a folder of their own.
STOPS = [
    ("ctrl-c-while-migrating", signal.SIGINT, MIGRATING),
    ("ctrl-c-while-serving", signal.SIGINT, READY),
    ("sigterm-while-serving", signal.SIGTERM, READY),
]


def test_demo_stops_every_process_it_started_without_a_traceback(data_dir, migrated_url):
    for name, signum, when in STOPS:
        try:
            _stop_demo(signum, when, data_dir, None if when == MIGRATING else migrated_url)
        except AssertionError as problem:
            raise AssertionError(f"{name}: {problem}") from problem


def _stop_demo(signum, when, data_dir, database_url) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "STOCKLINE_TESTING", "DJANGO_SETTINGS_MODULE"}
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    env |= {
        "STOCKLINE_DATA_DIR": str(data_dir),
        "STOCKLINE_REDIS_PORT": str(_free_port()),
        "PORT": str(_free_port()),
        # One web and one task process besides their masters: still every kind of process the
        # demo starts, at a third of the start-up work on a loaded machine.
        "WEB_CONCURRENCY": "1",
        "CELERY_CONCURRENCY": "1",
    }
    # Its own process group, as a terminal's foreground job is: the signal goes to the group.
    demo = subprocess.Popen(
        ["make", "--no-print-directory", "demo", "DEMO_ARGS=--no-data"],
        cwd=embedded.BASE_DIR, env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    output = []
    try:
        deadline = time.monotonic() + 240
        for line in demo.stdout:
            output.append(line)
            if when in line or time.monotonic() > deadline:
                break
        assert when in "".join(output), "".join(output)
        if when == READY:
            time.sleep(2)  # let worker and beat finish starting
            running = _processes_of(data_dir)
            assert len(running) >= 4, running  # web, worker, beat, redis at least
        else:
            time.sleep(1)  # the migration is under way
        # The servers start before the migrations. They rewrite their process titles over the
        # environment, so they are found by their pid files instead.
        servers = [_pid(data_dir / "redis" / "redis.pid")]
        if database_url is None:
            servers.append(_pid(data_dir / "pg" / "postmaster.pid"))
        assert all(_alive(pid) for pid in servers), servers

        # Read the rest of the output aside: the pipe stays open as long as any process that
        # inherited it lives, and what is measured is that make itself ends.
        reader = threading.Thread(target=lambda: output.extend(demo.stdout), daemon=True)
        reader.start()
        os.killpg(demo.pid, signum)
        demo.wait(timeout=180)
        reader.join(timeout=30)

        # make ends at once; the demo then has up to 15 s for web, worker and beat, 10 s for
        # PostgreSQL's fast shutdown and 5 s for Redis: 30 s was its whole budget, and a loaded
        # machine overran it now and then.
        deadline = time.monotonic() + 75
        while _processes_of(data_dir) and time.monotonic() < deadline:
            time.sleep(0.5)
        text = "".join(output)
        # On failure, say which processes outlived the demo and what it printed: a bare pid
        # list told CI's one failure nothing.
        left = _processes_of(data_dir)
        assert left == [], f"{_describe(left)}\n--- demo output ---\n{text[-4000:]}"
        assert [pid for pid in servers if _alive(pid)] == []
        assert "Traceback" not in text, text
        assert "Stopped web, worker, beat and the embedded servers." in text
    finally:
        for pid in _processes_of(data_dir):
            os.kill(pid, signal.SIGKILL)
        if demo.poll() is None:
            demo.kill()
