"""The packing station: choose a picked order, scan items into cartons, close each with its
weight (it gets an SSCC and a label), finish packing with differences flagged; and the
supervisor's packing queue."""

from __future__ import annotations

import biip
import pytest
from django.urls import reverse

from erp.tenancy import tenant_context
from tests.inventory.stock import assert_ledger_clean
from tests.warehouse.outbound import PREFIX, Floor
from warehouse.models import Carton, CartonLine, FloorException

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor(tenant_a):
    return Floor(tenant_a)


def _cartons(floor, order):
    with tenant_context(floor.tenant):
        return list(Carton.objects.filter(order=order).order_by("pk"))


def test_operator_packs_two_cartons_closes_them_and_finishes(client, floor):
    order = floor.picked_order()
    client.force_login(floor.operator)
    queue = client.get(reverse("warehouse:pack_find"))
    assert order.number.encode() in queue.content and b"10 units picked" in queue.content
    found = client.post(reverse("warehouse:pack_find"), {"order": order.number.lower()})
    url = reverse("warehouse:pack_order", args=[order.pk])
    assert found.status_code == 302 and found.url == url
    # A GS1 label with a count packs that many; the only picked lot needs no scan.
    packed = client.post(
        url, {"item": f"(01){floor.coffee_gtin}(37)6", "carton": "new"}, follow=True
    )
    assert f"Packed 6 each of {floor.coffee.sku} into carton 1.".encode() in packed.content
    (first,) = _cartons(floor, order)
    with tenant_context(floor.tenant):
        line = CartonLine.objects.get(carton=first)
    assert line.lot_id == floor.lot.pk and line.quantity == 6
    closed = client.post(
        reverse("warehouse:carton_close", args=[order.pk, first.pk]),
        {f"carton{first.pk}-weight_kg": "6.5", f"carton{first.pk}-length_cm": "40",
         f"carton{first.pk}-width_cm": "30", f"carton{first.pk}-height_cm": "20"},
        follow=True,
    )  # fmt: skip
    first = _cartons(floor, order)[0]
    assert first.closed and biip.parse(first.sscc).sscc is not None
    assert first.sscc.startswith("3" + PREFIX)
    assert f"Carton closed with SSCC {first.sscc}".encode() in closed.content
    label = reverse("warehouse:carton_label", args=[first.pk])
    assert label.encode() in closed.content
    assert f"(00) 3 {PREFIX} ".encode() in closed.content
    # Cups one at a time into a second carton: the new carton starts with the first scan.
    client.post(url, {"item": floor.cups_gtin, "quantity": "3", "carton": "new"})
    second = _cartons(floor, order)[1]
    client.post(url, {"item": floor.cups.sku, "carton": str(second.pk)})  # one
    with tenant_context(floor.tenant):
        assert sum(line.quantity for line in second.lines.all()) == 4
    client.post(
        reverse("warehouse:carton_close", args=[order.pk, second.pk]),
        {f"carton{second.pk}-weight_kg": "0.9"},
    )
    finished = client.post(reverse("warehouse:pack_finish", args=[order.pk]), follow=True)
    assert finished.redirect_chain[-1][0] == reverse("warehouse:ship_order", args=[order.pk])
    assert f"{order.number} packed; ready to ship.".encode() in finished.content
    with tenant_context(floor.tenant):
        order.refresh_from_db()
        assert not FloorException.objects.exists()
    assert order.status == "packed"
    assert_ledger_clean(floor.tenant)


def test_packing_errors_answer_422_and_pack_nothing(client, floor):
    order = floor.picked_order()
    client.force_login(floor.operator)
    url = reverse("warehouse:pack_order", args=[order.pk])
    too_many = client.post(url, {"item": floor.cups.sku, "quantity": "5", "carton": "new"})
    assert too_many.status_code == 422
    assert (
        b"Only 4 each of" in too_many.content
        and b"are picked and not yet packed" in too_many.content
    )
    wrong_lot = client.post(url, {"item": floor.coffee.sku, "lot": "NOPE", "quantity": "1", "carton": "new"})  # fmt: skip
    assert wrong_lot.status_code == 422 and b"lot NOPE is not picked" in wrong_lot.content
    unknown = client.post(url, {"item": "00000000000000", "carton": "new"})
    assert unknown.status_code == 422 and b"No item has GTIN" in unknown.content
    assert _cartons(floor, order) == []
    client.post(url, {"item": floor.cups.sku, "quantity": "4", "carton": "new"})
    (carton,) = _cartons(floor, order)
    half_size = client.post(
        reverse("warehouse:carton_close", args=[order.pk, carton.pk]),
        {f"carton{carton.pk}-weight_kg": "1", f"carton{carton.pk}-length_cm": "10"},
    )
    assert (
        half_size.status_code == 422 and b"Give all three dimensions, or none." in half_size.content
    )
    no_weight = client.post(reverse("warehouse:carton_close", args=[order.pk, carton.pk]), {})
    assert no_weight.status_code == 422 and b"This field is required." in no_weight.content
    unfinished = client.post(reverse("warehouse:pack_finish", args=[order.pk]), follow=True)
    assert b"Close every carton (weight and size) before finishing." in unfinished.content
    assert not _cartons(floor, order)[0].closed


