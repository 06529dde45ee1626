"""The recall trace: a lot received from a supplier against a PO, put away, shipped to two
customers, partly written off and partly returned, traced backward and forward with its
documents, its on-hand and a reconciliation line; a serial trace from a GS1 scan; another
tenant's lots invisible; junk answered with a message; the roles that may trace."""

from __future__ import annotations

from decimal import Decimal

import pytest
from biip.checksums import gs1_standard_check_digit
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import ItemUnit, LocationKind, Lot, SerialNumber, StockTransaction
from inventory.services import adjustments
from orders.services import allocation, sales_orders
from purchasing.services import orders as purchase_orders
from reporting import trace as tracing
from returns.services import receipt as return_receipt
from returns.services import rmas
from tests.concurrency import browser
from tests.factories import (
    BinFactory,
    CustomerFactory,
    ItemFactory,
    PurchaseOrderFactory,
    ReturnPolicyFactory,
    SupplierFactory,
    ZoneFactory,
    bin_in,
    confirmed_order,
    member,
)
from tests.inventory.stock import receive
from tests.warehouse.outbound import Floor
from tests.warehouse.pdfs import text as pdf_text
from tests.warehouse.transfer_sites import Sites
from warehouse.models import PickState, PutawayTask
from warehouse.packing import services as packing
from warehouse.picking import services as picking
from warehouse.receiving import services as receiving
from warehouse.shipping import services as shipping

pytestmark = pytest.mark.django_db


def _gtin(number: int) -> str:
    body = f"0950999{number:06d}"
    return body + str(gs1_standard_check_digit(body))


