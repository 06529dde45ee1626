"""Shared start of every benchmark: Django set up against the real (non-test) database."""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erp.settings")
    os.environ.setdefault("DEBUG", "true")  # benchmarks need no SECRET_KEY
    # The settings only read DATABASE_URL / REDIS_URL: where unset, run on the embedded servers.
    from erp.embedded import ensure_env

    ensure_env()
    import django

    django.setup()
    from django.core.management import call_command

    # A fresh machine's database has no tables yet (make demo would migrate it first). A
    # bench's worker processes import this too: their parent has migrated already.
    if multiprocessing.parent_process() is None:
        call_command("migrate", verbosity=0, interactive=False)