def test_finishing_with_units_left_out_flags_a_difference(client, floor):
    order = floor.picked_order()
    client.force_login(floor.operator)
    url = reverse("warehouse:pack_order", args=[order.pk])
    client.post(url, {"item": floor.coffee.sku, "quantity": "6", "carton": "new"})
    client.post(url, {"item": floor.cups.sku, "quantity": "3", "carton": str(_cartons(floor, order)[0].pk)})  # fmt: skip
    page = client.get(url)
    assert b"Picked and packed differ" in page.content
    (carton,) = _cartons(floor, order)
    client.post(
        reverse("warehouse:carton_close", args=[order.pk, carton.pk]),
        {f"carton{carton.pk}-weight_kg": "7"},
    )
    finished = client.post(reverse("warehouse:pack_finish", args=[order.pk]), follow=True)
    assert b"packed with differences, flagged for the supervisor" in finished.content
    assert b"picked 4, packed 3" in finished.content
    with tenant_context(floor.tenant):
        flagged = FloorException.objects.get()
    assert flagged.kind == "pack_mismatch" and flagged.expected == 4 and flagged.found == 3


def test_an_order_is_found_by_a_cartons_sscc(client, floor):
    order = floor.packed_order()
    client.force_login(floor.operator)
    sscc = order.cartons[0].sscc
    for scan in (sscc, f"(00){sscc}", f"00{sscc}"):
        found = client.post(reverse("warehouse:ship_find"), {"order": scan})
        assert found.url == reverse("warehouse:ship_order", args=[order.pk]), scan
    missing = client.post(reverse("warehouse:pack_find"), {"order": "SO-NOPE"})
    assert missing.status_code == 422 and b"No order on the floor matches" in missing.content


def test_packing_queue_lists_picked_orders_and_refreshes(client, floor):
    picked = floor.picked_order()
    waiting = floor.released_order()
    floor.released_wave(waiting)
    client.force_login(floor.supervisor)
    page = client.get(reverse("warehouse:packing_queue"))
    assert b'hx-trigger="every 15s"' in page.content
    part = client.get(reverse("warehouse:packing_queue"), headers={"HX-Request": "true"})
    assert part.templates[0].name == "warehouse/outbound/_packing_queue.html"
    assert [o.number for o in part.context["ready"]] == [picked.number]
    assert [o.number for o in part.context["picking"]] == [waiting.number]
    assert part.context["ready"][0].picked == 10 and part.context["ready"][0].carton_count == 0


def test_a_scan_naming_no_item_is_cleared_and_focused_and_identifiers_are_understood(client, floor):
    import re

    order = floor.picked_order()
    client.force_login(floor.operator)
    url = reverse("warehouse:pack_order", args=[order.pk])
    refused = client.post(url, {"item": "]E09501101999992", "quantity": "1", "carton": "new"})
    assert refused.status_code == 422 and b"No item has GTIN 09501101999992." in refused.content
    field = re.search(r'<input[^>]*name="item"[^>]*>', refused.content.decode())[0]
    assert 'aria-invalid="true"' in field and "autofocus" in field and "value=" not in field
    assert not _cartons(floor, order)
    # An EAN-13 read with its ]E0 identifier packs one of the cups.
    packed = client.post(url, {"item": "]E0" + floor.cups_gtin[1:], "carton": "new"}, follow=True)
    assert f"Packed 1 each of {floor.cups.sku} into carton 1.".encode() in packed.content
    # The order number on a Code 128 label read with its identifier opens the order.
    found = client.post(reverse("warehouse:pack_find"), {"order": "]C0" + order.number})
    assert found.status_code == 302 and found.url == url