class Story:
    """Lot SAL-7 of SALSA: 20 received from Acme Foods on one PO line into DOCK-1, put away to
    P-03; 6 shipped to Corner Cafe and 4 to Harbour Deli; 1 written off as damaged in P-03;
    1 of Corner Cafe's 6 returned on an RMA into RET-01 (QC hold). On hand: 9 + 1 = 10."""

    def __init__(self, tenant):
        self.tenant = tenant
        self.floor = floor = Floor(tenant, stock=5)
        self.supervisor, self.operator = floor.supervisor, floor.operator
        self.item = ItemFactory(tenant=tenant, sku="SALSA", description="Salsa jar", tracking="lot")
        self.gtin = _gtin(floor.site.pk)
        receiving_zone = ZoneFactory(site=floor.site, code="RCV", zone_type="receiving")
        self.dock_bin = BinFactory(zone=receiving_zone, code="DOCK-1", bin_type="dock")
        self.p3 = BinFactory(zone=floor.p1.zone, code="P-03", bin_type="pick_face")
        returns_zone = ZoneFactory(site=floor.site, code="RET", zone_type="returns")
        self.returns_bin = BinFactory(zone=returns_zone, code="RET-01", bin_type="qc")
        self.supplier = SupplierFactory(tenant=tenant, name="Acme Foods")
        self.po = PurchaseOrderFactory(tenant=tenant, supplier=self.supplier, site=floor.site)
        self.cafe = floor.customer
        self.deli = CustomerFactory(tenant=tenant, name="Harbour Deli")
        ReturnPolicyFactory(customer=self.cafe)
        with tenant_context(tenant):
            ItemUnit.objects.create(
                tenant=tenant, item=self.item, code="each", factor=1, gtin=self.gtin
            )
            self.po_line = purchase_orders.add_line(
                tenant=tenant, user=self.po.created_by, order=self.po, item=self.item,
                quantity=Decimal(20), unit_cost=Decimal("1.50"),
            )  # fmt: skip
            purchase_orders.approve(tenant=tenant, user=self.po.created_by, order=self.po)
            purchase_orders.send(tenant=tenant, user=self.po.created_by, order=self.po)
            dock = ledger.bin_location(tenant=tenant, bin=self.dock_bin)
            self.receipt = receiving.receive(
                tenant=tenant, user=self.operator, order=self.po, item=self.item,
                quantity=Decimal(20), dock=dock, scan_key="trace-r1", lot_code="SAL-7",
            )  # fmt: skip
            self.lot = Lot.objects.get(item=self.item, code="SAL-7")
            task = PutawayTask.objects.get(tenant=tenant, lot=self.lot)
            self.p3_location = ledger.bin_location(tenant=tenant, bin=self.p3)
            from warehouse.putaway import services as putaway

            putaway.complete(
                tenant=tenant, user=self.operator, task=task, location=self.p3_location,
                override_reason="pick face for the trace",
            )  # fmt: skip
        self.cafe_order, self.cafe_shipment = self.ship(self.cafe, 6)
        self.deli_order, self.deli_shipment = self.ship(self.deli, 4)
        with tenant_context(tenant):
            self.write_off = adjustments.request_adjustment(
                tenant=tenant, user=self.supervisor, item=self.item, location=self.p3_location,
                quantity=Decimal(-1), reason_code="damaged", lot_code="SAL-7", note="jar cracked",
            )  # fmt: skip
            assert self.write_off.state == "posted"
            self.rma = rmas.create(
                tenant=tenant, user=self.supervisor, order=self.cafe_order, reason="not_needed"
            )
            rmas.add_line(
                tenant=tenant, user=self.supervisor, rma=self.rma,
                order_line=self.cafe_order.lines.get(), quantity=Decimal(1), lot_code="SAL-7",
            )  # fmt: skip
            rmas.authorise(tenant=tenant, user=self.supervisor, rma=self.rma)
            return_receipt.receive(
                tenant=tenant, user=self.operator, rma=self.rma, item=self.item, lot=self.lot,
                serial=None, quantity=Decimal(1), scan_key="trace-rma-1",
            )  # fmt: skip

    def ship(self, customer, quantity):
        tenant, floor = self.tenant, self.floor
        order = confirmed_order(customer, floor.site, [(self.item, quantity)], user=self.supervisor)
        with tenant_context(tenant):
            allocation.allocate(tenant=tenant, user=self.supervisor, orders=[order])
            sales_orders.release(tenant=tenant, user=self.supervisor, order=order)
        wave = floor.released_wave(order)
        with tenant_context(tenant):
            for task in [t for t in floor.tasks(wave) if t.state == PickState.OPEN]:
                picking.confirm_pick(
                    tenant=tenant, user=self.operator, task=task, quantity=task.quantity
                )
            carton = packing.pack(
                tenant=tenant, user=self.operator, order=order, item=self.item,
                quantity=Decimal(quantity), lot=self.lot,
            )  # fmt: skip
            carton = packing.close_carton(
                tenant=tenant, user=self.operator, carton=carton, weight_kg=Decimal(3),
                length_cm=Decimal(30), width_cm=Decimal(20), height_cm=Decimal(10),
            )  # fmt: skip
            order.refresh_from_db()
            packing.finish_packing(tenant=tenant, user=self.operator, order=order)
            shipment = shipping.create_shipment(
                tenant=tenant, user=self.operator, order=order, cartons=[carton]
            )
            shipment = shipping.confirm_shipment(
                tenant=tenant, user=self.operator, shipment=shipment
            )
            order.refresh_from_db()
        return order, shipment

    def posting(self, document) -> int:
        with tenant_context(self.tenant):
            document.refresh_from_db()
        return document.transaction_id


def _trace(tenant, **query) -> tracing.Trace:
    with tenant_context(tenant):
        return tracing.trace(tenant=tenant, target=tracing.resolve(tenant=tenant, **query))


