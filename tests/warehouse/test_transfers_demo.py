"""The transfer demo: an open transfer in transit from the tenant's first site to its second,
its value in transit and its quantity expected at the destination; loading again adds none."""

from __future__ import annotations

import pytest

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import demo as inventory_demo
from inventory import demo_stock
from inventory.models import Projection
from inventory.selectors.valuation import in_transit
from tests.factories import TenantFactory, member
from tests.inventory.stock import assert_ledger_clean
from warehouse.models import TransferOrder, TransferStatus
from warehouse.transfers import demo

pytestmark = pytest.mark.django_db


def test_the_demo_leaves_one_transfer_in_transit():
    tenant = TenantFactory(slug="northwind", name="Northwind Distribution")
    for role in (Role.ADMIN, Role.SUPERVISOR, Role.OPERATOR):
        member(tenant, role)
    with tenant_context(tenant):
        inventory_demo.load(tenant)
        demo_stock.load(tenant)
        transfer = demo.load(tenant)
        assert demo.load(tenant) is None
        transfer = TransferOrder.objects.select_related("from_site", "to_site").get()
        line = transfer.lines.get()
        transit = in_transit(tenant=tenant)
        expected = Projection.objects.get(source_type="transfer_line", source_id=line.pk)
    assert transfer.status == TransferStatus.SHIPPED
    assert (transfer.from_site.code, transfer.to_site.code) == ("CHI", "ATL")
    assert transit["quantity"] == 6 and transit["value"] > 0
    assert (expected.site_id, expected.quantity) == (transfer.to_site_id, 6)
    assert_ledger_clean(tenant)
