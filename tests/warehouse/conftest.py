from __future__ import annotations

from decimal import Decimal

import pytest

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from purchasing.models import SupplierItem
from purchasing.services import orders
from tests.factories import ItemFactory, ItemUnitFactory, PurchaseOrderFactory, bin_in, member


class Dock:
    """A sent PO of 100 each (10 cases of 10) at 2.00 each, a dock bin and a receiver."""

    def __init__(self, tenant):
        self.tenant = tenant
        self.order = PurchaseOrderFactory(
            tenant=tenant,
            supplier__tenant=tenant,
            supplier__over_receipt_tolerance_pct=Decimal("5"),
        )
        self.item = ItemFactory(tenant=tenant)
        ItemUnitFactory(item=self.item, code="case", factor=10)
        self.bin = bin_in(tenant, site=self.order.site, code="DOCK-1", bin_type="dock")
        self.operator = member(tenant, Role.OPERATOR)
        with tenant_context(tenant):
            self.line = orders.add_line(
                tenant=tenant,
                user=self.order.created_by,
                order=self.order,
                item=self.item,
                quantity=Decimal(10),
                unit="case",
                unit_cost=Decimal("20.00"),
            )
            orders.approve(tenant=tenant, user=self.order.created_by, order=self.order)
            orders.send(tenant=tenant, user=self.order.created_by, order=self.order)
            self.dock = ledger.bin_location(tenant=tenant, bin=self.bin)

    def supplier_item(self, **fields):
        with tenant_context(self.tenant):
            return SupplierItem.objects.create(
                tenant=self.tenant,
                supplier=self.order.supplier,
                item=self.item,
                price=Decimal(2),
                **fields,
            )


@pytest.fixture
def dock(tenant_a):
    return Dock(tenant_a)
