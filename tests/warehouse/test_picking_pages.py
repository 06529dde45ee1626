"""The operator's picking page: the next task of their batch, bin and item scans that must
match the task (lot included), short picks that say what happened, and double submits that
change nothing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import StockEntry
from orders.models import SalesOrderLine
from tests.factories import member
from tests.inventory.stock import assert_ledger_clean, on_hand, receive
from tests.warehouse.outbound import Floor
from warehouse.models import PickBatch, PickState, PickTask
from warehouse.picking import services as picking

pytestmark = pytest.mark.django_db


def _task(floor, pk):
    with tenant_context(floor.tenant):
        return PickTask.objects.select_related("from_location").get(pk=pk)


def _started(floor, task, user=None):
    """`task`, its batch started by `user` (the floor's operator)."""
    with tenant_context(floor.tenant):
        picking.start_batch(
            tenant=floor.tenant,
            user=user or floor.operator,
            batch=PickBatch.objects.get(pk=task.batch_id),
        )
    return task


def _input(html: bytes, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html.decode())
    assert found, f"no {name} field"
    return found.group(0)


def test_operator_walks_the_batch_with_gs1_and_sku_scans(client, tenant_a):
    floor = Floor(tenant_a)
    wave = floor.released_wave()
    coffee, cups = floor.tasks(wave)
    client.force_login(floor.operator)
    client.post(reverse("warehouse:pick_start", args=[coffee.batch_id]))
    start = client.get(reverse("warehouse:pick_next"))
    assert start.status_code == 302 and start.url == reverse(
        "warehouse:pick_task", args=[coffee.pk]
    )
    with tenant_context(tenant_a):
        assert PickBatch.objects.get().picker == floor.operator  # the batch is now theirs
    page = client.get(start.url)
    assert page.status_code == 200
    assert b"P-01" in page.content and b"L-2030-06" in page.content and b"Tote" in page.content
    label = f"(01){floor.coffee_gtin}(17)300630(10)L-2030-06"
    done = client.post(start.url, {"bin": "p-01", "item": label, "quantity": "6"}, follow=True)
    assert f"Picked 6 each of {floor.coffee.sku} from P-01 into tote 1.".encode() in done.content
    assert done.redirect_chain[-1][0] == reverse("warehouse:pick_task", args=[cups.pk])
    # The cups are untracked: the SKU is enough.
    done = client.post(
        reverse("warehouse:pick_task", args=[cups.pk]),
        {"bin": "P-02", "item": floor.cups.sku.lower(), "quantity": "4"},
        follow=True,
    )
    assert b"You hold no batch" in done.content
    assert on_hand(tenant_a, floor.coffee, floor.staging, lot=floor.lot) == 6
    assert on_hand(tenant_a, floor.cups, floor.staging) == 4
    assert_ledger_clean(tenant_a)


@pytest.mark.parametrize(
    "data,message",
    [
        ({"bin": "P-02", "item": "COFFEE", "quantity": "6"}, b"Wrong bin: P-02 scanned; this pick is from P-01."),
        ({"bin": "NOPE", "item": "COFFEE", "quantity": "6"}, b"No active bin &#x27;NOPE&#x27;."),
        ({"bin": "P-01", "item": "CUPS", "quantity": "6"}, b"Wrong item: CUPS-"),
        ({"bin": "P-01", "item": "GTIN", "lot": "L-OTHER", "quantity": "6"}, b"Wrong lot: L-OTHER scanned; this pick is lot L-2030-06."),
        ({"bin": "P-01", "item": "GTIN", "lot": "L-2030-06", "quantity": "7"}, b"Pick between 0 and 6 each."),
    ],
)  # fmt: skip
def test_scans_that_do_not_match_the_task_are_refused(client, tenant_a, data, message):
    floor = Floor(tenant_a)
    task = _started(floor, floor.tasks(floor.released_wave())[0])
    data = dict(data)
    data["item"] = {"COFFEE": floor.coffee.sku, "CUPS": floor.cups.sku, "GTIN": floor.coffee_gtin}.get(data["item"], data["item"])  # fmt: skip
    client.force_login(floor.operator)
    response = client.post(reverse("warehouse:pick_task", args=[task.pk]), data)
    assert response.status_code == 422
    assert message in response.content, response.content.decode()[-3000:]
    assert _task(floor, task.pk).state == PickState.OPEN
    with tenant_context(tenant_a):
        assert not StockEntry.objects.filter(transaction__kind="pick").exists()


def test_short_pick_names_the_bin_that_covers_the_rest(client, tenant_a):
    floor = Floor(tenant_a, stock=6)
    receive(tenant_a, floor.coffee, floor.reserve, 10, lot=floor.lot)
    task = _started(floor, floor.tasks(floor.released_wave())[0])
    client.force_login(floor.operator)
    response = client.post(
        reverse("warehouse:pick_task", args=[task.pk]),
        {"bin": "P-01", "item": floor.coffee_gtin, "lot": "L-2030-06", "quantity": "4"},
        follow=True,
    )
    assert (
        f"Short pick: 4 of 6 each of {floor.coffee.sku} from P-01; 2 to pick from R-01. "
        "P-01 is flagged for a count."
    ).encode() in response.content
    assert b'class="message warning"' in response.content
    # The extra task comes after the others in the same batch and tote.
    with tenant_context(tenant_a):
        extra = PickTask.objects.filter(from_location__bin=floor.reserve).get()
    assert extra.state == PickState.OPEN and extra.quantity == 2 and extra.tote == task.tote
    assert_ledger_clean(tenant_a)


def test_empty_bin_is_a_short_pick_without_an_item_scan_and_backorders(client, tenant_a):
    floor = Floor(tenant_a, stock=6)
    task = _started(floor, floor.tasks(floor.released_wave())[0])
    client.force_login(floor.operator)
    response = client.post(
        reverse("warehouse:pick_task", args=[task.pk]),
        {"bin": "P-01", "item": "", "quantity": "0"},
        follow=True,
    )
    assert b"Short pick: 0 of 6 each" in response.content and b"6 backordered" in response.content
    with tenant_context(tenant_a):
        line = SalesOrderLine.objects.get(item=floor.coffee)
    assert line.unallocated_base == 6 and line.backordered_since is not None
    assert on_hand(tenant_a, floor.coffee, floor.p1, lot=floor.lot, status="quarantine") == 6
    assert_ledger_clean(tenant_a)


def test_a_double_submit_changes_nothing_and_says_so(client, tenant_a):
    floor = Floor(tenant_a)
    task = _started(floor, floor.tasks(floor.released_wave())[0])
    client.force_login(floor.operator)
    url = reverse("warehouse:pick_task", args=[task.pk])
    data = {"bin": "P-01", "item": floor.coffee_gtin, "lot": "L-2030-06", "quantity": "5"}
    first = client.post(url, data)
    assert first.status_code == 302
    with tenant_context(tenant_a):
        entries = StockEntry.objects.count()
        exceptions = task.exceptions.count()
    again = client.post(url, data, follow=True)
    assert f"Pick #{task.pk} was already confirmed: 5 of 6 each".encode() in again.content
    assert b'class="message info"' in again.content
    with tenant_context(tenant_a):
        assert StockEntry.objects.count() == entries and task.exceptions.count() == exceptions
    # Opening a finished task sends the picker on.
    assert client.get(url).url == reverse("warehouse:pick_next")
    assert_ledger_clean(tenant_a)


def test_each_picker_keeps_their_own_batch(client, tenant_a):
    floor = Floor(tenant_a)
    floor.released_order()
    wave = floor.wave(orders_per_batch=1)  # two orders, two batches
    with tenant_context(tenant_a):
        from warehouse.picking import waves

        waves.release_wave(tenant=tenant_a, user=floor.supervisor, wave=wave)
    other = member(tenant_a, Role.OPERATOR)
    first, second = sorted({t.batch_id for t in floor.tasks(wave)})
    client.force_login(floor.operator)
    client.post(reverse("warehouse:pick_start", args=[first]))
    mine = _task(floor, int(client.get(reverse("warehouse:pick_next")).url.split("/")[-2]))
    client.force_login(other)
    client.post(reverse("warehouse:pick_start", args=[second]))
    theirs = _task(floor, int(client.get(reverse("warehouse:pick_next")).url.split("/")[-2]))
    assert mine.batch_id != theirs.batch_id
    client.force_login(floor.operator)
    again = _task(floor, int(client.get(reverse("warehouse:pick_next")).url.split("/")[-2]))
    assert again.batch_id == mine.batch_id


def test_an_operator_takes_over_a_batch_someone_else_started(client, tenant_a):
    from django.urls import reverse

    from erp.roles import Role
    from tests.factories import member
    from tests.warehouse.outbound import Floor

    floor = Floor(tenant_a)
    wave = floor.released_wave()
    first, second = member(tenant_a, Role.OPERATOR), member(tenant_a, Role.OPERATOR)
    batch = floor.tasks(wave)[0].batch_id
    client.force_login(first)
    assert client.post(reverse("warehouse:pick_start", args=[batch])).status_code == 302
    client.force_login(second)
    page = client.get(reverse("warehouse:pick_next"))
    assert b"Batches others started" in page.content
    taken = client.post(reverse("warehouse:pick_take_over", args=[batch]), {"picker": first.pk})
    assert taken.status_code == 302
    assert client.get(reverse("warehouse:pick_next")).url.startswith("/scan/pick/")
    with tenant_context(tenant_a):
        assert PickBatch.objects.get(pk=batch).picker == second


def test_a_take_over_someone_else_made_first_is_reported(client, tenant_a):
    floor = Floor(tenant_a)
    batch = floor.tasks(floor.released_wave())[0].batch_id
    first, second, third = (member(tenant_a, Role.OPERATOR) for _ in range(3))
    client.force_login(first)
    client.post(reverse("warehouse:pick_start", args=[batch]))
    client.force_login(second)  # second takes it over from first...
    client.post(reverse("warehouse:pick_take_over", args=[batch]), {"picker": first.pk})
    client.force_login(third)  # ...while third, who also saw first holding it, tries too
    response = client.post(
        reverse("warehouse:pick_take_over", args=[batch]), {"picker": first.pk}, follow=True
    )
    assert f"was taken over by {second.get_short_name()}".encode() in response.content
    with tenant_context(tenant_a):
        assert PickBatch.objects.get(pk=batch).picker == second


def test_a_bin_scan_alone_asks_for_the_item_without_an_error(client, tenant_a):
    floor = Floor(tenant_a)
    task = _started(floor, floor.tasks(floor.released_wave())[0])
    client.force_login(floor.operator)
    # What a scanner's Enter after the bin sends: the bin, and the quantity already shown.
    response = client.post(
        reverse("warehouse:pick_task", args=[task.pk]), {"bin": "P-01", "quantity": "6"}
    )
    assert response.status_code == 200
    assert b"form-errors" not in response.content and b'class="error"' not in response.content
    assert b"P-01 is the right bin: scan the item." in response.content
    assert 'value="P-01"' in _input(response.content, "bin")
    assert "autofocus" not in _input(response.content, "bin")
    assert "autofocus" in _input(response.content, "item")
    assert _task(floor, task.pk).state == PickState.OPEN


def test_a_lot_tracked_item_scanned_without_its_lot_asks_for_the_lot(client, tenant_a):
    floor = Floor(tenant_a)
    task = _started(floor, floor.tasks(floor.released_wave())[0])
    client.force_login(floor.operator)
    response = client.post(
        reverse("warehouse:pick_task", args=[task.pk]),
        {"bin": "P-01", "item": floor.coffee_gtin, "lot": "", "quantity": "6"},
    )
    assert response.status_code == 200
    assert b"form-errors" not in response.content
    assert b"scan its GS1 label or type lot L-2030-06." in response.content
    assert "autofocus" in _input(response.content, "lot")
    assert f'value="{floor.coffee_gtin}"' in _input(response.content, "item")


def test_one_gs1_scan_with_aim_prefix_and_gs_picks_a_lot_tracked_item(client, tenant_a):
    floor = Floor(tenant_a)
    task = _started(floor, floor.tasks(floor.released_wave())[0])
    client.force_login(floor.operator)
    label = f"]C101{floor.coffee_gtin.zfill(14)}17300630" + "10L-2030-06\x1d3706"
    response = client.post(
        reverse("warehouse:pick_task", args=[task.pk]),
        {"bin": "]C0P-01", "item": label, "lot": "", "quantity": "6"},
        follow=True,
    )
    assert f"Picked 6 each of {floor.coffee.sku} from P-01".encode() in response.content
    assert on_hand(tenant_a, floor.coffee, floor.staging, lot=floor.lot) == 6


def test_a_refused_scan_clears_and_marks_only_its_field(client, tenant_a):
    floor = Floor(tenant_a)
    task = _started(floor, floor.tasks(floor.released_wave())[0])
    client.force_login(floor.operator)
    url = reverse("warehouse:pick_task", args=[task.pk])
    response = client.post(url, {"bin": "P-02", "item": "", "quantity": "6"})
    assert response.status_code == 422
    assert b"Wrong bin: P-02 scanned; this pick is from P-01." in response.content
    field = _input(response.content, "bin")
    assert 'aria-invalid="true"' in field and "autofocus" in field and "value=" not in field
    response = client.post(url, {"bin": "P-01", "item": floor.cups.sku, "quantity": "6"})
    assert response.status_code == 422
    field = _input(response.content, "item")
    assert 'aria-invalid="true"' in field and "autofocus" in field and "value=" not in field
    assert 'value="P-01"' in _input(response.content, "bin")
