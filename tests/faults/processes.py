"""Real Celery worker processes for the fault tests, attached to the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import connection


def worker_database_url() -> str:
    """The URL of the database this test session runs on (the test copy, not the main one)."""
    params = connection.get_connection_params()
    host, port = params.get("host") or "", params.get("port") or 5432
    if not host or host.startswith("/"):
        return f"postgresql://{params['user']}@/{params['dbname']}?host={host}"
    return f"postgresql://{params['user']}@{host}:{port}/{params['dbname']}"


class Worker:
    def __init__(self):
        # Kept open for the worker's lifetime (its output), read back on failure.
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="fault-worker-", suffix=".log", delete=False
        )
        env = {**os.environ, "DATABASE_URL": worker_database_url(), "CONN_MAX_AGE": "0"}
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "erp", "worker",
                "--loglevel=INFO", "--concurrency=1", "--pool=prefork",
                "-Q", settings.CELERY_TASK_DEFAULT_QUEUE,
                "-n", f"faults-{uuid.uuid4().hex[:6]}@%h",
                "--without-mingle", "--without-gossip",
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killing it kills its pool too
        )  # fmt: skip

    def output(self) -> str:
        with open(self.log.name, encoding="utf-8", errors="replace") as log:
            return log.read()

    def kill(self) -> None:
        """What an out-of-memory kill or a pulled plug does: SIGKILL to master and pool."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class Workers:
    def __init__(self):
        self.started: list[Worker] = []

    def start(self) -> Worker:
        worker = Worker()
        self.started.append(worker)
        return worker

    def stop_all(self) -> None:
        for worker in self.started:
            worker.stop()


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str, log: Callable = str):
    """Poll `condition` until it holds; fail with `what` (and `log()`) after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"gave up after {timeout:.0f} s waiting for {what}\n{log()}")
