"""An outbound floor for page tests: a site with pick faces, reserve and a packing staging
bin, two items in stock, the tenant's GS1 prefix, and orders taken as far as a test needs
(released, waved, picked, packed, shipped) through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from biip.checksums import gs1_standard_check_digit

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import ItemUnit
from orders.services import allocation, sales_orders
from tests.factories import (
    BinFactory,
    CustomerFactory,
    ItemFactory,
    LotFactory,
    SiteFactory,
    ZoneFactory,
    confirmed_order,
    member,
)
from tests.inventory.stock import receive
from warehouse.models import PickState, PickTask, ShippingSettings
from warehouse.packing import services as packing
from warehouse.picking import services as picking
from warehouse.picking import waves
from warehouse.shipping import services as shipping

PREFIX = "0614141"


def _gtin(number: int) -> str:
    body = f"0950110{number:06d}"
    return body + str(gs1_standard_check_digit(body))


class Floor:
    def __init__(self, tenant, *, stock: int = 50):
        self.tenant = tenant
        self.site = SiteFactory(
            tenant=tenant, name="Main DC", address_line1="1 Dock Road", city="Springfield",
            postal_code="12345", region="IL", country="US",
        )  # fmt: skip
        pick_zone = ZoneFactory(site=self.site, code="PCK", zone_type="pick")
        self.p1 = BinFactory(zone=pick_zone, code="P-01", bin_type="pick_face", walk_sequence=10)
        self.p2 = BinFactory(zone=pick_zone, code="P-02", bin_type="pick_face", walk_sequence=20)
        storage = ZoneFactory(site=self.site, code="STO", zone_type="storage")
        self.reserve = BinFactory(zone=storage, code="R-01", bin_type="reserve", walk_sequence=90)
        packing = ZoneFactory(site=self.site, code="PAK", zone_type="packing")
        self.staging = BinFactory(zone=packing, code="PACK-01", bin_type="staging")
        self.supervisor = member(tenant, Role.SUPERVISOR)
        self.operator = member(tenant, Role.OPERATOR)
        # Several floors may share a tenant: SKUs and GTINs carry the site's code and id.
        code = self.site.code
        self.coffee = ItemFactory(
            tenant=tenant, sku=f"COFFEE-{code}", description="Coffee beans 1 kg", tracking="lot"
        )
        self.cups = ItemFactory(tenant=tenant, sku=f"CUPS-{code}", description="Paper cups, 50")
        self.lot = LotFactory(
            item=self.coffee,
            tenant=tenant,
            code="L-2030-06",
            expiry_date=datetime.date(2030, 6, 30),
        )
        self.coffee_gtin, self.cups_gtin = _gtin(self.site.pk * 2), _gtin(self.site.pk * 2 + 1)
        with tenant_context(tenant):
            ItemUnit.objects.create(
                tenant=tenant, item=self.coffee, code="each", factor=1, gtin=self.coffee_gtin
            )
            ItemUnit.objects.create(
                tenant=tenant, item=self.cups, code="each", factor=1, gtin=self.cups_gtin
            )
            ShippingSettings.objects.update_or_create(
                tenant=tenant,
                defaults={
                    "gs1_company_prefix": PREFIX,
                    "extension_digit": 3,
                    "ship_from_name": "Alpha Shipping",
                },
            )
        receive(tenant, self.coffee, self.p1, stock, lot=self.lot)
        receive(tenant, self.cups, self.p2, stock)
        self.customer = CustomerFactory(tenant=tenant, name="Corner Cafe", carrier="UPS", route="NORTH")  # fmt: skip

    def released_order(self, lines=None, **kwargs):
        order = confirmed_order(
            self.customer, self.site, lines or [(self.coffee, 6), (self.cups, 4)], user=self.supervisor, **kwargs
        )  # fmt: skip
        with tenant_context(self.tenant):
            allocation.allocate(tenant=self.tenant, user=self.supervisor, orders=[order])
            sales_orders.release(tenant=self.tenant, user=self.supervisor, order=order)
            order.refresh_from_db()
        return order

    def wave(self, order=None, **filters):
        order = order or self.released_order()
        with tenant_context(self.tenant):
            return waves.create_wave(
                tenant=self.tenant, user=self.supervisor, site=self.site, **filters
            )

    def released_wave(self, order=None):
        wave = self.wave(order)
        with tenant_context(self.tenant):
            waves.release_wave(tenant=self.tenant, user=self.supervisor, wave=wave)
            wave.refresh_from_db()
        return wave

    def tasks(self, wave):
        with tenant_context(self.tenant):
            return list(
                PickTask.objects.filter(batch__wave=wave)
                .select_related("from_location", "item", "order")
                .order_by("sequence")
            )

    def picked_order(self, *, short: dict | None = None):
        """A released order picked in full (or `short`: task index -> quantity found)."""
        order = self.released_order()
        wave = self.released_wave(order)
        with tenant_context(self.tenant):
            while True:
                open_tasks = [t for t in self.tasks(wave) if t.state == PickState.OPEN]
                if not open_tasks:
                    break
                task = open_tasks[0]
                quantity = (short or {}).pop(task.sequence - 1, task.quantity)
                picking.confirm_pick(
                    tenant=self.tenant, user=self.operator, task=task, quantity=Decimal(quantity)
                )
            order.refresh_from_db()
        return order

    def packed_order(self, *, close: bool = True, finish: bool = True):
        """A picked order with each item in its own carton (closed, with weights)."""
        order = self.picked_order()
        cartons = []
        with tenant_context(self.tenant):
            for item, quantity, weight in ((self.coffee, 6, "6.4"), (self.cups, 4, "0.8")):
                carton = packing.pack(
                    tenant=self.tenant, user=self.operator, order=order, item=item,
                    quantity=Decimal(quantity), lot=self.lot if item == self.coffee else None,
                )  # fmt: skip
                if close:
                    carton = packing.close_carton(
                        tenant=self.tenant, user=self.operator, carton=carton,
                        weight_kg=Decimal(weight), length_cm=Decimal(40), width_cm=Decimal(30),
                        height_cm=Decimal(20),
                    )  # fmt: skip
                cartons.append(carton)
            if close and finish:
                packing.finish_packing(tenant=self.tenant, user=self.operator, order=order)
            order.refresh_from_db()
        order.cartons = cartons
        return order

    def shipment(self, *, confirm: bool = False):
        order = self.packed_order()
        with tenant_context(self.tenant):
            shipment = shipping.create_shipment(
                tenant=self.tenant, user=self.operator, order=order, cartons=order.cartons,
                carrier="UPS", service="Ground", tracking_number="1Z999AA10123456784",
            )  # fmt: skip
            if confirm:
                shipment = shipping.confirm_shipment(
                    tenant=self.tenant, user=self.operator, shipment=shipment
                )
        return shipment
