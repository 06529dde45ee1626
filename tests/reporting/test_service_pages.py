"""The service KPI pages over the world of `service_world`: figures, drill-downs, filters,
roles and tenant isolation."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from tests.factories import SiteFactory, TenantFactory, member
from tests.reporting.service_world import build_world

pytestmark = pytest.mark.django_db

PERIOD = {"date_from": "2026-11-02", "date_to": "2026-11-08"}
PAGES = ["service_level", "backorder_aging", "cycle_time", "throughput"]


@pytest.fixture(scope="module")
def world(committed_db):
    return build_world(TenantFactory(slug="service-pages"))


@pytest.fixture
def supervisor(client, world):
    client.force_login(member(world.tenant, Role.SUPERVISOR))
    return client


def page(client, name, **params) -> str:
    response = client.get(reverse(f"reporting:{name}"), {**PERIOD, **params})
    assert response.status_code == 200
    return response.content.decode()


def test_service_level_shows_each_rate_with_its_counts_and_the_documents_behind(supervisor):
    html = page(supervisor, "service_level")
    assert "33.3 %" in html and "1 of 3" in html  # order fill
    assert "60.0 %" in html and "3 of 5" in html  # line fill
    assert "40.0 %" in html and "2 of 5" in html  # on-time
    assert "2 of 6" in html  # OTIF
    assert 'href="#short-lines"' in html and 'id="missed-lines"' in html
    for document in ("O2/1", "O3/2", "SH3", "SH6", "O4/1"):  # short, late, missed
        assert document in html
    assert "OTIF by day" in html and "<svg" in html
    assert "How this is measured" in html


def test_the_drill_down_tables_page_by_htmx(supervisor, world):
    response = supervisor.get(
        reverse("reporting:service_level"), PERIOD, HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="missed-lines-results",
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "O4/1" in html and "O2/1" in html


@pytest.mark.parametrize(
    "table, rows",
    # The complements of the rates above: 5 - 3 lines filled, 5 - 2 shipments on time,
    # 6 - 2 lines in full on time.
    [("short-lines", "2 rows"), ("late-shipments", "3 rows"), ("missed-lines", "4 rows")],
)
def test_each_drill_down_counts_what_its_rate_missed_without_a_count_query(
    supervisor, world, table, rows
):
    with CaptureQueriesContext(connection) as queries:
        response = supervisor.get(
            reverse("reporting:service_level"), PERIOD, HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET=f"{table}-results",
        )  # fmt: skip
    assert rows in response.content.decode()
    assert not [q for q in queries.captured_queries if "COUNT(*) AS" in q["sql"].upper()]


def test_backorder_buckets_link_to_the_backorder_list_filtered_to_them(supervisor, world):
    html = page(supervisor, "backorder_aging", category="tools")
    assert "bucket=15-30" in html and "category=tools" in html
    listing = supervisor.get(
        reverse("orders:backorder_list"), {"bucket": "15-30", "category": "tools"}
    )
    text = listing.content.decode()
    assert "O7/2" in text and "O7/1" not in text
    by_class = supervisor.get(reverse("orders:backorder_list"), {"abc_class": "A"}).content.decode()
    assert "O7/1" in by_class and "O7/2" not in by_class


def test_cycle_time_and_throughput_pages(supervisor):
    html = page(supervisor, "cycle_time")
    assert "2 d 15 h" in html and "4 d 9 h" in html  # median 63.5 h, p90 105.6 h
    assert "O6" in html
    html = page(supervisor, "throughput")
    assert "Early 06:00-14:00" in html and "S1/Z1" in html and "Transfers" in html
    assert "06:00-14:00" in html  # the shifts are stated


def test_junk_filters_are_reported_and_the_defaults_stand_in(supervisor):
    for name in PAGES:
        html = page(supervisor, name, date_from="junk", site="x", customer="nobody")
        assert 'class="error"' in html


def test_other_roles_and_tenants(client, world):
    client.force_login(member(world.tenant, Role.OPERATOR))
    for name in PAGES:
        assert client.get(reverse(f"reporting:{name}")).status_code == 403
    other = TenantFactory(slug="service-pages-other")
    SiteFactory(tenant=other)
    client.force_login(member(other, Role.ADMIN))
    for name in PAGES:
        html = page(client, name, site=world.s1.pk)
        assert 'class="error"' in html  # another tenant's site is no choice here
        # With a slash or a tag's edge: a bare "O2" turns up in random tokens (CSRF, cursors).
        for theirs in ("O2/", ">SH3", "S1/Z1", "O7/"):
            assert theirs not in html


@dataclass
class Report:  # the fields of bench/reports.py's Report
    name: str
    url: str
    params: dict
    tables: tuple
    figures: object
    ref_sql: str
    ref_args: dict
    ref_figures: object


def test_each_page_shows_what_its_bench_reference_computes(supervisor, world):
    """bench/references/service.py `reports`: over the default period (the last 30 days,
    which hold the world's November), each page's figures equal its one statement's."""
    from bench.references.service import reports

    for report in reports(world.tenant, Report):
        response = supervisor.get(report.url, report.params)
        with tenant_context(world.tenant), connection.cursor() as cursor:
            cursor.execute(report.ref_sql, report.ref_args)
            expected = report.ref_figures(cursor.fetchall())
        assert report.figures(response) == expected, report.name
        assert any(expected), report.name  # the world is in the period: not all zero
