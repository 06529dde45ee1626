"""A shipped order to take back, for returns tests: the outbound floor (tests/warehouse/
outbound.py) with a returns zone and bin, its order shipped (6 coffee of lot L-2030-06 and 4
cups, sold at 10.00 each, costing 1.00 each), and RMAs taken as far as a test needs through
the services."""

from __future__ import annotations

from decimal import Decimal

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import StockBalance
from orders.models import SalesOrder
from returns.models import Inspection, ReturnAuthorisation, RmaLine
from returns.services import credits, inspection, receipt, rmas
from tests.factories import BinFactory, ReturnPolicyFactory, ZoneFactory, member
from tests.warehouse.outbound import Floor


class Returns:
    def __init__(self, tenant, *, fee: str = "10"):
        self.tenant = tenant
        self.floor = Floor(tenant)
        zone = ZoneFactory(site=self.floor.site, code="RET", zone_type="returns")
        self.area = BinFactory(zone=zone, code="RET-01", bin_type="qc")
        self.supervisor, self.operator = self.floor.supervisor, self.floor.operator
        self.finance = member(tenant, Role.FINANCE)
        self.second_supervisor = member(tenant, Role.SUPERVISOR)
        self.customer = self.floor.customer
        ReturnPolicyFactory(customer=self.customer, restocking_fee_pct=Decimal(fee))
        self.shipment = self.floor.shipment(confirm=True)
        self.coffee, self.cups, self.lot = self.floor.coffee, self.floor.cups, self.floor.lot
        with tenant_context(tenant):
            self.order = SalesOrder.objects.select_related("customer", "site").get(
                pk=self.shipment.order_id
            )
            lines = {line.item_id: line for line in self.order.lines.all()}
        self.coffee_line, self.cups_line = lines[self.coffee.pk], lines[self.cups.pk]

    def area_location(self):
        with tenant_context(self.tenant):
            return ledger.bin_location(tenant=self.tenant, bin=self.area)

    def draft(self, quantity=6, *, lot_code="L-2030-06", reason="not_needed"):
        with tenant_context(self.tenant):
            rma = rmas.create(
                tenant=self.tenant, user=self.supervisor, order=self.order, reason=reason
            )
            rmas.add_line(
                tenant=self.tenant, user=self.supervisor, rma=rma, order_line=self.coffee_line,
                quantity=Decimal(quantity), lot_code=lot_code,
            )  # fmt: skip
            return rma

    def authorised(self, quantity=6):
        rma = self.draft(quantity)
        with tenant_context(self.tenant):
            return rmas.authorise(tenant=self.tenant, user=self.supervisor, rma=rma)

    def received(self, quantity=6):
        rma = self.authorised(quantity)
        with tenant_context(self.tenant):
            receipt.receive(
                tenant=self.tenant, user=self.operator, rma=rma, item=self.coffee, lot=self.lot,
                serial=None, quantity=Decimal(quantity), scan_key=f"scan-{rma.pk}",
            )  # fmt: skip
            rma.refresh_from_db()
        return rma

    def line(self, rma) -> RmaLine:
        with tenant_context(self.tenant):
            return RmaLine.objects.select_related("rma").get(rma=rma)

    def inspected(self, grades=(("new", 4), ("damaged", 2))):
        rma = self.received(sum(q for _, q in grades))
        line = self.line(rma)
        with tenant_context(self.tenant):
            for grade, quantity in grades:
                inspection.inspect(
                    tenant=self.tenant, user=self.operator, line=line, grade=grade,
                    quantity=Decimal(quantity),
                )  # fmt: skip
            rma.refresh_from_db()
        return rma

    def inspections(self, rma) -> list[Inspection]:
        with tenant_context(self.tenant):
            return list(
                Inspection.objects.filter(line__rma=rma).select_related("line__rma").order_by("pk")
            )

    def dispositioned(self, **kwargs):
        rma = self.inspected(**kwargs)
        with tenant_context(self.tenant):
            for row in self.inspections(rma):
                inspection.dispose(
                    tenant=self.tenant, user=self.operator, inspection=row,
                    disposition=row.proposed,
                )  # fmt: skip
            rma.refresh_from_db()
        return rma

    def credit(self, **kwargs):
        rma = self.dispositioned(**kwargs)
        with tenant_context(self.tenant):
            return credits.propose(tenant=self.tenant, user=self.supervisor, rma=rma)

    def credited(self, **kwargs):
        credit = self.credit(**kwargs)
        with tenant_context(self.tenant):
            credits.approve(tenant=self.tenant, user=self.second_supervisor, credit=credit)
            return ReturnAuthorisation.objects.get(pk=credit.rma_id)

    def on_hand(self, item, bin, *, lot=None, status="available") -> Decimal:
        with tenant_context(self.tenant):
            balance = StockBalance.objects.filter(
                tenant=self.tenant, item=item, location__bin=bin, lot=lot, status=status
            ).first()
            return balance.on_hand if balance else Decimal(0)

    def fresh(self, obj):
        with tenant_context(self.tenant):
            obj.refresh_from_db()
        return obj


def ship_serials(r: Returns, *, customer=None, count: int = 2, item=None):
    """Ship `count` serials of a serial-tracked item to `customer` (the floor's by default).
    A new item gets SN-1..SN-<count> in stock and SN-9 registered but never received; a
    given `item` ships what it has in stock. Returns (item, order, its order line)."""
    from inventory.models import SerialNumber
    from orders.services import allocation, sales_orders
    from tests.factories import ItemFactory, confirmed_order
    from tests.inventory.stock import receive
    from warehouse.models import PickState
    from warehouse.packing import services as packing
    from warehouse.picking import services as picking
    from warehouse.shipping import services as shipping

    floor, tenant = r.floor, r.tenant
    if item is None:
        item = ItemFactory(tenant=tenant, sku=f"DRILL-{floor.site.code}", tracking="serial")
        with tenant_context(tenant):
            SerialNumber.objects.create(tenant=tenant, item=item, serial="SN-9")
            numbers = [
                SerialNumber.objects.create(tenant=tenant, item=item, serial=f"SN-{n}")
                for n in range(1, count + 1)
            ]
        for number in numbers:
            receive(tenant, item, floor.p2, 1, serial=number, unit_cost="40.00")
    order = confirmed_order(customer or r.customer, floor.site, [(item, count)], user=r.supervisor)
    with tenant_context(tenant):
        allocation.allocate(tenant=tenant, user=r.supervisor, orders=[order])
        sales_orders.release(tenant=tenant, user=r.supervisor, order=order)
    wave = floor.released_wave(order)
    with tenant_context(tenant):
        carton = None
        for task in [t for t in floor.tasks(wave) if t.state == PickState.OPEN]:
            picking.confirm_pick(tenant=tenant, user=r.operator, task=task, quantity=task.quantity)
            carton = packing.pack(
                tenant=tenant, user=r.operator, order=order, item=item, quantity=Decimal(1),
                carton=carton, serial=task.serial,
            )  # fmt: skip
        carton = packing.close_carton(
            tenant=tenant, user=r.operator, carton=carton, weight_kg=Decimal(2),
            length_cm=Decimal(30), width_cm=Decimal(20), height_cm=Decimal(10),
        )  # fmt: skip
        order.refresh_from_db()
        packing.finish_packing(tenant=tenant, user=r.operator, order=order)
        shipment = shipping.create_shipment(
            tenant=tenant, user=r.operator, order=order, cartons=[carton]
        )
        shipping.confirm_shipment(tenant=tenant, user=r.operator, shipment=shipment)
        order.refresh_from_db()
        return item, order, order.lines.get()
