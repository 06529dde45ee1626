"""Settings and management tooling: what runs without a key, what refuses to start."""

import os
import subprocess
import sys

from django.conf import settings


def run_python(*args: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "STOCKLINE_TESTING", "DJANGO_SETTINGS_MODULE"}
    }
    env["STOCKLINE_TESTING"] = "false"
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_wsgi_refuses_to_start_without_a_secret_key():
    result = run_python("-c", "import erp.wsgi")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_makemigrations_check_runs_without_a_secret_key():
    result = run_python("manage.py", "makemigrations", "--check", "--dry-run")

    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_shell_imports_the_models_without_complaining_about_history_models(capsys):
    from django.core.management import call_command

    call_command("shell", command="print(Item.__name__, StockBalance.__name__)", verbosity=1)

    out, err = capsys.readouterr()
    assert "Item StockBalance" in out
    assert "could not be automatically imported" not in out + err


def test_a_serving_process_starts_with_every_view_loaded_and_its_heap_frozen():
    """erp/wsgi.py ends with `erp.startup.settle`: full garbage collections then skip what
    the process loaded (it lives as long as the process), so they pause requests for
    milliseconds, not the 100-170 ms a pass over the loaded code took."""
    script = (
        "import gc, os, sys\n"
        "os.environ['SECRET_KEY'] = 'x' * 50\n"
        "import erp.wsgi\n"
        "gc.collect()\n"
        "print(gc.get_freeze_count(), len(gc.get_objects()),\n"
        "      'inventory.views.valuation' in sys.modules)\n"
    )
    result = run_python("-c", script)

    assert result.returncode == 0, result.stderr
    frozen, tracked, views_loaded = result.stdout.split()
    assert views_loaded == "True"
    # Most of what the process holds is frozen; what a collection walks is the rest.
    assert int(frozen) > 100_000 and int(tracked) < int(frozen) / 4
