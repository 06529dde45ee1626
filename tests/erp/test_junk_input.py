"""Junk typed into any form never breaks a page: every form on every page is submitted with
hostile values and must answer with a page (a form error, a redirect, a refusal), never a
server error. The forms are read from the rendered HTML, so a new form is covered unasked."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from erp.roles import Role
from tests.erp.test_url_coverage import ALL, OBJECT_URLS, OWN_OBJECT_URLS, POST_ONLY
from tests.factories import member

pytestmark = pytest.mark.django_db

# Values a tired, careless or malicious user might type. NUL cannot be stored by PostgreSQL,
# the numbers overflow every column, the dates do not exist.
JUNK = {
    "text": "<script>alert(1)</script>' OR 1=1; --",
    "nul": "abc\x00def",
    "huge": "99999999999999999999999999999",
    "negative": "-1e309",
    "long": "x" * 5000,
    "date": "2026-13-45",
    "unicode": "\u202e\ufeffZa\u0308lgo\U0001f4a5",
    "empty": "",
}
# Someone with every permission the page offers, so its forms are reachable.
PREFERENCE = [Role.ADMIN, Role.SUPERVISOR, Role.PLANNER, Role.OPERATOR, Role.FINANCE, Role.OWNER]


class _Forms(HTMLParser):
    """Collects each <form>: its method, action and fields (name, kind, values offered)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action") or "",
                "fields": [], "buttons": [], "multipart": "multipart" in (a.get("enctype") or ""),
            })  # fmt: skip
            return
        if not self.forms or not a.get("name"):
            return
        form = self.forms[-1]
        kind = (a.get("type") or "text").lower()
        if tag == "button" and kind == "text":  # a <button> without a type submits
            kind = "submit"
        if tag in ("button", "input") and kind in ("submit", "button"):
            if kind == "submit":
                form["buttons"].append((a["name"], a.get("value") or ""))
        elif tag == "input":
            form["fields"].append({"name": a["name"], "kind": kind, "value": a.get("value") or ""})
        elif tag == "textarea":
            form["fields"].append({"name": a["name"], "kind": "text", "value": ""})
        elif tag == "select":
            self._select = a["name"]
            form["fields"].append({"name": a["name"], "kind": "select", "value": ""})
        elif tag == "option" and self._select:
            form["fields"][-1].setdefault("options", []).append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _payload(form: dict, junk: str, *, keep_hidden: bool) -> dict:
    data: dict = {}
    for field in form["fields"]:
        name, kind = field["name"], field["kind"]
        if name == "csrfmiddlewaretoken":
            continue
        if kind == "hidden" and keep_hidden:
            data[name] = field["value"]
        elif kind == "file":
            data[name] = SimpleUploadedFile(
                "junk.csv", junk.encode("utf-8", "replace") + b"\xff\xfe"
            )
        elif kind == "checkbox":
            data[name] = junk or "on"
        else:
            data[name] = junk
    return data


def _role_for(allowed) -> Role:
    return next(role for role in PREFERENCE if role in allowed)


PAGES = [
    (name, pattern)
    for name, pattern in ALL
    if pattern.callback.allowed_roles is not None and name not in POST_ONLY
]


@pytest.mark.parametrize("name,pattern", PAGES, ids=[n for n, _ in PAGES])
def test_junk_in_every_form_on_the_page_is_answered_without_a_server_error(
    name, pattern, client, tenant_a
):
    user = member(tenant_a, _role_for(pattern.callback.allowed_roles))
    client.force_login(user)
    kwargs = OBJECT_URLS[name](tenant_a) if name in OBJECT_URLS else None
    if name in OWN_OBJECT_URLS:
        kwargs = OWN_OBJECT_URLS[name](tenant_a, user)
    url = reverse(name, kwargs=kwargs)
    page = client.get(url)
    assert page.status_code == 200
    if not page.get("Content-Type", "").startswith("text/html"):
        return
    failures = []
    for form in _forms(page.content.decode()):
        target = form["action"] or url
        if target.startswith(("/accounts/logout", "/tenant/switch")):
            continue
        for label, junk in JUNK.items():
            for keep_hidden in (True, False):
                for button in form["buttons"] or [None]:
                    data = _payload(form, junk, keep_hidden=keep_hidden)
                    if button:
                        data[button[0]] = button[1]
                    if form["method"] == "get":
                        response = client.get(target, data)
                    else:
                        response = client.post(target, data)
                    if response.status_code >= 500:
                        failures.append((target, label, keep_hidden, button, response.status_code))
    assert failures == []
