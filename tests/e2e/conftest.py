"""Browser tests: Debian's Chromium driven by Playwright (never a downloaded browser), and a
real Celery worker in a thread consuming this test process's own queue."""

from __future__ import annotations

import os
import uuid

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture
def celery_worker_thread(transactional_db, settings):
    """A real worker on a queue of its own, so parallel test processes never take each other's tasks."""
    from celery.contrib.testing.worker import start_worker

    from erp.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, queues=[queue], loglevel="WARNING"
        ):
            yield
    finally:
        app.conf.task_default_queue = previous


@pytest.fixture(autouse=True)
def _no_script_errors(request):
    """A script error on any page of a browser test fails it: a broken stockline.js leaves
    pages looking fine to the server while the menu, scanner steps and lookups are dead."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield
    _settle(page)
    assert errors == [], f"script errors in the browser: {errors}"


def _settle(page) -> None:
    """Let every open page finish its requests and stop polling before the test's database is
    flushed: a request still in the live server (the alert count every page loads after it
    appears) deadlocked with the flush's TRUNCATE."""
    for context in page.context.browser.contexts:
        for open_page in context.pages:
            try:
                open_page.wait_for_load_state("networkidle", timeout=10_000)
                open_page.goto("about:blank")
            except Exception:  # a page the test closed or left broken: nothing more to wait for
                continue
