"""Every page each role opens, timed on a tenant with a long history beside a small tenant.

    .venv/bin/python bench/pages.py --tenant SLUG --small SLUG [--repeat 20]
                                    [--roles admin,finance] [--depth 2]

What it measures: server time without network. The pages are requested through the Django
test Client in this process (no HTTP server, no browser), with DEBUG=False and the production
middleware, so a figure is what the server spends between receiving the request and handing
back the body: routing, sessions, the tenant's transaction, the queries and the template.
The process is started as `erp/wsgi.py` starts a server's (`erp.startup.settle`: every
view loaded, the heap frozen out of the garbage collector's full passes). Static files use
the plain storage (the manifest storage of production needs `collectstatic`; it changes a
dictionary lookup per `{% static %}`, not the queries).

For each role (erp.roles.Role; `--roles` keeps some), the bench signs in (`force_login`) as an
active member of the tenant with that role: the first such member, or a bench user
`pages-bench-<role>@<tenant>.bench.invalid` made once and reused on later runs. It finds the
pages the way the member would: the role's menu (erp.navigation), then every link of those
pages (`<a href>`), then the links of those, to `--depth` (2: a list, one of its details, one
page that detail links to). A page is one URL name with one set of query keys, opened through
the first link met, so a list gives its first object's detail page (item, site, bin, purchase
and sales order, shipment, wave, count, transfer, RMA, ledger transaction, ...), its first sort
and its second page. Every list's "Last" link is followed too (its last page: the ledger's,
any keyset list's), and reports are opened with their usual filters: the valuation as of a
year ago, with its drill-downs. PDFs and exports are left out (rendering and downloads, not
pages), links the role may not open are not followed, and a page that redirects (a scanner
with nothing to do) is listed as `redirect`, not timed.

Each page: one warm-up request, then `--repeat` timed requests (p50 and p95; three where the
first took over two seconds), one more under CaptureQueriesContext for the SQL statements and
their time in the database (`db_ms`, what history can slow; the rest is Python), and a check
that it answered 200 with its tables rendered (`rows`: the `<tr>` of its tables' bodies;
`EMPTY` marks a table without rows where the small tenant's has some). The same page on the
small tenant (found the same way, so its own first item, order, ...) gives `small_p50_ms` and
`ratio` (big p50 / small p50).

Output, one line per page and role:
    page <role> <path> p50_ms <x> p95_ms <x> statements <n> db_ms <x> rows <n> small_p50_ms <x>
         small_statements <n> ratio <x>
then `pages <n>`, `failures <n>` (non-200 or empty tables, each listed before), the pages of
the two worst figures, `worst_ratio <x>` and last `worst_p95_ms <n>`.

Data: `--tenant` is a tenant with a long history, e.g. one made by `manage.py seed_scale`;
`--small` a small tenant on the same server (the demo's `harbor` after `manage.py load_demo`).
The bench changes nothing but its bench users and memberships (GET never changes state); it
runs VACUUM (ANALYZE) first, as autovacuum would.
"""

from __future__ import annotations

import argparse
import datetime
import html
import os
import re
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

# Production settings: no debug toolbar-ish overhead, no query log kept by the connection.
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "bench-pages-" + "x" * 50)

from _setup import django_setup

django_setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import Resolver404, resolve, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from erp.middleware import SESSION_KEY  # noqa: E402
from erp.models import Membership, Tenant, User  # noqa: E402
from erp.navigation import menu_for  # noqa: E402
from erp.roles import Role  # noqa: E402
from erp.startup import settle  # noqa: E402
from erp.tenancy import tenant_context  # noqa: E402

HREF = re.compile(r'href="([^"]+)"')
LAST = re.compile(r'<a href="([^"]+)"[^>]*>Last')
TBODY = re.compile(r"<tbody[^>]*>(.*?)</tbody>", re.S)
# Links that are not pages of the tenant's data, or that change where the member works.
SKIP_NAMES = {"accounts:logout", "switch_tenant", "inventory:switch_site"}
SKIP_PREFIXES = ("/static/", "/api/", "/accounts/")
SLOW_MS, SLOW_REPEAT = 2000, 3


