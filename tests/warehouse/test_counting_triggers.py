"""What opens a count: a short pick's flag, and a supervisor's "Count this bin"; a count is
work in the queue, started from "My work" onto its scanner page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import DefaultSite
from tests.factories import member
from tests.warehouse.counting import Shelf
from tests.warehouse.outbound import Floor
from warehouse.models import Count, CountRequest, CountRound, Priority, WorkKind, WorkTask

pytestmark = pytest.mark.django_db


def test_a_short_pick_flags_its_bin_as_an_urgent_count_task(tenant_a):
    floor = Floor(tenant_a)
    floor.picked_order(short={0: 2})
    with tenant_context(tenant_a):
        location = ledger.bin_location(tenant=tenant_a, bin=floor.p1)
        request = CountRequest.objects.get(location=location, done=False)
        count = Count.objects.get(location=location)
        round = CountRound.objects.get(count=count)
        task = WorkTask.objects.get(kind=WorkKind.COUNT, reference=round.pk)
    assert count.request_id == request.pk and count.status == "open"
    assert (task.priority, task.summary, task.site_id) == (
        Priority.HIGH,
        "Count bin P-01",
        floor.site.pk,
    )


def test_a_second_trigger_for_a_bin_returns_the_open_count(tenant_a):
    shelf = Shelf(tenant_a)
    assert shelf.open().pk == shelf.open("again").pk


def test_a_supervisor_asks_for_a_bin_to_be_counted(client, tenant_a):
    shelf = Shelf(tenant_a)
    client.force_login(shelf.supervisor)
    response = client.post(
        reverse("warehouse:count_create"),
        {"site": shelf.site.pk, "bin": "S-01", "reason": "customer complaint"},
    )
    with tenant_context(tenant_a):
        count = Count.objects.get(location=shelf.location)
    assert response.status_code == 302 and response.url == reverse(
        "warehouse:count_detail", args=[count.pk]
    )
    assert count.reason == "customer complaint"
    bad = client.post(
        reverse("warehouse:count_create"), {"site": shelf.site.pk, "bin": "NOPE", "reason": "x"}
    )
    assert bad.status_code == 302
    assert "No active bin" in client.get(bad.url).content.decode()


def test_an_operator_cannot_ask_for_a_count(client, tenant_a):
    shelf = Shelf(tenant_a)
    client.force_login(shelf.counter)
    response = client.post(
        reverse("warehouse:count_create"), {"site": shelf.site.pk, "bin": "S-01", "reason": "x"}
    )
    assert response.status_code == 403


def test_my_work_starts_a_count_on_its_scanner_page(client, tenant_a):
    shelf = Shelf(tenant_a)
    count = shelf.open()
    operator = member(tenant_a, Role.OPERATOR)
    with tenant_context(tenant_a):
        DefaultSite.objects.create(
            tenant=tenant_a, membership=operator.memberships.get(), site=shelf.site
        )
    client.force_login(operator)
    response = client.post(reverse("warehouse:work_start"))
    round = shelf.round(count)
    assert response.status_code == 302 and response.url == reverse(
        "warehouse:count_round", args=[round.pk]
    )
    with tenant_context(tenant_a):
        round.refresh_from_db()
        task = WorkTask.objects.get(kind=WorkKind.COUNT, reference=round.pk)
    assert (
        round.counter_id == operator.pk
        and task.status == "started"
        and task.assignee_id == operator.pk
    )


def test_cancelling_the_queued_count_cancels_the_count(client, tenant_a):
    shelf = Shelf(tenant_a)
    count = shelf.open()
    with tenant_context(tenant_a):
        from warehouse.workqueue import services as work

        task = WorkTask.objects.get(kind=WorkKind.COUNT, reference=shelf.round(count).pk)
        work.cancel(tenant=tenant_a, user=shelf.supervisor, task=task, reason="bin rebuilt")
        count.refresh_from_db()
    assert count.status == "cancelled"
    assert shelf.balances() == {"available": 10}


def test_the_bin_page_links_to_count_this_bin_with_the_bin_filled_in(client, tenant_a):
    shelf = Shelf(tenant_a)
    client.force_login(member(tenant_a, Role.ADMIN))
    page = client.get(reverse("inventory:bin_detail", args=[shelf.bin.pk])).content.decode()
    link = f"{reverse('warehouse:count_list')}?site={shelf.site.pk}&amp;bin=S-01"
    assert link in page
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="S-01"' in form and f'<option value="{shelf.site.pk}" selected>' in form


def test_my_work_never_hands_a_recount_to_the_first_counter(tenant_a):
    from warehouse.workqueue import selectors as queue

    shelf = Shelf(tenant_a)
    count = shelf.count(shelf.open(), {shelf.item: 7})  # beyond tolerance: a recount is queued
    recount = shelf.round(count, 2)
    with tenant_context(tenant_a):
        for_counter = list(queue.waiting_for(tenant=tenant_a, user=shelf.counter, site=shelf.site))
        for_other = list(queue.waiting_for(tenant=tenant_a, user=shelf.recounter, site=shelf.site))
    assert [t.reference for t in for_counter] == []
    assert [(t.kind, t.reference) for t in for_other] == [(WorkKind.COUNT, recount.pk)]
