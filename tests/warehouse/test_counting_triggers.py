"""What opens a count: a short pick's flag, a pick face left at zero or promising more than it
holds, and a supervisor's "Count this bin" (from the bin, item and stock pages); a count is
work in the queue, started from "My work" onto its scanner page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import DefaultSite
from tests.factories import member
from tests.inventory.stock import receive
from tests.warehouse.counting import Shelf
from tests.warehouse.outbound import Floor
from warehouse.models import Count, CountRequest, CountRound, Priority, WorkKind, WorkTask
from warehouse.picking import services as picking

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


def _counts_of(floor, bin):
    with tenant_context(floor.tenant):
        location = ledger.bin_location(tenant=floor.tenant, bin=bin)
        return list(Count.objects.filter(location=location).order_by("pk"))


def test_a_pick_that_empties_a_pick_face_opens_a_count_of_it(tenant_a):
    floor = Floor(tenant_a, stock=6)
    floor.picked_order()  # 6 coffee from P-01's 6, 4 cups from P-02's 6
    [count] = _counts_of(floor, floor.p1)
    with tenant_context(tenant_a):
        task = WorkTask.objects.get(kind=WorkKind.COUNT, reference=shelf_round(count).pk)
    assert (count.status, count.source) == ("open", "pick_face")
    assert count.reason == f"pick face at zero: {floor.coffee.sku}"
    assert (task.priority, task.summary) == (Priority.NORMAL, "Count bin P-01")
    assert _counts_of(floor, floor.p2) == []


def test_a_pick_leaving_a_pick_face_promising_more_than_it_holds_opens_a_count(tenant_a):
    floor = Floor(tenant_a)
    with tenant_context(tenant_a):
        face = ledger.bin_location(tenant=tenant_a, bin=floor.p2)
        # 45 of P-02's 50 cups held for QC and promised to someone as they are.
        ledger.post(
            tenant=tenant_a, user=None, kind="status_change",
            moves=[ledger.Move(item=floor.cups, quantity=Decimal(45), source=face, destination=face, destination_status="qc_hold")],
        )  # fmt: skip
        ledger.reserve(
            tenant=tenant_a, user=None, item=floor.cups, location=face, quantity=Decimal(45),
            source_type="test_hold", source_id=1, status="qc_hold",
        )  # fmt: skip
    assert _counts_of(floor, floor.p2) == []
    floor.picked_order()  # 4 cups: 1 available left against 45 reserved
    [count] = _counts_of(floor, floor.p2)
    assert count.reason == f"pick face availability negative: {floor.cups.sku} -44"
    with tenant_context(tenant_a):
        task = WorkTask.objects.get(kind=WorkKind.COUNT, reference=shelf_round(count).pk)
    assert task.priority == Priority.HIGH
    assert _counts_of(floor, floor.p1) == []  # 44 coffee left, nothing promised


def test_a_second_pick_emptying_the_face_opens_no_second_count(tenant_a):
    floor = Floor(tenant_a, stock=6)
    floor.picked_order()
    receive(tenant_a, floor.coffee, floor.p1, 6, lot=floor.lot, key="again-coffee")
    receive(tenant_a, floor.cups, floor.p2, 4, key="again-cups")
    floor.picked_order()
    [count] = _counts_of(floor, floor.p1)
    with tenant_context(tenant_a):
        queued = WorkTask.objects.filter(kind=WorkKind.COUNT, site=floor.site).count()
    assert count.status == "open" and queued == 1


def test_a_pick_that_rolls_back_opens_no_count(tenant_a):
    floor = Floor(tenant_a, stock=6)
    order = floor.released_order()
    wave = floor.released_wave(order)
    task = next(t for t in floor.tasks(wave) if t.item_id == floor.coffee.pk)
    with pytest.raises(RuntimeError), tenant_context(tenant_a), transaction.atomic():
        picking.confirm_pick(
            tenant=tenant_a, user=floor.operator, task=task, quantity=task.quantity
        )
        assert len(_counts_of(floor, floor.p1)) == 1
        raise RuntimeError("the scanner's request fails after the pick")
    assert _counts_of(floor, floor.p1) == []


def shelf_round(count):
    with tenant_context(count.tenant):
        return CountRound.objects.get(count=count, number=1)


@pytest.mark.parametrize("page", ["stock", "item"])
def test_stock_rows_link_a_supervisor_to_count_their_bin(client, tenant_a, page):
    shelf = Shelf(tenant_a)
    url = (
        reverse("inventory:stock_list")
        if page == "stock"
        else reverse("inventory:item_detail", args=[shelf.item.pk])
    )
    link = f"{reverse('warehouse:count_list')}?site={shelf.site.pk}&amp;bin=S-01"
    client.force_login(shelf.supervisor)
    assert link in client.get(url).content.decode()
    client.force_login(member(tenant_a, Role.PLANNER))
    response = client.get(url)
    assert response.status_code == 200 and "Count this bin" not in response.content.decode()


def test_the_prefilled_count_form_opens_the_count_only_when_posted(client, tenant_a):
    shelf = Shelf(tenant_a)
    client.force_login(shelf.supervisor)
    form = client.get(
        reverse("warehouse:count_list"), {"site": shelf.site.pk, "bin": "S-01"}
    ).content.decode()
    assert 'value="S-01"' in form and f'<option value="{shelf.site.pk}" selected>' in form
    with tenant_context(tenant_a):
        assert not Count.objects.filter(location=shelf.location).exists()
    response = client.post(
        reverse("warehouse:count_create"),
        {"site": shelf.site.pk, "bin": "S-01", "reason": "from the stock page"},
    )
    with tenant_context(tenant_a):
        count = Count.objects.get(location=shelf.location)
    assert response.status_code == 302 and (count.source, count.reason) == (
        "request",
        "from the stock page",
    )
