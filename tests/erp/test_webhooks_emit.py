"""Each wired service writes its webhook event in its own transaction, with the facts an
integrator needs (issue 14): receipts, shipments (with cartons and SSCCs), backorders,
replenishment of faces below min, transfers, purchase orders, sales orders and credits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.models import WebhookEvent
from erp.tenancy import tenant_context
from orders.services import allocation
from tests.factories import WebhookEndpointFactory
from tests.returns.returns_floor import Returns
from tests.warehouse.conftest import Dock
from tests.warehouse.faces import Faces
from tests.warehouse.outbound import PREFIX, Floor
from tests.warehouse.transfer_sites import Sites
from warehouse.receiving import services as receiving
from warehouse.shipping import services as shipping

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def endpoint(tenant_a):
    """Events are written only while an endpoint subscribes to their type."""
    return WebhookEndpointFactory(tenant=tenant_a)


def _events(tenant, type) -> list[dict]:
    with tenant_context(tenant):
        return list(
            WebhookEvent.objects.filter(type=type).order_by("pk").values_list("payload", flat=True)
        )


def test_confirming_a_shipment_sends_its_orders_carrier_tracking_and_cartons(tenant_a):
    floor = Floor(tenant_a)
    shipment = floor.shipment()
    assert _events(tenant_a, "shipment.confirmed") == []  # created, not yet shipped
    with tenant_context(tenant_a):
        shipping.confirm_shipment(tenant=tenant_a, user=floor.operator, shipment=shipment)
    [payload] = _events(tenant_a, "shipment.confirmed")
    assert payload["shipment_number"] == shipment.number
    assert payload["sales_order_numbers"] == [shipment.order.number]
    assert (payload["carrier"], payload["service"], payload["tracking_number"]) == (
        "UPS",
        "Ground",
        "1Z999AA10123456784",
    )
    cartons = payload["cartons"]
    assert len(cartons) == 2
    for carton in cartons:  # extension digit 3, the tenant's GS1 prefix, 18 digits
        assert carton["sscc"].startswith("3" + PREFIX) and len(carton["sscc"]) == 18
    assert len({carton["sscc"] for carton in cartons}) == 2
    contents = sorted(
        (c["sku"], Decimal(c["quantity"]), c["lot"])
        for carton in cartons
        for c in carton["contents"]
    )
    assert contents == [
        (floor.coffee.sku, Decimal(6), "L-2030-06"),
        (floor.cups.sku, Decimal(4), None),
    ]


def test_a_shipment_confirmed_in_a_failed_transaction_writes_no_event(tenant_a):
    floor = Floor(tenant_a)
    shipment = floor.shipment()
    with pytest.raises(RuntimeError), tenant_context(tenant_a):
        shipping.confirm_shipment(tenant=tenant_a, user=floor.operator, shipment=shipment)
        raise RuntimeError("the request failed after the service returned")
    assert _events(tenant_a, "shipment.confirmed") == []


def test_posting_a_receipt_sends_what_arrived(tenant_a):
    dock = Dock(tenant_a)
    with tenant_context(tenant_a):
        receiving.receive(
            tenant=tenant_a, user=dock.operator, order=dock.order, item=dock.item,
            quantity=Decimal(3), unit="case", dock=dock.dock, scan_key="rcv-1", sscc="003456789012345678",
        )  # fmt: skip
    [payload] = _events(tenant_a, "receipt.posted")
    assert payload["purchase_order_number"] == dock.order.number
    assert payload["purchase_order_line_no"] == dock.line.line_no
    assert payload["sku"] == dock.item.sku
    assert (Decimal(payload["quantity"]), payload["unit"]) == (Decimal(3), "case")
    assert Decimal(payload["quantity_base"]) == Decimal(30)
    assert Decimal(payload["accepted_base"]) == Decimal(30)
    assert payload["stock_status"] == "available"
    assert payload["sscc"] == "003456789012345678"
    assert payload["location"] == "DOCK-1"


def test_sending_a_purchase_order_sends_its_lines(tenant_a):
    dock = Dock(tenant_a)  # approves and sends its order
    [payload] = _events(tenant_a, "purchase_order.sent")
    assert payload["purchase_order_number"] == dock.order.number
    assert payload["supplier_code"] == dock.order.supplier.code
    [line] = payload["lines"]
    assert (line["sku"], Decimal(line["quantity"]), line["unit"]) == (
        dock.item.sku,
        Decimal(10),
        "case",
    )
    assert Decimal(line["unit_cost"]) == Decimal("20.00")
    assert payload["sent_at"] is not None


def test_confirming_a_sales_order_and_a_new_backorder_send_events_once(tenant_a):
    floor = Floor(tenant_a, stock=5)
    order = floor.released_order()  # 6 coffee wanted, 5 on hand: 1 backordered
    [confirmed] = _events(tenant_a, "sales_order.confirmed")
    assert confirmed["sales_order_number"] == order.number
    assert [(line["sku"], Decimal(line["quantity"])) for line in confirmed["lines"]] == [
        (floor.coffee.sku, Decimal(6)),
        (floor.cups.sku, Decimal(4)),
    ]
    [backordered] = _events(tenant_a, "order.backordered")
    assert backordered["sales_order_number"] == order.number
    assert [
        (line["sku"], Decimal(line["backordered_quantity"])) for line in backordered["lines"]
    ] == [(floor.coffee.sku, Decimal(1))]
    with tenant_context(tenant_a):  # allocating again: the line is still the same backorder
        allocation.allocate(tenant=tenant_a, user=floor.supervisor, orders=[order])
    assert len(_events(tenant_a, "order.backordered")) == 1


def test_a_face_below_min_sends_stock_below_min_with_its_replenishment(tenant_a):
    floor = Faces(tenant_a, stock=5)
    floor.face(floor.cups, floor.p2, 10, 40)
    floor.stock_reserve(floor.cups, 100)
    (task,) = floor.run()
    [payload] = _events(tenant_a, "stock.below_min")
    assert (payload["bin"], payload["sku"]) == ("P-02", floor.cups.sku)
    assert Decimal(payload["on_hand"]) == 5 and Decimal(payload["min_quantity"]) == 10
    assert payload["replenishment_id"] == task.pk
    assert Decimal(payload["replenishment_quantity"]) == 36
    assert floor.run() == []  # the face has its task: no second event
    assert len(_events(tenant_a, "stock.below_min")) == 1


def test_a_transfer_sends_shipped_and_then_received_when_complete(tenant_a):
    sites = Sites(tenant_a)
    transfer = sites.shipped()
    [shipped] = _events(tenant_a, "transfer.shipped")
    assert shipped["transfer_number"] == transfer.number
    assert (shipped["from_site_code"], shipped["to_site_code"]) == ("CHI", "ATL")
    assert [(line["sku"], Decimal(line["shipped_quantity"])) for line in shipped["lines"]] == [
        ("BOLT", Decimal(12))
    ]
    sites.receive(transfer, 5, key="part")
    assert _events(tenant_a, "transfer.received") == []  # 7 still in transit
    sites.receive(transfer, 7, key="rest")
    [received] = _events(tenant_a, "transfer.received")
    assert [(line["sku"], Decimal(line["received_quantity"])) for line in received["lines"]] == [
        ("BOLT", Decimal(12))
    ]


def test_approving_a_credit_sends_return_credited(tenant_a):
    returns = Returns(tenant_a)
    rma = returns.credited()
    with tenant_context(tenant_a):
        credit = rma.credits.get()
    [payload] = _events(tenant_a, "return.credited")
    assert (payload["credit_number"], payload["rma_number"]) == (credit.number, rma.number)
    assert payload["sales_order_number"] == returns.order.number
    assert payload["customer_code"] == returns.customer.code
    assert Decimal(payload["amount"]) == credit.amount
    assert Decimal(payload["restocking_fee"]) == credit.restocking_fee
