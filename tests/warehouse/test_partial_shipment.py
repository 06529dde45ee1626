"""An order shipped in part is partially shipped until the rest leaves too; its status moves
only through orders' state machine, with the floor's people and shipments in its history."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.tenancy import tenant_context
from orders.models import OrderStatus, SalesOrder, SalesOrderLine
from orders.services import allocation, sales_orders
from tests.inventory.stock import assert_ledger_clean, receive
from tests.warehouse.outbound import Floor
from warehouse.models import PickState, PickTask, WaveStatus
from warehouse.packing import services as packing
from warehouse.picking import services as picking
from warehouse.picking import waves
from warehouse.shipping import services as shipping

pytestmark = pytest.mark.django_db


def _status(tenant, order) -> str:
    with tenant_context(tenant):
        return SalesOrder.objects.get(pk=order.pk).status


def _pick_pack_ship(floor: Floor, order) -> None:
    """Wave the released order, pick every task in full, pack each item, ship it all."""
    tenant, operator = floor.tenant, floor.operator
    wave = floor.released_wave(order)
    with tenant_context(tenant):
        assert SalesOrder.objects.get(pk=order.pk).status == OrderStatus.PICKING
        for task in PickTask.objects.filter(batch__wave=wave, state=PickState.OPEN):
            picking.confirm_pick(tenant=tenant, user=operator, task=task, quantity=task.quantity)
        cartons = []
        for line in SalesOrderLine.objects.filter(order=order, picked_base__gt=0):
            carton = packing.pack(
                tenant=tenant, user=operator, order=order, item=line.item,
                quantity=line.picked_base, lot=floor.lot if line.item == floor.coffee else None,
            )  # fmt: skip
            cartons.append(
                packing.close_carton(
                    tenant=tenant, user=operator, carton=carton, weight_kg=Decimal(1)
                )
            )
        packing.finish_packing(tenant=tenant, user=operator, order=order)
        assert SalesOrder.objects.get(pk=order.pk).status == OrderStatus.PACKED
        shipment = shipping.create_shipment(
            tenant=tenant, user=operator, order=order, cartons=cartons
        )
        shipping.confirm_shipment(tenant=tenant, user=operator, shipment=shipment)
        # Every order of the wave has left the floor: the wave is done, and an order shipped
        # in part can go into a new wave once its backorder is allocated.
        wave.refresh_from_db()
        assert wave.status == WaveStatus.DONE
        assert wave.history.latest().history_user == operator


def test_shipping_part_of_an_order_leaves_it_partially_shipped_then_shipped(tenant_a):
    floor = Floor(tenant_a)
    # 50 cups in stock: 10 of the 60 ordered are backordered.
    order = floor.released_order([(floor.coffee, 6), (floor.cups, 60)])
    assert order.status == OrderStatus.RELEASED
    _pick_pack_ship(floor, order)
    assert _status(tenant_a, order) == OrderStatus.PARTIALLY_SHIPPED
    with tenant_context(tenant_a):
        record = SalesOrder.objects.get(pk=order.pk).history.latest()
        cups = SalesOrderLine.objects.get(order=order, item=floor.cups)
    assert record.history_user == floor.operator
    assert record.history_change_reason.startswith("Shipment confirmed: SH-")
    assert cups.shipped_base == 50 and cups.unallocated_base == 10

    receive(tenant_a, floor.cups, floor.p2, 10)
    with tenant_context(tenant_a):
        allocation.allocate(tenant=tenant_a, user=floor.supervisor, orders=[order])
        assert SalesOrder.objects.get(pk=order.pk).status == OrderStatus.ALLOCATED
        sales_orders.release(tenant=tenant_a, user=floor.supervisor, order=order)
    _pick_pack_ship(floor, order)
    assert _status(tenant_a, order) == OrderStatus.SHIPPED
    with tenant_context(tenant_a):
        sales_orders.close(tenant=tenant_a, user=floor.supervisor, order=order)
    assert _status(tenant_a, order) == OrderStatus.CLOSED
    assert_ledger_clean(tenant_a)


def test_closing_a_partially_shipped_order_cancels_its_backorder(tenant_a):
    floor = Floor(tenant_a)
    order = floor.released_order([(floor.cups, 60)])
    _pick_pack_ship(floor, order)
    with tenant_context(tenant_a):
        sales_orders.close(tenant=tenant_a, user=floor.supervisor, order=order)
        line = SalesOrderLine.objects.get(order=order)
    assert _status(tenant_a, order) == OrderStatus.CLOSED
    assert line.shipped_base == 50 and line.cancelled_base == 10


def test_a_wave_taking_an_order_records_it_as_picking_through_orders(tenant_a):
    floor = Floor(tenant_a)
    order = floor.released_order()
    with tenant_context(tenant_a):
        wave = waves.create_wave(tenant=tenant_a, user=floor.supervisor, site=floor.site)
        waves.release_wave(tenant=tenant_a, user=floor.supervisor, wave=wave)
        record = SalesOrder.objects.get(pk=order.pk).history.latest()
    assert record.status == OrderStatus.PICKING
    assert record.history_user == floor.supervisor
    assert record.history_change_reason == "Wave released for picking"
