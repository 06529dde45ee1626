"""The planner's pages: the suggestion list with its filters and explanations, the inline
quantity and reject forms (htmx rows), accepting from the page, the run page with its
progress, and the service level grid."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from purchasing.models import (
    PlanningRun,
    PurchaseOrder,
    ReorderSuggestion,
    ServiceLevel,
)
from tests.factories import SiteFactory, SuggestionFactory, SupplierFactory, member

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def planner(client, tenant_a):
    client.force_login(member(tenant_a, Role.PLANNER))
    return client


@pytest.fixture
def three(tenant_a):
    main, west = (
        SiteFactory(tenant=tenant_a, code="MAIN"),
        SiteFactory(tenant=tenant_a, code="WEST"),
    )
    acme, bolt = (
        SupplierFactory(tenant=tenant_a, code="ACME"),
        SupplierFactory(tenant=tenant_a, code="BOLT"),
    )
    today = datetime.date.today()
    return {
        "soon": SuggestionFactory(tenant=tenant_a, site=main, supplier=acme, abc_class="A",
                                  stockout_date=today),
        "later": SuggestionFactory(tenant=tenant_a, site=west, supplier=bolt, abc_class="C",
                                   stockout_date=today + datetime.timedelta(days=20)),
        "other": SuggestionFactory(tenant=tenant_a, site=main, supplier=bolt, abc_class="B",
                                   stockout_date=None),
    }  # fmt: skip


def listed(response) -> list[int]:
    return [row.pk for row in response.context["table"].page.object_list]


def test_the_list_explains_each_row_and_filters(planner, three):
    url = reverse("purchasing:suggestion_list")
    page = planner.get(url)
    assert page.status_code == 200
    assert b"ROP 187" in page.content and b"Accept selected" in page.content
    assert listed(page)[0] == three["soon"].pk  # the first to run out first

    assert listed(planner.get(url, {"site": three["later"].site_id})) == [three["later"].pk]
    assert set(listed(planner.get(url, {"supplier": three["later"].supplier_id}))) == {
        three["later"].pk, three["other"].pk
    }  # fmt: skip
    assert listed(planner.get(url, {"abc_class": "B"})) == [three["other"].pk]
    assert listed(planner.get(url, {"urgency": "week"})) == [three["soon"].pk]
    assert listed(planner.get(url, {"status": "rejected"})) == []


def test_a_quantity_is_changed_in_its_row(planner, tenant_a, three):
    url = reverse("purchasing:suggestion_quantity", args=[three["soon"].pk])
    row = planner.post(url, {"quantity": "360"}, headers=HTMX)
    assert row.status_code == 200 and b'value="360"' in row.content
    bad = planner.post(url, {"quantity": "-1"}, headers=HTMX)
    assert bad.status_code == 422 and b'role="alert"' in bad.content
    with tenant_context(tenant_a):
        assert ReorderSuggestion.objects.get(pk=three["soon"].pk).quantity == Decimal(360)


def test_a_rejection_without_reason_is_refused_and_with_one_is_kept(planner, tenant_a, three):
    url = reverse("purchasing:suggestion_reject", args=[three["soon"].pk])
    assert planner.post(url, {"reason": ""}, headers=HTMX).status_code == 422
    done = planner.post(url, {"reason": "Overstocked"}, headers=HTMX)
    assert (
        done.status_code == 200 and b"Rejected" in done.content and b"Overstocked" in done.content
    )
    page = planner.get(reverse("purchasing:suggestion_list"), {"status": "rejected"})
    assert listed(page) == [three["soon"].pk]


def test_accepting_from_the_page_makes_the_drafts(planner, tenant_a, three):
    response = planner.post(
        reverse("purchasing:suggestion_accept"),
        {"suggestion": [three["soon"].pk, three["later"].pk, three["other"].pk]},
        follow=True,
    )
    assert response.status_code == 200
    with tenant_context(tenant_a):
        orders = PurchaseOrder.objects.filter(tenant=tenant_a)
        numbers = sorted(o.number for o in orders)
        # BOLT at two sites: two orders; ACME one.
        assert len(numbers) == 3
    assert all(number.encode() in response.content for number in numbers)


def test_accepting_nothing_says_so(planner):
    response = planner.post(reverse("purchasing:suggestion_accept"), {}, follow=True)
    assert b"Choose the suggestions to accept." in response.content


def test_another_tenants_suggestion_is_not_found(planner, tenant_b):
    theirs = SuggestionFactory(tenant=tenant_b)
    url = reverse("purchasing:suggestion_quantity", args=[theirs.pk])
    assert planner.post(url, {"quantity": "5"}).status_code == 404


def test_run_now_queues_a_run_and_its_page_shows_progress(
    planner, tenant_a, sent_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = planner.post(reverse("purchasing:planning_run_start"))
    with tenant_context(tenant_a):
        job = PlanningRun.objects.get(tenant=tenant_a)
    assert response.status_code == 302 and response.url == reverse(
        "purchasing:planning_run_detail", args=[job.pk]
    )
    assert sent_tasks == [("purchasing.tasks.run_planning_task", [tenant_a.pk, job.pk])]
    page = planner.get(response.url)
    assert b'role="progressbar"' in page.content and b'hx-trigger="every 1s"' in page.content
    partial = planner.get(response.url, headers={**HTMX, "HX-Target": "run-status"})
    assert partial.status_code == 200 and b"<html" not in partial.content
    again = planner.post(reverse("purchasing:planning_run_start"), follow=True)
    assert b"already under way" in again.content


def test_the_service_level_grid_saves_per_segment(client, tenant_a):
    client.force_login(member(tenant_a, Role.ADMIN))
    url = reverse("purchasing:service_levels")
    page = client.get(url)
    assert page.status_code == 200 and b"2.326" in page.content
    grid = {a + x: "95" for a in "ABC" for x in "XYZ"} | {"AX": "99.5"}
    grid |= {"order_cycle_days": "7", "demand_window_days": "91"}
    assert client.post(url, grid).status_code == 302
    with tenant_context(tenant_a):
        assert (
            ServiceLevel.objects.get(tenant=tenant_a, abc_class="A", xyz_class="X").level == "99.5"
        )
    assert client.post(url, {**grid, "CZ": "42"}).status_code == 422
    assert client.post(url, {**grid, "order_cycle_days": "0"}).status_code == 422
