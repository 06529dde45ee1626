"""pytest plugin (`-p erp.pytest_servers` in pyproject's addopts): a bare `pytest` on a
machine without DATABASE_URL / REDIS_URL runs on the embedded servers, as manage.py does.

The settings only read the environment, so the servers must be up and their URLs exported
before pytest-django loads the settings in its own `pytest_load_initial_conftests`; a
wrapper runs before every plain implementation of that hook. xdist workers inherit the
exported URLs and attach.
"""

from __future__ import annotations

import os

import pytest


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        from erp.embedded import ensure_env

        ensure_env()
    return (yield)