@dataclass
class Page:
    key: tuple  # (URL name, query keys): one page however many objects it is shown for
    path: str
    depth: int
    status: int = 0
    body: str = ""
    links: list[str] = field(default_factory=list)


def member_client(tenant: Tenant, role: str) -> Client:
    """A client signed in as an active member of `tenant` holding `role`."""
    with tenant_context(tenant):
        membership = (
            Membership.objects.filter(tenant=tenant, role=role, is_active=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if membership is None:
            email = f"pages-bench-{role}@{tenant.slug}.bench.invalid"
            user = User.objects.filter(email=email).first() or User.objects.create_user(
                email=email, password=None, full_name=f"Pages bench {role}"
            )
            membership = Membership.objects.create(tenant=tenant, user=user, role=role)
        user = membership.user
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = tenant.pk  # a member of several tenants works in this one
    session.save()
    return client


def get(client: Client, path: str):
    return client.get(path, secure=True)  # HTTPS is on without DEBUG: no redirect to it


def page_key(path: str) -> tuple | None:
    parts = urlsplit(path)
    if not parts.path.startswith("/") or parts.path.startswith(SKIP_PREFIXES):
        return None
    if parts.path.endswith(".pdf") or parts.path.endswith("/pdf/"):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.view_name in SKIP_NAMES or getattr(match.func, "is_public", False):
        return None
    keys = tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    if any(k == "export" or k.endswith("-export") for k in keys):
        return None  # a download of every filtered row (bench/export_memory.py), not a page
    return (match.view_name, keys)


def allowed(path: str, role: str) -> bool:
    roles = getattr(resolve(urlsplit(path).path).func, "allowed_roles", None)
    return roles is None or role in roles


def year_ago(path: str) -> str:
    """`path` with the valuation's as-of date a year back (its usual report filter)."""
    parts = urlsplit(path)
    query = dict(parse_qsl(parts.query))
    query["as_of"] = (
        timezone.localdate().replace(day=1) - datetime.timedelta(days=365)
    ).isoformat()
    return f"{parts.path}?{urlencode(query)}"


def extras(role: str) -> list[str]:
    """Report pages with the filters people use, beside what the links reach."""
    wanted = [year_ago(reverse("inventory:valuation"))]
    return [path for path in wanted if allowed(path, role)]


def discover(client: Client, role: str, depth: int) -> dict[tuple, Page]:
    """The role's pages by key, each opened once (the warm-up request)."""
    pages: dict[tuple, Page] = {}
    menu = [link["url"] for section in menu_for(role, "/") for link in section["links"]]
    frontier = [(path, "") for path in menu + extras(role)]
    for level in range(depth + 1):
        following = []
        for path, tag in frontier:
            key = page_key(path)
            if key is None or not allowed(path, role):
                continue
            key += (tag,)
            if key in pages:
                continue
            response = get(client, path)
            page = Page(key=key, path=path, depth=level, status=response.status_code)
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                page.body = response.content.decode()
                # Fragments name a place on the page, not another page.
                # Pagers and sort headers link relatively ("?page=2"): resolve against the page.
                page.links = [
                    urljoin(path, html.unescape(h).split("#")[0]) for h in HREF.findall(page.body)
                ]
                if key[0] == "inventory:valuation_items" or key[0] == "inventory:valuation":
                    # Drill-downs keep the report's as-of date: follow them with it.
                    page.links = [
                        year_ago(link) if "as_of" in link else link for link in page.links
                    ]
                following += [(link, "") for link in page.links]
                # A paged list's last page is a page of its own (the deepest read of a
                # growing list), though its link has the same query keys as "Next".
                following += [
                    (urljoin(path, html.unescape(link)), "last") for link in LAST.findall(page.body)
                ]
            pages[key] = page
        frontier = following
    return pages


def rows(body: str) -> int | None:
    bodies = TBODY.findall(body)
    if not bodies:
        return None
    return sum(part.count("<tr") for part in bodies)


def timed(client: Client, path: str, repeat: int) -> tuple[float, float, int, float]:
    """p50 and p95 in ms, then the statements of one more request and their database time."""
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        get(client, path)
        samples.append((time.perf_counter() - began) * 1000)
        if samples[0] > SLOW_MS and len(samples) == SLOW_REPEAT:
            break  # twenty requests of half a minute tell no more than three
    samples.sort()
    p95 = samples[min(len(samples) - 1, max(0, round(0.95 * len(samples)) - 1))]
    with CaptureQueriesContext(connection) as queries:
        get(client, path)
    database_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    return statistics.median(samples), p95, len(queries), database_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenant", required=True, help="a tenant with a long history")
    parser.add_argument("--small", required=True, help="a small tenant on the same server")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--roles", default=",".join(Role.values), help="comma-separated")
    parser.add_argument("--depth", type=int, default=2, help="links followed from the menu")
    parser.add_argument("--only", default="", help="only pages whose path contains this")
    args = parser.parse_args()
    with connection.cursor() as cursor:
        # Fresh statistics and visibility maps, as autovacuum keeps them in production (it is
        # off on the development servers, where a freshly seeded tenant would be planned as
        # empty, and every index-only scan would visit the heap for each row it reads).
        cursor.execute("VACUUM (ANALYZE)")
    big = Tenant.objects.get(slug=args.tenant)
    small = Tenant.objects.get(slug=args.small)
    roles = [role.strip() for role in args.roles.split(",") if role.strip()]
    unknown = set(roles) - set(Role.values)
    if unknown:
        parser.error(f"unknown roles: {', '.join(sorted(unknown))}")

    results = []  # (role, path, p50, p95)
    failures = 0
    worst_ratio = (0.0, "")
    for role in roles:
        big_client, small_client = member_client(big, role), member_client(small, role)
        big_pages = discover(big_client, role, args.depth)
        small_pages = discover(small_client, role, args.depth)
        for key, page in big_pages.items():
            if args.only and args.only not in page.path:
                continue
            if 300 <= page.status < 400:
                # A page sending the member elsewhere (nothing to put away): not a page here.
                print(f"redirect {role} {page.path} status {page.status}")
                continue
            if page.status != 200:
                failures += 1
                print(f"FAILED {role} {page.path} status {page.status}")
                continue
            p50, p95, statements, database_ms = timed(big_client, page.path, args.repeat)
            found = rows(page.body)
            twin = small_pages.get(key)
            small_p50 = small_statements = ratio = None
            small_rows = None
            if twin is not None and twin.status == 200:
                small_p50, _, small_statements, _ = timed(small_client, twin.path, args.repeat)
                ratio = p50 / small_p50
                small_rows = rows(twin.body)
                if ratio > worst_ratio[0]:
                    worst_ratio = (ratio, f"{role} {page.path}")
            empty = found == 0 and bool(small_rows)
            if empty:
                failures += 1
            results.append((role, page.path, p50, p95))
            print(
                f"page {role} {page.path} p50_ms {p50:.1f} p95_ms {p95:.1f} "
                f"statements {statements} db_ms {database_ms:.1f} "
                f"rows {'-' if found is None else found}"
                f"{' EMPTY' if empty else ''} "
                f"small_p50_ms {'-' if small_p50 is None else f'{small_p50:.1f}'} "
                f"small_statements {'-' if small_statements is None else small_statements} "
                f"ratio {'-' if ratio is None else f'{ratio:.2f}'}",
                flush=True,
            )
    worst = max(results, key=lambda r: r[3]) if results else ("-", "-", 0.0, 0.0)
    print(f"pages {len(results)}")
    print(f"failures {failures}")
    print(f"worst_ratio_page {worst_ratio[1] or '-'}")
    print(f"worst_p95_page {worst[0]} {worst[1]}")
    print(f"worst_ratio {worst_ratio[0]:.2f}")
    print(f"worst_p95_ms {worst[3]:.0f}")


if __name__ == "__main__":
    # As the WSGI entry (erp/wsgi.py) starts a serving process: views loaded, heap frozen.
    settle()
    with override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        main()
