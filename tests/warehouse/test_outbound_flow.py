"""Outbound end to end in services: wave, batch pick with a short pick, two cartons with
SSCCs, shipment with cost of goods; the ledger and the order lines agree after each step."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from erp.errors import InvalidTransition
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import StockEntry
from orders.models import SalesOrderLine
from orders.services import allocation, sales_orders
from tests.factories import (
    BinFactory,
    CustomerFactory,
    ItemFactory,
    ZoneFactory,
    bin_in,
    confirmed_order,
    member,
)
from tests.inventory.stock import assert_ledger_clean, on_hand, receive
from warehouse.errors import WarehouseError as ReceivingError
from warehouse.models import CountRequest, FloorException, PickState, PickTask, ShippingSettings
from warehouse.packing import services as packing
from warehouse.picking import services as picking
from warehouse.picking import waves
from warehouse.shipping import services as shipping

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor(tenant_a):
    p1 = bin_in(tenant_a, bin_type="pick_face", code="P-01", walk_sequence=20)
    site = p1.site
    p2 = bin_in(tenant_a, site=site, bin_type="pick_face", code="P-02", walk_sequence=10)
    reserve = bin_in(tenant_a, site=site, bin_type="reserve", code="R-01", walk_sequence=90)
    pack_zone = ZoneFactory(site=site, code="PAK", zone_type="packing")
    staging = BinFactory(zone=pack_zone, code="PACK-1", bin_type="staging")
    with tenant_context(tenant_a):
        ShippingSettings.objects.create(
            tenant=tenant_a, gs1_company_prefix="0614141", extension_digit=3, next_serial=123456
        )
    return site, p1, p2, reserve, staging


@pytest.mark.parametrize(
    "extension,prefix,serial,expected",
    [
        # Published examples (biip's documentation, GS1 Denmark and GS1 Switzerland prefixes).
        (1, "5703538", 141037517, "157035381410375177"),
        (3, "7613032", 110910342, "376130321109103420"),
        # A 10-digit prefix leaves 6 digits of serial reference, zero-padded.
        (9, "1234567890", 42, "912345678900000428"),
    ],
)
def test_sscc_check_digits_match_known_examples(extension, prefix, serial, expected):
    import biip

    code = packing.sscc(extension=extension, company_prefix=prefix, serial=serial)
    assert code == expected and len(code) == 18
    assert biip.parse(code).sscc is not None  # biip agrees the check digit is right


def test_sscc_serials_run_out_with_a_clear_error():
    with pytest.raises(ReceivingError, match="used up"):
        packing.sscc(extension=0, company_prefix="1234567890", serial=10**6)


def test_wave_pick_short_pack_and_ship(tenant_a, floor):
    site, p1, p2, reserve, staging = floor
    supervisor, operator = member(tenant_a, Role.SUPERVISOR), member(tenant_a, Role.OPERATOR)
    beans = ItemFactory(tenant=tenant_a, sku="BEANS", costing_method="fifo")
    cups = ItemFactory(tenant=tenant_a, sku="CUPS", costing_method="average")
    receive(tenant_a, beans, p1, 6, unit_cost="2.00")
    receive(tenant_a, beans, reserve, 10, unit_cost="3.00")
    receive(tenant_a, cups, p2, 20, unit_cost="0.50")
    order = confirmed_order(
        CustomerFactory(tenant=tenant_a, carrier="UPS"), site, [(beans, 10), (cups, 4)]
    )
    with tenant_context(tenant_a):
        allocation.allocate(tenant=tenant_a, user=supervisor)
        sales_orders.release(tenant=tenant_a, user=supervisor, order=order)
        wave = waves.create_wave(tenant=tenant_a, user=supervisor, site=site, carrier="UPS")
        batches = waves.release_wave(tenant=tenant_a, user=supervisor, wave=wave)
        tasks = list(
            PickTask.objects.filter(batch__in=batches)
            .select_related("from_location")
            .order_by("sequence")
        )
    # Walk order: P-02 (10), P-01 (20), R-01 (90).
    assert [t.from_location.code for t in tasks] == ["P-02", "P-01", "R-01"]
    assert [t.quantity for t in tasks] == [4, 6, 4]
    with tenant_context(tenant_a):
        picking.confirm_pick(tenant=tenant_a, user=operator, task=tasks[0], quantity=Decimal(4))
        # P-01 holds only 5 of the 6 the system says: a short pick.
        picking.confirm_pick(tenant=tenant_a, user=operator, task=tasks[1], quantity=Decimal(5))
        extra = (
            PickTask.objects.filter(state=PickState.OPEN)
            .exclude(pk=tasks[2].pk)
            .select_related("from_location")
            .get()
        )
        assert extra.from_location.code == "R-01" and extra.quantity == 1
        picking.confirm_pick(tenant=tenant_a, user=operator, task=tasks[2], quantity=Decimal(4))
        picking.confirm_pick(tenant=tenant_a, user=operator, task=extra, quantity=Decimal(1))
        exception = FloorException.objects.get()
        assert exception.kind == "short_pick" and "1 to pick from R-01" in exception.outcome
        assert CountRequest.objects.get().location.code == "P-01"
        with pytest.raises(InvalidTransition):
            picking.confirm_pick(tenant=tenant_a, user=operator, task=tasks[0], quantity=Decimal(4))
    assert on_hand(tenant_a, beans, p1, status="quarantine") == 1  # held until counted
    assert on_hand(tenant_a, beans, staging) == 10 and on_hand(tenant_a, cups, staging) == 4

    with tenant_context(tenant_a):
        first = packing.pack(
            tenant=tenant_a, user=operator, order=order, item=beans, quantity=Decimal(10)
        )
        second = packing.pack(
            tenant=tenant_a, user=operator, order=order, item=cups, quantity=Decimal(4)
        )
        with pytest.raises(
            ReceivingError, match="Only 0 each of CUPS are picked and not yet packed"
        ):
            packing.pack(
                tenant=tenant_a, user=operator, order=order, item=cups, quantity=Decimal(1)
            )
        first = packing.close_carton(
            tenant=tenant_a, user=operator, carton=first, weight_kg=Decimal("11.2")
        )
        second = packing.close_carton(
            tenant=tenant_a, user=operator, carton=second, weight_kg=Decimal("1.1")
        )
        assert first.sscc == packing.sscc(extension=3, company_prefix="0614141", serial=123456)
        assert second.sscc == packing.sscc(extension=3, company_prefix="0614141", serial=123457)
        assert packing.finish_packing(tenant=tenant_a, user=operator, order=order) == []
        shipment = shipping.create_shipment(
            tenant=tenant_a,
            user=operator,
            order=order,
            cartons=[first, second],
            tracking_number="1Z999",
        )
        shipping.confirm_shipment(tenant=tenant_a, user=operator, shipment=shipment)
        shipment.refresh_from_db()
        cogs = {
            e.item.sku: -e.value
            for e in StockEntry.objects.filter(
                transaction=shipment.transaction, quantity__lt=0
            ).select_related("item")
        }
        lines = {
            line.item.sku: line for line in SalesOrderLine.objects.select_related("item", "order")
        }
    # FIFO beans: 6 at 2.00 (one of them now on hold, so 5 left P-01 picked... value follows the
    # site's layers: oldest first) -> 6 x 2.00 + 4 x 3.00 = 24.00; cups at the 0.50 average.
    assert cogs == {"BEANS": Decimal("24.0000"), "CUPS": Decimal("2.0000")}
    assert lines["BEANS"].shipped_base == 10 and lines["CUPS"].shipped_base == 4
    assert lines["BEANS"].order.status == "shipped"
    assert shipment.on_time is True and shipment.status == "shipped"
    assert on_hand(tenant_a, beans, staging) == 0
    assert_ledger_clean(tenant_a)


def test_short_pick_with_no_other_stock_backorders(tenant_a, floor):
    site, p1, _, _, _ = floor
    supervisor, operator = member(tenant_a, Role.SUPERVISOR), member(tenant_a, Role.OPERATOR)
    item = ItemFactory(tenant=tenant_a)
    receive(tenant_a, item, p1, 5)
    order = confirmed_order(
        CustomerFactory(tenant=tenant_a), site, [(item, 5)], promised=datetime.date.today()
    )
    with tenant_context(tenant_a):
        allocation.allocate(tenant=tenant_a, user=supervisor)
        sales_orders.release(tenant=tenant_a, user=supervisor, order=order)
        wave = waves.create_wave(tenant=tenant_a, user=supervisor, site=site)
        (batch,) = waves.release_wave(tenant=tenant_a, user=supervisor, wave=wave)
        task = batch.tasks.get()
        picking.confirm_pick(tenant=tenant_a, user=operator, task=task, quantity=Decimal(3))
        line = SalesOrderLine.objects.get()
        exception = FloorException.objects.get()
    assert line.picked_base == 3 and line.allocated_base == 0 and line.unallocated_base == 2
    assert line.backordered_since is not None
    assert "2 backordered" in exception.outcome
    assert_ledger_clean(tenant_a)


def test_a_short_picks_rest_comes_from_another_bin_never_the_one_that_came_up_short(
    tenant_a, floor
):
    """The system says P-01 holds 10; the picker finds 2 of the 6 asked. What the bin is said
    to hold beyond that is in doubt until counted, so the rest comes from reserve."""
    site, p1, _, reserve, _ = floor
    supervisor, operator = member(tenant_a, Role.SUPERVISOR), member(tenant_a, Role.OPERATOR)
    item = ItemFactory(tenant=tenant_a)
    receive(tenant_a, item, p1, 10)
    receive(tenant_a, item, reserve, 10)
    order = confirmed_order(
        CustomerFactory(tenant=tenant_a), site, [(item, 6)], promised=datetime.date.today()
    )
    with tenant_context(tenant_a):
        allocation.allocate(tenant=tenant_a, user=supervisor)
        sales_orders.release(tenant=tenant_a, user=supervisor, order=order)
        wave = waves.create_wave(tenant=tenant_a, user=supervisor, site=site)
        (batch,) = waves.release_wave(tenant=tenant_a, user=supervisor, wave=wave)
        task = batch.tasks.get()
        assert task.from_location.code == "P-01"
        picking.confirm_pick(tenant=tenant_a, user=operator, task=task, quantity=Decimal(2))
        rest = list(
            PickTask.objects.filter(state=PickState.OPEN).values_list(
                "from_location__code", "quantity"
            )
        )
        exception = FloorException.objects.get()
    assert rest == [("R-01", 4)]
    assert "4 to pick from R-01" in exception.outcome
    assert on_hand(tenant_a, item, p1, status="quarantine") == 8  # held until P-01 is counted
    assert on_hand(tenant_a, item, p1) == 0
    assert_ledger_clean(tenant_a)
