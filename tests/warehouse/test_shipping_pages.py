"""The shipping station (choose closed cartons, carrier, service and tracking; create, then
confirm the shipment), the supervisor's shipping queue, and the GS1 shipping settings."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import StockEntry
from orders.models import SalesOrderLine
from tests.factories import member
from tests.inventory.stock import assert_ledger_clean, on_hand
from tests.warehouse.outbound import PREFIX, Floor
from warehouse.models import Shipment, ShippingSettings
from warehouse.shipping import services as shipping

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor(tenant_a):
    return Floor(tenant_a)


def test_operator_ships_the_packed_cartons(client, floor):
    order = floor.packed_order()
    client.force_login(floor.operator)
    station = client.get(reverse("warehouse:ship_find"))
    assert order.number.encode() in station.content and b"2 cartons" in station.content
    url = reverse("warehouse:ship_order", args=[order.pk])
    page = client.get(url)
    assert page.context["form"].initial["carrier"] == "UPS"
    assert all(c.sscc.encode() in page.content for c in order.cartons)
    data = {
        "cartons": [str(c.pk) for c in order.cartons],
        "carrier": "UPS",
        "service": "Ground",
        "tracking_number": "1Z999AA10123456784",
    }
    created = client.post(url, data, follow=True)
    with tenant_context(floor.tenant):
        shipment = Shipment.objects.get()
    assert created.redirect_chain[-1][0] == reverse("warehouse:shipment_detail", args=[shipment.pk])
    assert f"{shipment.number} created with 2 carton(s)".encode() in created.content
    assert reverse("warehouse:packing_slip", args=[shipment.pk]).encode() in created.content
    assert reverse("warehouse:bill_of_lading", args=[shipment.pk]).encode() in created.content
    # The same form sent twice goes to the shipment the first one made.
    twice = client.post(url, data, follow=True)
    assert f"{shipment.number} already holds these cartons.".encode() in twice.content
    confirm = reverse("warehouse:shipment_confirm", args=[shipment.pk])
    shipped = client.post(confirm, follow=True)
    assert (
        f"{shipment.number} shipped: 2 carton(s) of {order.number} to Corner Cafe.".encode()
        in shipped.content
    )
    with tenant_context(floor.tenant):
        entries = StockEntry.objects.count()
    again = client.post(confirm, follow=True)
    assert f"{shipment.number} was already shipped.".encode() in again.content
    with tenant_context(floor.tenant):
        assert StockEntry.objects.count() == entries
        shipment.refresh_from_db()
        order.refresh_from_db()
        lines = list(SalesOrderLine.objects.filter(order=order))
    assert shipment.status == "shipped" and shipment.tracking_number == "1Z999AA10123456784"
    assert shipment.service == "Ground" and order.status == "shipped"
    assert all(line.shipped_base == line.quantity_base for line in lines)
    assert on_hand(floor.tenant, floor.cups, floor.staging) == 0
    assert_ledger_clean(floor.tenant)


def test_shipping_without_cartons_or_carrier_answers_422(client, floor):
    order = floor.packed_order()
    client.force_login(floor.operator)
    url = reverse("warehouse:ship_order", args=[order.pk])
    response = client.post(url, {"carrier": ""})
    assert response.status_code == 422
    assert response.content.count(b"This field is required.") == 2
    with tenant_context(floor.tenant):
        assert not Shipment.objects.exists()


def test_a_partial_shipment_leaves_the_other_carton_in_the_queue(client, floor):
    order = floor.packed_order()
    first, _ = order.cartons
    client.force_login(floor.operator)
    client.post(
        reverse("warehouse:ship_order", args=[order.pk]),
        {"cartons": [str(first.pk)], "carrier": "UPS"},
    )
    client.force_login(floor.supervisor)
    queue = client.get(reverse("warehouse:shipping_queue"), headers={"HX-Request": "true"})
    assert queue.templates[0].name == "warehouse/outbound/_shipping_queue.html"
    (waiting,) = queue.context["orders"]
    assert waiting.number == order.number and waiting.ready_cartons == 1
    (open_shipment,) = queue.context["shipments"]
    assert open_shipment.carton_count == 1 and open_shipment.weight == first.weight_kg
    page = client.get(reverse("warehouse:shipping_queue"))
    assert (
        b'hx-trigger="every 15s"' in page.content and open_shipment.number.encode() in page.content
    )


def test_admin_sets_the_gs1_prefix_with_history(client, tenant_a):
    admin = member(tenant_a, Role.ADMIN)
    client.force_login(admin)
    url = reverse("warehouse:shipping_settings")
    assert client.get(url).status_code == 200
    saved = client.post(
        url,
        {"gs1_company_prefix": "9501101", "extension_digit": "1", "next_serial": "1000",
         "ship_from_name": "Northwind Distribution"},
        follow=True,
    )  # fmt: skip
    assert b"Shipping settings saved." in saved.content
    with tenant_context(tenant_a):
        settings = ShippingSettings.objects.get()
    assert (settings.gs1_company_prefix, settings.extension_digit, settings.next_serial) == (
        "9501101",
        1,
        1000,
    )
    changed = client.post(
        url, {"gs1_company_prefix": "9501101", "extension_digit": "2", "next_serial": "1000"}
    )
    history = client.get(url)
    assert changed.status_code == 302
    assert b"History" in history.content and b"Extension digit" in history.content


@pytest.mark.parametrize(
    "data,message",
    [
        ({"gs1_company_prefix": "123456", "extension_digit": "0", "next_serial": "1"}, b"A GS1 company prefix has 7 to 10 digits."),
        ({"gs1_company_prefix": "12345678901", "extension_digit": "0", "next_serial": "1"}, b"at most 10 characters"),
        ({"gs1_company_prefix": "1234567", "extension_digit": "10", "next_serial": "1"}, b"less than or equal to 9"),
        ({"gs1_company_prefix": "1234567890", "extension_digit": "0", "next_serial": "1000000"}, b"are used up"),
    ],
)  # fmt: skip
def test_invalid_gs1_settings_answer_422(client, tenant_a, data, message):
    client.force_login(member(tenant_a, Role.ADMIN))
    response = client.post(reverse("warehouse:shipping_settings"), data)
    assert response.status_code == 422 and message in response.content


def test_the_next_serial_cannot_go_back_below_an_issued_sscc(client, floor):
    floor.packed_order()  # two cartons: serial references 1 and 2 under 3 + PREFIX
    client.force_login(member(floor.tenant, Role.ADMIN))
    response = client.post(
        reverse("warehouse:shipping_settings"),
        {"gs1_company_prefix": PREFIX, "extension_digit": "3", "next_serial": "2"},
    )
    assert response.status_code == 422
    assert b"Cartons already carry SSCCs up to serial reference 2" in response.content
    # Another extension digit starts its own range.
    other = client.post(
        reverse("warehouse:shipping_settings"),
        {"gs1_company_prefix": PREFIX, "extension_digit": "4", "next_serial": "1"},
    )
    assert other.status_code == 302
    with tenant_context(floor.tenant):
        assert shipping.settings_for(floor.tenant).extension_digit == 4
