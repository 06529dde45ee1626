"""A blind count may find a lot or serial the system has never seen: it is counted by the text
scanned (with the expiry a GS1 label carries), and inventory registers it only when a
supervisor approves the count, whose posting brings the found units in under it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import Lot, SerialNumber, StockBalance
from tests.factories import ItemFactory, SerialFactory
from tests.inventory.stock import receive
from tests.warehouse.counting import Shelf
from tests.warehouse.outbound import Floor
from warehouse.counting import services
from warehouse.counting.services import CountError
from warehouse.models import CountedLine, CountRound, CountSettings, CountStatus

pytestmark = pytest.mark.django_db


def _counted_round(floor):
    """Count of P-01 opened; the operator is at the bin. Tolerance wide enough that no
    recount is asked for: these tests are about registering what was found."""
    tenant = floor.tenant
    with tenant_context(tenant):
        CountSettings.objects.create(
            tenant=tenant, quantity_tolerance=Decimal(100000), value_tolerance=Decimal(10**9)
        )
        location = ledger.bin_location(tenant=tenant, bin=floor.p1)
        count = services.open_count(
            tenant=tenant, user=floor.supervisor, location=location, reason="cycle"
        )
        round = CountRound.objects.get(count=count)
        services.scan_bin(tenant=tenant, user=floor.operator, round=round, location=location)
        return round, location


def _scan_new_lot(client, floor, round):
    url = reverse("warehouse:count_round", args=[round.pk])
    client.force_login(floor.operator)
    # GS1: item (01), expiry 31 Dec 2031 (17), lot NEW-7 (10); 6 keyed.
    scan = f"(01){floor.coffee_gtin.zfill(14)}(17)311231(10)NEW-7"
    found = client.post(url, {"action": "line", "item": scan, "quantity": "6"})
    assert found.status_code == 302
    assert client.post(url, {"action": "finish"}).status_code == 302


def test_an_unknown_lot_found_and_approved_is_registered_with_its_expiry(client, tenant_a):
    floor = Floor(tenant_a, stock=5)
    round, location = _counted_round(floor)
    _scan_new_lot(client, floor, round)
    with tenant_context(tenant_a):
        line = CountedLine.objects.get(round=round)
        assert (line.lot_id, line.lot_code, line.lot_expiry) == (
            None, "NEW-7", datetime.date(2031, 12, 31),
        )  # fmt: skip
        # Counted, not registered: nothing exists until a supervisor approves.
        assert not Lot.objects.filter(item=floor.coffee, code="NEW-7").exists()
        count = round.count
        count.refresh_from_db()
        assert count.status == CountStatus.COUNTED
        services.approve(tenant=tenant_a, user=floor.supervisor, count=count)
        lot = Lot.objects.get(item=floor.coffee, code="NEW-7")
        balances = {
            (b.lot.code, b.status): b.on_hand
            for b in StockBalance.objects.filter(location=location, item=floor.coffee)
            .select_related("lot")
            .exclude(on_hand=0)
        }
        problems = ledger.verify(tenant_a.pk)
    assert lot.expiry_date == datetime.date(2031, 12, 31)
    # The 5 booked under the old lot were not found; the 6 found are in under NEW-7.
    assert balances == {("NEW-7", "available"): Decimal(6)}
    assert problems == []


def test_a_rejected_count_registers_no_lot(client, tenant_a):
    floor = Floor(tenant_a, stock=5)
    round, _location = _counted_round(floor)
    _scan_new_lot(client, floor, round)
    with tenant_context(tenant_a):
        count = round.count
        count.refresh_from_db()
        services.reject(tenant=tenant_a, user=floor.supervisor, count=count)
        assert not Lot.objects.filter(item=floor.coffee, code="NEW-7").exists()


def test_an_unknown_serial_found_and_approved_comes_in_under_it(tenant_a):
    shelf = Shelf(tenant_a, stock=0)
    with tenant_context(tenant_a):
        # One unit found where none was booked: within this tolerance, so no recount.
        CountSettings.objects.create(
            tenant=tenant_a, quantity_tolerance=Decimal(1), value_tolerance=Decimal(10**9)
        )
        drill = ItemFactory(tenant=tenant_a, sku="DRILL", tracking="serial", divisible=False)
    count = shelf.open()
    round = shelf.round(count)
    with tenant_context(tenant_a):
        services.scan_bin(tenant=tenant_a, user=shelf.counter, round=round, location=shelf.location)
        services.record_line(
            tenant=tenant_a, user=shelf.counter, round=round, item=drill, quantity=Decimal(1),
            serial_code="SN-NEW-1",
        )  # fmt: skip
        services.finish_round(tenant=tenant_a, user=shelf.counter, round=round)
        count.refresh_from_db()
        assert count.status == CountStatus.COUNTED
        assert not SerialNumber.objects.filter(item=drill, serial="SN-NEW-1").exists()
        services.approve(tenant=tenant_a, user=shelf.supervisor, count=count)
        serial = SerialNumber.objects.get(item=drill, serial="SN-NEW-1")
        on_hand = StockBalance.objects.get(location=shelf.location, serial=serial).on_hand
    assert on_hand == Decimal(1)
    assert shelf.clean() == []


def test_a_serial_on_hand_in_another_bin_is_refused(tenant_a):
    shelf = Shelf(tenant_a, stock=0)
    with tenant_context(tenant_a):
        serial = SerialFactory(
            item=ItemFactory(tenant=tenant_a, tracking="serial", divisible=False),
            serial="SN-ELSEWHERE",
        )
    receive(tenant_a, serial.item, shelf.other_bin, 1, serial=serial)
    count = shelf.open()
    round = shelf.round(count)
    with tenant_context(tenant_a):
        services.scan_bin(tenant=tenant_a, user=shelf.counter, round=round, location=shelf.location)
        with pytest.raises(CountError) as refused:
            services.record_line(
                tenant=tenant_a, user=shelf.counter, round=round, item=serial.item,
                quantity=Decimal(1), serial_code="SN-ELSEWHERE",
            )  # fmt: skip
        assert not CountedLine.objects.filter(round=round).exists()
    assert str(refused.value) == (
        f"Serial SN-ELSEWHERE of {serial.item.sku} is on hand in S-02; "
        "a serial is one unit: move it from there first."
    )


def _key(client, floor, round, **fields):
    """The operator scans the plain GTIN (no GS1 lot or expiry) and keys the rest."""
    client.force_login(floor.operator)
    return client.post(
        reverse("warehouse:count_round", args=[round.pk]),
        {"action": "line", "item": floor.coffee_gtin, **fields},
    )


def test_a_new_lot_keyed_by_hand_takes_the_keyed_expiry_on_approval(client, tenant_a):
    floor = Floor(tenant_a, stock=5)
    round, _location = _counted_round(floor)
    response = _key(client, floor, round, lot="HAND-1", expiry="2032-03-31", quantity="4")
    assert response.status_code == 302
    assert client.post(response.url, {"action": "finish"}).status_code == 302
    with tenant_context(tenant_a):
        line = CountedLine.objects.get(round=round)
        assert (line.lot_code, line.lot_expiry) == ("HAND-1", datetime.date(2032, 3, 31))
        count = round.count
        count.refresh_from_db()
        services.approve(tenant=tenant_a, user=floor.supervisor, count=count)
        lot = Lot.objects.get(item=floor.coffee, code="HAND-1")
    assert lot.expiry_date == datetime.date(2032, 3, 31)


@pytest.mark.parametrize(
    "expiry, error",
    [
        ("31/31/2031", "Enter the expiry as a date, e.g. 2031-12-31."),
        ("soon", "Enter the expiry as a date, e.g. 2031-12-31."),
        ("2032-02-30", "Enter the expiry as a date, e.g. 2031-12-31."),
        ("3032-03-31", "Enter an expiry between 2000 and 2099."),
        ("1999-12-31", "Enter an expiry between 2000 and 2099."),
    ],
)
def test_a_junk_expiry_is_refused_and_nothing_is_counted(client, tenant_a, expiry, error):
    floor = Floor(tenant_a, stock=5)
    round, _location = _counted_round(floor)
    response = _key(client, floor, round, lot="HAND-1", expiry=expiry, quantity="4")
    assert response.status_code == 422 and error in response.content.decode()
    with tenant_context(tenant_a):
        assert not CountedLine.objects.filter(round=round).exists()


def test_an_item_needing_an_expiry_asks_for_one_for_a_new_lot_only(client, tenant_a):
    floor = Floor(tenant_a, stock=5)
    round, _location = _counted_round(floor)
    with tenant_context(tenant_a):
        floor.coffee.expiry_required = True
        floor.coffee.save(update_fields=["expiry_required"])
    asked = _key(client, floor, round, lot="HAND-2", quantity="4")
    page = asked.content.decode()
    assert asked.status_code == 200
    assert f"Lot HAND-2 of {floor.coffee.sku} is new: key its expiry date." in page
    # The cursor waits in the expiry field, the lot and quantity kept.
    assert 'name="expiry"' in page and 'value="HAND-2"' in page
    assert _key(client, floor, round, lot="HAND-2", quantity="4", expiry="2031-01-31").status_code == 302  # fmt: skip
    # The lot on file (L-2030-06) has its expiry: nothing to ask.
    assert _key(client, floor, round, lot="L-2030-06", quantity="1").status_code == 302
    with tenant_context(tenant_a):
        lines = {
            (line.lot.code if line.lot else line.lot_code, line.lot_expiry)
            for line in CountedLine.objects.filter(round=round).select_related("lot")
        }
    assert lines == {("HAND-2", datetime.date(2031, 1, 31)), ("L-2030-06", None)}
