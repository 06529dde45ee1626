"""Fixtures of the planning tests."""

from __future__ import annotations

import pytest

from erp.tenancy import tenant_context
from purchasing.models import ServiceLevel
from tests.factories import ItemFactory, SiteFactory, SupplierFactory, bin_in
from tests.purchasing.planning import received_after, sells, settings


@pytest.fixture
def shop(tenant_a):
    site = SiteFactory(tenant=tenant_a, code="MAIN", time_zone="UTC")
    bin = bin_in(tenant_a, site=site)
    item = ItemFactory(tenant=tenant_a, sku="BOLT-10")
    supplier = SupplierFactory(tenant=tenant_a, code="ACME", default_lead_time_days=30)
    sells(supplier, item, pack="10")
    # Lead times measured from two received orders: 4 and 6 days -> 5 +- 1.
    received_after(supplier, site, item, [4, 6])
    # The tenant plans CZ items (no segment yet) at 95 %: z 1.645.
    with tenant_context(tenant_a):
        ServiceLevel.objects.create(tenant=tenant_a, abc_class="C", xyz_class="Z", level="95")
    settings(tenant_a, demand_window_days=28, order_cycle_days=14)
    return {"site": site, "bin": bin, "item": item, "supplier": supplier}