def test_a_lot_is_traced_backward_to_its_po_and_forward_to_every_customer_and_bin(tenant_a):
    s = Story(tenant_a)
    result = _trace(tenant_a, item="SALSA", lot="SAL-7")

    [received] = result.receipts
    assert (received.party, received.order, received.detail) == (
        "Acme Foods",
        f"{s.po.number}/1",
        "DOCK-1",
    )
    assert (received.quantity, received.sites) == (Decimal(20), s.floor.site.code)
    assert received.transaction_id == s.receipt.transaction_id
    assert received.document_url == reverse("purchasing:order_detail", args=[s.po.pk])
    assert received.party_url == reverse("purchasing:supplier_detail", args=[s.supplier.pk])

    shipped = [(m.document, m.order, m.party, m.quantity) for m in result.shipments]
    assert shipped == [
        (s.cafe_shipment.number, s.cafe_order.number, "Corner Cafe", Decimal(6)),
        (s.deli_shipment.number, s.deli_order.number, "Harbour Deli", Decimal(4)),
    ]
    assert result.shipments[1].document_url == reverse(
        "warehouse:shipment_detail", args=[s.deli_shipment.pk]
    )
    assert result.shipments[1].party_url == reverse("orders:customer_detail", args=[s.deli.pk])

    [returned] = result.returns
    assert (returned.document, returned.party, returned.order, returned.quantity) == (
        s.rma.number,
        "Corner Cafe",
        s.cafe_order.number,
        Decimal(1),
    )
    assert returned.document_url == reverse("returns:rma_detail", args=[s.rma.pk])

    [write_off] = result.write_offs
    assert (write_off.document, write_off.inflow, write_off.label) == (
        f"ADJ-{s.write_off.pk}",
        Decimal(-1),
        "Adjustment",
    )
    assert write_off.document_url == reverse("inventory:adjustment_detail", args=[s.write_off.pk])
    assert result.transfers == []

    on_hand = sorted((row.bin, row.status, row.quantity) for row in result.on_hand)
    assert on_hand == [("P-03", "Available", Decimal(9)), ("RET-01", "QC hold", Decimal(1))]
    t = result.totals
    assert (t.received, t.shipped, t.returned, t.adjusted, t.scrapped) == (20, 10, 1, -1, 0)
    assert (t.expected, t.on_hand, t.reconciles) == (10, 10, True)
    assert [
        (c["customer"], c["shipments"], c["shipped"], c["returned"], c["held"])
        for c in result.customers
    ] == [
        ("Corner Cafe", 1, 6, 1, 5),
        ("Harbour Deli", 1, 4, 0, 4),
    ]

    # The page, for a planner (not a ledger reader), shows the same, with every document linked.
    planner = browser(member(tenant_a, Role.PLANNER))
    response = planner.get(reverse("reporting:trace"), {"item": "SALSA", "lot": "SAL-7"})
    assert response.status_code == 200
    html = response.content.decode()
    for href in (
        reverse("purchasing:order_detail", args=[s.po.pk]),
        reverse("warehouse:shipment_detail", args=[s.cafe_shipment.pk]),
        reverse("orders:order_detail", args=[s.deli_order.pk]),
        reverse("returns:rma_detail", args=[s.rma.pk]),
        reverse("inventory:adjustment_detail", args=[s.write_off.pk]),
        reverse("inventory:bin_detail", args=[s.p3.pk]),
    ):
        assert f'href="{href}"' in html
    assert (
        "received 20 - shipped 10 + returned by customers 1 - adjustments 1 = 10; on hand in bins 10"
        in html
    )
    assert "reconciles" in html and "does not reconcile" not in html

    pdf = planner.get(reverse("reporting:trace_pdf"), {"item": "SALSA", "lot": "SAL-7"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert (
        pdf.content.startswith(b"%PDF")
        and b"recall-SALSA-SAL-7.pdf" in pdf["Content-Disposition"].encode()
    )
    printed = pdf_text(pdf.content)
    assert "Customers reached (2)" in printed
    # customer, shipments, shipped, returned, still with the customer
    assert "Corner Cafe 1 6 1 5" in printed and "Harbour Deli 1 4 0 4" in printed
    for number in (s.cafe_shipment.number, s.deli_shipment.number, s.deli_order.number):
        assert number in printed
    assert "on hand in bins 10" in printed and "DOES NOT RECONCILE" not in printed


def test_a_serial_is_traced_from_a_gs1_scan(tenant_a):
    po = PurchaseOrderFactory(
        tenant=tenant_a, supplier__tenant=tenant_a, supplier__name="Drills Inc"
    )
    drill = ItemFactory(tenant=tenant_a, sku="DRILL", tracking="serial")
    gtin = _gtin(po.site.pk + 500)
    dock_bin = BinFactory(
        zone=ZoneFactory(site=po.site, code="RCV", zone_type="receiving"),
        code="D-1",
        bin_type="dock",
    )
    operator = member(tenant_a, Role.OPERATOR)
    with tenant_context(tenant_a):
        ItemUnit.objects.create(tenant=tenant_a, item=drill, code="each", factor=1, gtin=gtin)
        purchase_orders.add_line(
            tenant=tenant_a, user=po.created_by, order=po, item=drill, quantity=Decimal(2),
            unit_cost=Decimal("40"),
        )  # fmt: skip
        purchase_orders.approve(tenant=tenant_a, user=po.created_by, order=po)
        purchase_orders.send(tenant=tenant_a, user=po.created_by, order=po)
        dock = ledger.bin_location(tenant=tenant_a, bin=dock_bin)
        for serial in ("SN-1", "SN-2"):
            receiving.receive(
                tenant=tenant_a, user=operator, order=po, item=drill, quantity=Decimal(1),
                dock=dock, scan_key=f"drill-{serial}", serial=serial,
            )  # fmt: skip

    supervisor = browser(member(tenant_a, Role.SUPERVISOR))
    response = supervisor.get(reverse("reporting:trace"), {"scan": f"]C101{gtin}21SN-2"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "DRILL serial SN-2" in html and "Drills Inc" in html
    result = _trace(tenant_a, scan=f"(01){gtin}(21)SN-2")
    assert [(m.party, m.quantity) for m in result.receipts] == [("Drills Inc", Decimal(1))]
    assert [(r.bin, r.serial, r.quantity) for r in result.on_hand] == [("D-1", "SN-2", Decimal(1))]
    assert (result.totals.expected, result.totals.on_hand) == (1, 1)

    # SN-1 is scrapped at the dock: its trace ends there, nothing on hand.
    with tenant_context(tenant_a):
        sn1 = SerialNumber.objects.get(item=drill, serial="SN-1")
        scrapped = ledger.post(
            tenant=tenant_a, user=operator, kind="scrap", reference="dropped at the dock",
            reason="housing cracked",
            moves=[ledger.Move(
                item=drill, quantity=Decimal(1), source=dock, serial=sn1,
                destination=ledger.virtual_location(tenant=tenant_a, kind=LocationKind.SCRAP),
            )],
        )  # fmt: skip
    result = _trace(tenant_a, item=gtin, serial="SN-1")
    [scrap] = result.write_offs
    assert (scrap.label, scrap.inflow, scrap.reason) == ("Scrapped", Decimal(-1), "housing cracked")
    assert scrap.document_url == reverse("inventory:transaction_detail", args=[scrapped.pk])
    t = result.totals
    assert (t.received, t.scrapped, t.expected, t.on_hand, result.on_hand) == (1, 1, 0, 0, [])


def test_another_tenants_lot_is_not_found_and_junk_gets_a_message(tenant_a, tenant_b):
    item_b = ItemFactory(tenant=tenant_b, sku="SECRET", tracking="lot")
    with tenant_context(tenant_b):
        lot_b = Lot.objects.create(tenant=tenant_b, item=item_b, code="B-LOT")
    receive(tenant_b, item_b, bin_in(tenant_b), 3, lot=lot_b)
    ItemFactory(tenant=tenant_a, sku="PLAIN", tracking="lot")
    finance = browser(member(tenant_a, Role.FINANCE))

    cases = [
        ({"item": "SECRET", "lot": "B-LOT"}, "No item with SKU or GTIN &#x27;SECRET&#x27;."),
        ({"item": "PLAIN", "lot": "B-LOT"}, "PLAIN has no lot B-LOT."),
        ({"item": "PLAIN", "serial": "X1"}, "PLAIN has no serial X1."),
        ({"item": "PLAIN", "lot": "a{b}{"}, "PLAIN has no lot a{b}{."),
        ({"item": "x{0}", "lot": "A"}, "No item with SKU or GTIN &#x27;x{0}&#x27;."),
        ({"item": "PLAIN"}, "Give the lot or the serial to trace."),
        ({"lot": "B-LOT"}, "Give the item (SKU or GTIN) with a lot or a serial"),
        ({"scan": "hello"}, "That scan is not a GS1 barcode with a GTIN (AI 01)"),
        ({"scan": f"(01){_gtin(1)}"}, "carries no lot (AI 10) or serial (AI 21)"),
        ({"item": "PLAIN", "lot": "x" * 300}, "Ensure this value has at most 20 characters"),
    ]
    for query, message in cases:
        response = finance.get(reverse("reporting:trace"), query)
        assert response.status_code == 422, query
        assert message in response.content.decode(), query
    response = finance.get(reverse("reporting:trace_pdf"), {"item": "SECRET", "lot": "B-LOT"})
    assert response.status_code == 422
    assert "No item with SKU or GTIN &#x27;SECRET&#x27;." in response.content.decode()
    response = finance.get(reverse("reporting:trace_pdf"), {"item": "", "lot": "", "serial": ""})
    assert response.status_code == 422
    assert 'class="form-errors"' in response.content.decode()
    # Nothing asked yet (a bookmark): the form, not an error.
    asked = finance.get(reverse("reporting:trace_pdf"))
    assert asked.status_code == 200 and asked["Content-Type"].startswith("text/html")
    with tenant_context(tenant_a):
        assert not StockTransaction.objects.filter(tenant=tenant_a).exists()


def test_only_desk_roles_may_trace(tenant_a):
    for role in (Role.SUPERVISOR, Role.PLANNER, Role.FINANCE, Role.ADMIN):
        response = browser(member(tenant_a, role)).get(reverse("reporting:trace"))
        assert response.status_code == 200, role
        assert "Lot and serial trace" in response.content.decode()
    operator = browser(member(tenant_a, Role.OPERATOR))
    assert operator.get(reverse("reporting:trace")).status_code == 403
    assert (
        operator.get(reverse("reporting:trace_pdf"), {"item": "A", "lot": "B"}).status_code == 403
    )


def test_a_transfer_is_traced_out_of_one_site_and_into_the_other(tenant_a):
    """8 of MILK lot L1 at CHI (posted without a receipt document); 5 shipped on a transfer to
    ATL, 3 received there so far: 2 in transit, 3 + 3 on hand."""
    sites = Sites(tenant_a)
    transfer = sites.shipped(lines=((sites.lotted, 5, ""),))
    sites.receive(transfer, 3, item=sites.lotted, lot=sites.lot)
    result = _trace(tenant_a, item=sites.lotted.sku, lot="L1")

    [received] = result.receipts
    assert (received.party, received.quantity, received.document_url) == (
        "",
        Decimal(8),
        reverse("inventory:transaction_detail", args=[received.transaction_id]),
    )
    href = reverse("warehouse:transfer_detail", args=[transfer.pk])
    assert [
        (m.document, m.document_url, m.detail, m.sites, m.inflow) for m in result.transfers
    ] == [
        (transfer.number, href, "CHI → ATL (out)", "CHI", Decimal(-5)),
        (transfer.number, href, "CHI → ATL (in)", "ATL", Decimal(3)),
    ]
    on_hand = sorted((row.site, row.bin, row.quantity) for row in result.on_hand)
    assert on_hand == [("ATL", "DOCK-1", Decimal(3)), ("CHI", "R-01", Decimal(3))]
    t = result.totals
    assert (t.received, t.in_transit, t.expected, t.on_hand, t.reconciles) == (8, 2, 6, 6, True)
