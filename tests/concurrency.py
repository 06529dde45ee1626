"""Real parallel transactions for tests: each job runs in a thread of its own, with its own
database connection, and all are released at one moment, so they contend for the same rows
and locks. Tests using these need `django_db(transaction=True)`: the jobs commit, and only
committed rows are seen across connections."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections
from django.http import HttpResponse
from django.test import Client


def together(jobs: list[Callable], *, timeout: float = 90) -> list:
    """Run `jobs` at the same moment; each one's result, or the exception it raised."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index: int, job: Callable) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # handed back for the test to assert on
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    # A thread still running holds its connection open, and the flush after the test would hang.
    assert not any(thread.is_alive() for thread in threads), "a job never finished (deadlock?)"
    return results


def browser(user) -> Client:
    """A test client signed in as `user` (a browser or scanner of theirs)."""
    client = Client()
    client.force_login(user)
    return client


def sent_together(sends: list[Callable[[], HttpResponse]]) -> list[HttpResponse]:
    """The responses of requests sent at the same moment; a view's exception is raised here,
    as the test client would raise it."""
    responses = together(sends)
    for response in responses:
        if isinstance(response, Exception):
            raise response
    return responses


def at_once(user, send: Callable[[Client], HttpResponse], *, times: int = 2) -> list[HttpResponse]:
    """`send(client)` from `times` browsers of `user` at the same moment; their responses."""
    clients = [browser(user) for _ in range(times)]
    return sent_together([lambda client=client: send(client) for client in clients])
