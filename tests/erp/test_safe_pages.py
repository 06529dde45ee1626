"""Every page, opened by every role that may open it, changes no row and renders no POST form
without its CSRF token. The pages and forms are read from the URL configuration and the
rendered HTML, so a new page or form is covered unasked."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from erp.tenancy import tenant_context
from tests.erp.test_url_coverage import ALL, OBJECT_URLS, OWN_OBJECT_URLS, POST_ONLY
from tests.factories import member

pytestmark = pytest.mark.django_db

# Sessions are the one table a page view may write: signing in and out is not a page's work.
UNWATCHED = {"django_session"}
# Pages that hand out or decide work: opened with work waiting, so that their forms render and
# a page that claimed work for whoever looks at it would be caught.
WORK_PAGES = {
    "warehouse:pick_next",
    "warehouse:putaway_next",
    "warehouse:putaway_queue",
    "warehouse:pack_find",
    "warehouse:packing_queue",
    "warehouse:ship_find",
    "warehouse:shipping_queue",
    "warehouse:discrepancy_list",
}

CASES = [
    (name, role)
    for name, pattern in ALL
    if pattern.callback.allowed_roles is not None and name not in POST_ONLY
    for role in sorted(pattern.callback.allowed_roles)
]

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
POST_METHOD = re.compile(r"""method\s*=\s*["']?post""", re.I)
TOKEN = re.compile(
    r"""<input[^>]*name=["']csrfmiddlewaretoken["'][^>]*value=["'][^"']{32,}["']""", re.I
)


def _fingerprint(tenant) -> dict[str, str]:
    """A digest of every row of every table the tenant can see (and of the shared tables)."""
    with tenant_context(tenant), connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if t not in UNWATCHED]
        query = " UNION ALL ".join(
            f"SELECT '{t}', md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) "
            f"FROM {connection.ops.quote_name(t)} r"
            for t in tables
        )
        cursor.execute(query)
        return dict(cursor.fetchall())


def _waiting_work(tenant) -> None:
    from tests.erp.test_url_coverage import _discrepancy, _floor, _putaway_task

    floor = _floor(tenant)
    floor.released_wave()
    floor.picked_order()
    floor.packed_order()
    _putaway_task(tenant)
    _discrepancy(tenant)


@pytest.mark.parametrize("name,role", CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_opening_the_page_changes_nothing_and_every_post_form_has_its_token(name, role, tenant_a):
    if name in WORK_PAGES:
        _waiting_work(tenant_a)
    user = member(tenant_a, role)
    kwargs = OBJECT_URLS[name](tenant_a) if name in OBJECT_URLS else None
    if name in OWN_OBJECT_URLS:
        kwargs = OWN_OBJECT_URLS[name](tenant_a, user)
    url = reverse(name, kwargs=kwargs)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    before = _fingerprint(tenant_a)

    response = client.get(url)

    assert response.status_code in (200, 302)  # a work page may point to the next task
    after = _fingerprint(tenant_a)
    changed = sorted(table for table in before if before[table] != after.get(table))
    assert changed == [], f"GET {url} as {role} wrote to {changed}"
    if "html" not in response.get("Content-Type", ""):
        return
    html = response.content.decode()
    untokened = [
        attrs.strip()
        for attrs, body in FORM.findall(html)
        if POST_METHOD.search(attrs) and not TOKEN.search(body)
    ]
    assert untokened == [], f"POST forms without a CSRF token on {url}: {untokened}"
