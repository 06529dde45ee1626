"""`make demo` and `make test`: set up everything a fresh machine lacks, then run.

    python -m erp.run demo   # servers, migrations, demo data, web + worker + beat; Ctrl-C stops all
    python -m erp.run demo --no-data   # the same on an empty database
    python -m erp.run test [pytest args]   # servers, lint and checks, the whole suite
    python -m erp.run faults   # only the fault tests, on servers of their own

Embedded PostgreSQL/Redis are started only where `DATABASE_URL`/`REDIS_URL` are unset, and
stopped at the end only if this run started them.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from erp import embedded

BASE_DIR = embedded.BASE_DIR
PY = sys.executable
BIN = Path(PY).parent


def _step(title: str) -> float:
    print(f"\n==> {title}", flush=True)
    return time.monotonic()


def _run(args: list[str], env: dict, **kwargs) -> None:
    subprocess.run(args, env=env, cwd=BASE_DIR, check=True, **kwargs)


def _secret_key() -> str:
    path = embedded.DATA_DIR / "secret_key"
    if not path.exists():
        embedded.DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def ensure_chromium() -> None:
    """Browser tests drive Debian's chromium; install it when missing (never a downloaded one)."""
    if shutil.which("chromium") or Path("/usr/bin/chromium").exists():
        return
    _apt_install("chromium")


PGBOUNCER = "/usr/sbin/pgbouncer"


def ensure_pgbouncer() -> None:
    """The pooler tests (tests/erp/test_pooler.py) run Debian's PgBouncer; install it when
    missing. Only that test needs it, so a machine that cannot install it still runs the rest
    (the test skips and says why)."""
    if shutil.which("pgbouncer") or Path(PGBOUNCER).exists():
        return
    try:
        _apt_install("pgbouncer")
    except (SystemExit, OSError, subprocess.CalledProcessError) as exc:
        print(f"    pgbouncer could not be installed ({exc}); its tests will skip", flush=True)


def _apt_install(package: str) -> None:
    apt = shutil.which("apt-get")
    if apt is None:
        raise SystemExit(f"{package} is missing and apt-get is not available: install it first")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    result = subprocess.run([*sudo, apt, "install", "-y", "-q", package], env=env)
    if result.returncode != 0:
        subprocess.run([*sudo, apt, "update", "-q"], env=env, check=True)
        subprocess.run([*sudo, apt, "install", "-y", "-q", package], env=env, check=True)


def _interrupt(*_):
    # make passes a SIGTERM on to this process, so a second one follows the first at once: it
    # must not land between here and the shutdown in `finally`, where its KeyboardInterrupt
    # would skip the shutdown and leave web, worker and beat running (seen once in CI).
    _ignore_signals()
    raise KeyboardInterrupt


