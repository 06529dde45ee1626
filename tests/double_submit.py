"""The double-submit check of a form that changes stock or creates a document (issue 9): the
same POST, with the same idempotency key, sent twice in a row and twice at once, is done once
and both answers are the first one's, never a server error.

Each app's `test_double_submit.py` describes its forms as `Form`s: who posts what where, what
the form changes (read back from the database) and what that reads before and after one post,
worked out from the setup rather than by the code under test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpResponse

from erp.idempotency import FIELD, new_key
from erp.tenancy import tenant_context
from tests.concurrency import at_once, browser


@dataclass
class Form:
    user: object
    url: str
    data: dict | Callable[[], dict]  # a function when each post needs its own (a file)
    effect: Callable[[], dict]
    before: dict
    once: dict
    status: int = 302  # the first answer: a redirect, unless the form renders its result


def reading(tenant, **reads: Callable[[], object]) -> Callable[[], dict]:
    """A function reading each of `reads` in `tenant`'s context, by name."""

    def read() -> dict:
        with tenant_context(tenant):
            return {name: value() for name, value in reads.items()}

    return read


def answer(response: HttpResponse) -> tuple:
    """What a user sees of a response: its status, where it sends them, or the page itself."""
    if response.status_code in (301, 302, 303):
        return response.status_code, response["Location"]
    return response.status_code, response.content


def _post(client, form: Form, key: str) -> HttpResponse:
    data = form.data() if callable(form.data) else form.data
    return client.post(form.url, {**data, FIELD: key})


def check_twice_in_a_row(form: Form) -> None:
    effect = form.effect()
    assert effect == form.before, effect
    client, key = browser(form.user), new_key()
    first = _post(client, form, key)
    again = _post(client, form, key)
    assert first.status_code == form.status, first.content.decode()[:2000]
    assert answer(again) == answer(first), (again.status_code, again.content.decode()[:2000])
    assert form.effect() == form.once


def check_twice_at_once(form: Form) -> None:
    effect = form.effect()
    assert effect == form.before, effect
    key = new_key()
    first, second = at_once(form.user, lambda client: _post(client, form, key))
    assert [first.status_code, second.status_code] == [form.status] * 2, [
        response.content.decode()[:2000] for response in (first, second)
    ]
    assert answer(second) == answer(first)
    assert form.effect() == form.once
