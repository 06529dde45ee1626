"""A wave is done when the last of its orders leaves the floor, not before."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.tenancy import tenant_context
from tests.warehouse.outbound import Floor
from warehouse.models import Carton, PickState, Wave, WaveStatus
from warehouse.packing import services as packing
from warehouse.picking import services as picking
from warehouse.shipping import services as shipping

pytestmark = pytest.mark.django_db


def _ship(floor: Floor, order) -> None:
    tenant, operator = floor.tenant, floor.operator
    with tenant_context(tenant):
        for task in order_tasks(floor, order):
            picking.confirm_pick(tenant=tenant, user=operator, task=task, quantity=task.quantity)
        carton = None
        for task in order_tasks(floor, order, state=PickState.DONE):
            carton = packing.pack(
                tenant=tenant, user=operator, order=order, item=task.item,
                quantity=task.quantity, carton=carton, lot=task.lot,
            )  # fmt: skip
        packing.close_carton(tenant=tenant, user=operator, carton=carton, weight_kg=Decimal(2))
        packing.finish_packing(tenant=tenant, user=operator, order=order)
        shipment = shipping.create_shipment(
            tenant=tenant,
            user=operator,
            order=order,
            cartons=list(Carton.objects.filter(order=order)),
        )
        shipping.confirm_shipment(tenant=tenant, user=operator, shipment=shipment)


def order_tasks(floor: Floor, order, state=PickState.OPEN):
    from warehouse.models import PickTask

    return list(PickTask.objects.filter(order=order, state=state).select_related("item", "lot"))


def test_the_wave_stays_released_until_its_last_order_ships(tenant_a):
    floor = Floor(tenant_a)
    first = floor.released_order([(floor.cups, 4)])
    second = floor.released_order([(floor.cups, 3)])
    wave = floor.released_wave(first)
    with tenant_context(tenant_a):
        assert wave.wave_orders.count() == 2
    _ship(floor, first)
    with tenant_context(tenant_a):
        assert Wave.objects.get(pk=wave.pk).status == WaveStatus.RELEASED
    _ship(floor, second)
    with tenant_context(tenant_a):
        done = Wave.objects.get(pk=wave.pk)
        assert done.status == WaveStatus.DONE
        assert done.history.latest().history_change_reason == (
            f"finish: every order shipped ({second.number} last)"
        )