def _ignore_signals() -> None:
    """A second Ctrl-C or SIGTERM while stopping must not cut the stopping short."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def demo(port: str, *, load_data: bool = True) -> int:
    # Ctrl-C, `kill`, SIGTERM to the process group, or the parent (make) going away all stop
    # the demo the same way, from the first line on: a signal during start-up still stops what
    # was started. SIGINT is set explicitly because a shell starting this in the background
    # ignores it.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    parent = os.getppid()
    started = embedded.Started()
    children: list[subprocess.Popen] = []

    def shutdown():
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        # One deadline for all: web, worker and beat stop side by side, not one after another.
        deadline = time.monotonic() + 15
        for child in children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            # Each child leads its own session: its whole group goes, so no pool process
            # (gunicorn's workers, Celery's) outlives a master that had to be killed.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        embedded.stop(started)
        print(
            "\nStopped web, worker, beat"
            + (" and the embedded servers." if started.postgres or started.redis else "."),
            flush=True,
        )

    try:
        embedded.start(started)
        env = {
            **os.environ,
            **started.env,
            "DJANGO_SETTINGS_MODULE": "erp.settings",
            "DEBUG": os.environ.get("DEBUG", "false"),
            "STOCKLINE_HTTPS": "false",  # plain HTTP on localhost
            "SECRET_KEY": os.environ.get("SECRET_KEY") or _secret_key(),
            "ALLOWED_HOSTS": os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]"),
            "BASE_URL": f"http://127.0.0.1:{port}",
        }
        # Own sessions here too: a terminal's Ctrl-C interrupts this process only, which ends
        # the running command (subprocess.run kills it) instead of each printing a traceback.
        t = _step("Migrating the database")
        _run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env, start_new_session=True)
        _run(
            [PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], env, start_new_session=True
        )
        print(f"    {time.monotonic() - t:.1f}s")
        if load_data:
            t = _step("Loading demo data")
            _run([PY, "manage.py", "load_demo"], env, start_new_session=True)
            print(f"    {time.monotonic() - t:.1f}s")
        _step("Starting web server, Celery worker and Celery beat")
        # How many processes serve pages and run tasks (gunicorn's own WEB_CONCURRENCY name).
        web_workers = os.environ.get("WEB_CONCURRENCY", "3")
        task_workers = os.environ.get("CELERY_CONCURRENCY", "2")
        children.append(subprocess.Popen(
            [str(BIN / "gunicorn"), "erp.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", web_workers,
             "--access-logfile", "-", "--graceful-timeout", "5"],
            env=env, cwd=BASE_DIR, start_new_session=True,
        ))  # fmt: skip
        children.append(subprocess.Popen(
            [str(BIN / "celery"), "-A", "erp", "worker", "--loglevel", "INFO", "--concurrency", task_workers,
             "--hostname", "demo@%h"],
            env=env, cwd=BASE_DIR, start_new_session=True,
        ))  # fmt: skip
        children.append(subprocess.Popen(
            [str(BIN / "celery"), "-A", "erp", "beat", "--loglevel", "INFO",
             "--schedule", str(embedded.DATA_DIR / "celerybeat-schedule")],
            env=env, cwd=BASE_DIR, start_new_session=True,
        ))  # fmt: skip
        from erp.demo_accounts import logins

        print(f"\nStockline is running at http://127.0.0.1:{port}/  (Ctrl-C stops everything)")
        print("Demo sign-ins:\n" + "\n".join(logins()), flush=True)
        while all(child.poll() is None for child in children):
            if os.getppid() != parent:
                return 0
            time.sleep(0.5)
        print("A process exited; stopping the others.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        # Children run in their own sessions so Ctrl-C reaches only this process, which stops
        # them in order (web first, the servers last).
        _ignore_signals()
        shutdown()


def test(pytest_args: list[str]) -> int:
    began = time.monotonic()
    started = embedded.start()
    env = {
        **os.environ,
        **started.env,
        "DJANGO_SETTINGS_MODULE": "erp.settings",
        "STOCKLINE_TESTING": "true",
        "DJANGO_ALLOW_ASYNC_UNSAFE": "true",  # ORM beside Playwright's sync API
    }
    env.pop("DEBUG", None)
    # The test databases' template migrates (about a minute, one core) while lint runs on the
    # other core; the pytest workers then only clone it (erp/test_template.py).
    template = subprocess.Popen([PY, "-m", "erp.test_template"], env=env, cwd=BASE_DIR)
    try:
        t = _step("Lint: ruff check, ruff format --check, lint-imports")
        _run([PY, "-m", "ruff", "check", "."], env)
        _run([PY, "-m", "ruff", "format", "--check", "."], env)
        # The layer order of DESIGN.md ("Layout"), contracts in pyproject.toml.
        _run([str(BIN / "lint-imports")], env)
        t = _step("Django checks: check, makemigrations --check, check --deploy")
        _run([PY, "manage.py", "check"], env)
        _run([PY, "manage.py", "makemigrations", "--check", "--dry-run"], env)
        deploy_env = {
            **env,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "stockline.example.com",
        }
        deploy_env.pop("STOCKLINE_TESTING")
        deploy_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE")
        _run([PY, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], deploy_env)
        print(f"    {time.monotonic() - t:.1f}s")
        ensure_chromium()
        ensure_pgbouncer()
        _step("Test database template")
        if template.wait() != 0:
            raise subprocess.CalledProcessError(template.returncode, template.args)
        t = _step("Tests")
        workers = os.environ.get("TEST_WORKERS", "2")
        # Tests are handed out one by one (the largest files hold hundreds of page tests and
        # would pin one worker); tests that share a costly fixture stay together through
        # `@pytest.mark.xdist_group`.
        _run([PY, "-m", "pytest", "-n", workers, "--dist", "loadgroup", *pytest_args], env)
        print(f"    tests {time.monotonic() - t:.1f}s")
        if not pytest_args:  # a chosen subset (make test ARGS=...) skips the fault stage
            t = _step("Fault tests: Redis stopped, worker killed, PostgreSQL restarted")
            if started.postgres and started.redis:
                # Servers this run started, which nobody else uses: the fault tests may stop
                # and restart them, and the migrated test template is there already.
                _run(FAULT_PYTEST, env | FAULT_ENV)
            else:
                _run([PY, "-m", "erp.run", "faults"], os.environ.copy())
            print(f"    {time.monotonic() - t:.1f}s")
        print(f"    whole run {time.monotonic() - began:.1f}s")
        return 0
    except subprocess.CalledProcessError as exc:
        print(f"\nFAILED: {' '.join(map(str, exc.cmd))}", file=sys.stderr)
        return exc.returncode or 1
    finally:
        if template.poll() is None:
            template.kill()
            template.wait()
        embedded.stop(started)


FAULT_DATA_DIR = BASE_DIR / ".data" / "faults"
FAULT_PYTEST = [PY, "-m", "pytest", "-p", "no:xdist", "tests/faults"]
FAULT_ENV = {"STOCKLINE_FAULT_SERVERS": "1", "CELERY_QUEUE": "stockline-faults"}


def faults(pytest_args: list[str]) -> int:
    """Run tests/faults on a PostgreSQL and a Redis of their own, whatever DATABASE_URL and
    REDIS_URL say: the tests stop and restart both, which would break anyone sharing them."""
    if os.environ.get("STOCKLINE_DATA_DIR") != str(FAULT_DATA_DIR):
        # erp.embedded reads its folder at import: start again in a process that has it.
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        env.update(STOCKLINE_DATA_DIR=str(FAULT_DATA_DIR), STOCKLINE_REDIS_PORT="6395")
        return subprocess.run([PY, "-m", "erp.run", "faults", *pytest_args], env=env).returncode
    started = embedded.start()
    env = {
        **os.environ,
        **started.env,
        "DJANGO_SETTINGS_MODULE": "erp.settings",
        "STOCKLINE_TESTING": "true",
        "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
        **FAULT_ENV,
    }
    env.pop("DEBUG", None)
    try:
        _run([*FAULT_PYTEST, *pytest_args], env)
        return 0
    except subprocess.CalledProcessError as exc:
        return exc.returncode or 1
    finally:
        embedded.stop(started)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] not in {"demo", "test", "faults"}:
        print(
            "usage: python -m erp.run demo [--no-data] | test [pytest args] | faults",
            file=sys.stderr,
        )
        return 2
    if argv[1] == "demo":
        return demo(os.environ.get("PORT", "8000"), load_data="--no-data" not in argv[2:])
    if argv[1] == "faults":
        return faults(argv[2:])
    return test(argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
