"""Packing takes whole units of an indivisible item, and a carton can be unpacked until its
shipment is confirmed (issue 10: half an each packed made a carton no shipment could confirm,
labelled with an SSCC and impossible to unpack)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.errors import DomainError, InvalidTransition
from erp.tenancy import tenant_context
from tests.factories import member
from tests.inventory.stock import assert_ledger_clean, on_hand
from tests.warehouse.outbound import Floor
from warehouse.models import Carton, CartonLine, Shipment
from warehouse.packing import services as packing
from warehouse.shipping import services as shipping

pytestmark = pytest.mark.django_db


def test_half_of_an_indivisible_unit_is_refused_by_the_scanner_and_the_service(tenant_a, client):
    floor = Floor(tenant_a)
    order = floor.picked_order()
    with tenant_context(tenant_a), pytest.raises(DomainError, match="cannot be split"):
        packing.pack(
            tenant=tenant_a, user=floor.operator, order=order, item=floor.cups,
            quantity=Decimal("0.5"),
        )  # fmt: skip
    client.force_login(floor.operator)
    url = reverse("warehouse:pack_order", args=[order.pk])
    key = client.get(url).context["form"].initial.get("key", "")
    refused = client.post(
        url, {"item": floor.cups_gtin, "quantity": "0.5", "carton": "new", "key": key}
    )
    assert refused.status_code == 422
    text = refused.content.decode()
    assert "0.5 each of CUPS-" in text and "cannot be split" in text
    with tenant_context(tenant_a):
        assert not CartonLine.objects.exists()


def test_a_closed_carton_in_an_open_shipment_is_unpacked_and_packed_again(tenant_a, client):
    floor = Floor(tenant_a)
    shipment = floor.shipment()
    order = shipment.order
    coffee, cups = shipment.order.cartons
    client.force_login(floor.operator)
    page = client.get(reverse("warehouse:pack_order", args=[order.pk])).content.decode()
    assert "Unpack carton 2" in page
    answer = client.post(
        reverse("warehouse:carton_unpack", args=[order.pk, cups.pk]), follow=True
    ).content.decode()
    assert f"Carton 2 unpacked (SSCC {cups.sscc}: throw its label away)" in answer
    with tenant_context(tenant_a):
        assert list(Carton.objects.values_list("pk", flat=True)) == [coffee.pk]
        assert Shipment.objects.get().pk == shipment.pk  # still holds the coffee carton
        again = packing.pack(
            tenant=tenant_a, user=floor.operator, order=order, item=floor.cups,
            quantity=Decimal(4),
        )  # fmt: skip
        again = packing.close_carton(
            tenant=tenant_a, user=floor.operator, carton=again, weight_kg=Decimal("0.8")
        )
        assert again.sscc != cups.sscc  # an SSCC is never issued twice
        second = shipping.create_shipment(
            tenant=tenant_a, user=floor.operator, order=order, cartons=[again]
        )
        shipping.confirm_shipment(tenant=tenant_a, user=floor.operator, shipment=shipment)
        shipping.confirm_shipment(tenant=tenant_a, user=floor.operator, shipment=second)
    assert on_hand(tenant_a, floor.cups, floor.staging) == 0
    assert on_hand(tenant_a, floor.coffee, floor.staging, lot=floor.lot) == 0
    assert_ledger_clean(tenant_a)


def test_the_last_carton_out_drops_its_shipment_and_a_shipped_carton_stays(tenant_a):
    floor = Floor(tenant_a)
    shipment = floor.shipment()
    coffee, cups = shipment.order.cartons
    with tenant_context(tenant_a):
        for carton in (coffee, cups):
            packing.unpack_carton(tenant=tenant_a, user=floor.operator, carton=carton)
        assert not Shipment.objects.exists() and not Carton.objects.exists()
    shipped = Floor(tenant_a).shipment(confirm=True)
    with tenant_context(tenant_a), pytest.raises(InvalidTransition) as refused:
        carton = Carton.objects.filter(shipment=shipped).first()
        packing.unpack_carton(tenant=tenant_a, user=floor.operator, carton=carton)
    assert str(refused.value) == f"Carton {carton.sscc} cannot go from shipped to unpacked."


def test_another_tenant_cannot_unpack_the_carton(tenant_a, tenant_b, client):
    floor = Floor(tenant_a)
    order = floor.packed_order(finish=False)
    client.force_login(member(tenant_b, "operator"))
    url = reverse("warehouse:carton_unpack", args=[order.pk, order.cartons[0].pk])
    assert client.post(url).status_code == 404
    with tenant_context(tenant_a):
        assert Carton.objects.count() == 2
