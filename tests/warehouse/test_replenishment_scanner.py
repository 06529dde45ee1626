"""The operator's replenishment page: started from My work, scans the reserve bin, the item
(GS1 with its lot), the quantity and the face; the move is posted and the queue entry done."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.tenancy import tenant_context
from inventory.models import StockEntry
from tests.inventory.stock import assert_ledger_clean, on_hand, reserved
from tests.warehouse.faces import Faces
from warehouse.models import Replenishment, WorkTask

pytestmark = pytest.mark.django_db


def _coffee_task(tenant):
    floor = Faces(tenant, stock=1)
    floor.face(floor.coffee, floor.p1, 10, 40)
    floor.stock_reserve(floor.coffee, 100, lot=floor.lot)
    (task,) = floor.run()  # 39 wanted -> 4 cases = 48
    return floor, task


def test_operator_starts_from_my_work_and_completes_with_gs1_scans(client, tenant_a):
    floor, task = _coffee_task(tenant_a)
    client.force_login(floor.operator)
    with tenant_context(tenant_a):
        entry = WorkTask.objects.get(kind="replenish", reference=task.pk)

    started = client.post(reverse("warehouse:work_start"), {"task": entry.pk})
    assert started.status_code == 302
    assert started.url == reverse("warehouse:replenish_task", args=[task.pk])
    page = client.get(started.url)
    assert page.status_code == 200
    assert b"R-01" in page.content and b"P-01" in page.content and b"L-2030-06" in page.content
    assert b'name="source"' in page.content and b"autofocus" in page.content

    # Enter after the bin scan: right so far, the page asks for the item.
    step = client.post(started.url, {"source": "]C0R-01"})
    assert step.status_code == 200 and b"scan the item" in step.content
    label = f"]C101{floor.coffee_gtin}1730063010L-2030-06"
    step = client.post(started.url, {"source": "R-01", "item": label})
    assert b"Enter the quantity" in step.content
    step = client.post(started.url, {"source": "R-01", "item": label, "quantity": "48"})
    assert b"Scan the pick face P-01" in step.content
    done = client.post(
        started.url,
        {"source": "R-01", "item": label, "quantity": "48", "destination": "P-01"},
        follow=True,
    )
    assert f"Moved 48 each {floor.coffee.sku} to P-01.".encode() in done.content
    assert on_hand(tenant_a, floor.coffee, floor.p1, lot=floor.lot) == 49
    assert on_hand(tenant_a, floor.coffee, floor.reserve, lot=floor.lot) == 52
    assert reserved(tenant_a, floor.coffee, floor.reserve, lot=floor.lot) == 0
    with tenant_context(tenant_a):
        assert Replenishment.objects.get(pk=task.pk).state == "done"
        entry.refresh_from_db()
    assert entry.status == "done"
    assert_ledger_clean(tenant_a)


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"source": "R-02", "item": "SKU", "quantity": "48", "destination": "P-01"}, "source", b"Wrong bin: R-02 scanned; take it from R-01."),
        ({"source": "NOPE", "item": "SKU", "quantity": "48", "destination": "P-01"}, "source", b"No active bin"),
        ({"source": "R-01", "item": "CUPS", "quantity": "48", "destination": "P-01"}, "item", b"Wrong item: CUPS-"),
        ({"source": "R-01", "item": "SKU", "lot": "L-OTHER", "quantity": "48", "destination": "P-01"}, "lot", b"Wrong lot: L-OTHER scanned; move lot L-2030-06."),
        ({"source": "R-01", "item": "SKU", "lot": "L-2030-06", "quantity": "49", "destination": "P-01"}, "quantity", b"Move between 0 and 48 each."),
        ({"source": "R-01", "item": "SKU", "lot": "L-2030-06", "quantity": "48", "destination": "P-02"}, "destination", b"P-02 is not the pick face; bring it to P-01."),
        ({"source": "R-01", "item": "SKU", "lot": "L-2030-06", "quantity": "-1", "destination": "P-01"}, "quantity", b"greater than or equal to 0"),
    ],
)  # fmt: skip
def test_scans_that_do_not_match_are_refused_and_nothing_is_posted(client, tenant_a, data, field, message):  # fmt: skip
    floor, task = _coffee_task(tenant_a)
    data = dict(data)
    data["item"] = {"SKU": floor.coffee.sku, "CUPS": floor.cups.sku}[data["item"]]
    client.force_login(floor.operator)
    response = client.post(reverse("warehouse:replenish_task", args=[task.pk]), data)
    assert response.status_code == 422
    assert message in response.content, response.content.decode()[-3000:]
    with tenant_context(tenant_a):
        assert Replenishment.objects.get(pk=task.pk).state == "open"
        assert not StockEntry.objects.filter(transaction__kind="replenishment").exists()


def test_a_short_source_on_the_page_ends_the_task_short(client, tenant_a):
    floor, task = _coffee_task(tenant_a)
    client.force_login(floor.operator)
    done = client.post(
        reverse("warehouse:replenish_task", args=[task.pk]),
        {"source": "R-01", "item": floor.coffee.sku, "lot": "L-2030-06", "quantity": "12",
         "destination": "P-01"},
        follow=True,
    )  # fmt: skip
    assert b"Short: moved 12 of 48 each" in done.content
    assert on_hand(tenant_a, floor.coffee, floor.p1, lot=floor.lot) == 13
    assert on_hand(tenant_a, floor.coffee, floor.reserve, lot=floor.lot, status="quarantine") == 88
    assert_ledger_clean(tenant_a)


def test_an_empty_source_needs_no_item_scan(client, tenant_a):
    floor, task = _coffee_task(tenant_a)
    client.force_login(floor.operator)
    client.post(
        reverse("warehouse:replenish_task", args=[task.pk]),
        {"source": "R-01", "quantity": "0", "destination": "P-01"},
    )
    with tenant_context(tenant_a):
        task = Replenishment.objects.get(pk=task.pk)
    assert (task.state, task.moved_quantity) == ("short", Decimal(0))
    assert on_hand(tenant_a, floor.coffee, floor.p1, lot=floor.lot) == 1
    assert_ledger_clean(tenant_a)


def test_a_double_submit_moves_once(client, tenant_a):
    floor, task = _coffee_task(tenant_a)
    client.force_login(floor.operator)
    data = {"source": "R-01", "item": floor.coffee.sku, "lot": "L-2030-06", "quantity": "48",
            "destination": "P-01"}  # fmt: skip
    url = reverse("warehouse:replenish_task", args=[task.pk])
    client.post(url, data)
    again = client.post(url, data, follow=True)
    assert again.status_code == 200
    assert on_hand(tenant_a, floor.coffee, floor.p1, lot=floor.lot) == 49
