"""The outbound demo: each tenant's GS1 identity, a packing staging bin at every site, and
one released wave once released sales orders exist; loading it again changes nothing."""

from __future__ import annotations

import pytest

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import demo as inventory_demo
from inventory.models import Bin
from orders.services import allocation, sales_orders
from tests.factories import (
    CustomerFactory,
    ItemFactory,
    SiteFactory,
    TenantFactory,
    confirmed_order,
    member,
)
from tests.inventory.stock import receive
from warehouse import demo
from warehouse.models import PickTask, ShippingSettings, Wave

pytestmark = pytest.mark.django_db


def test_outbound_demo_sets_the_prefix_adds_staging_and_waves_once():
    tenant = TenantFactory(slug="northwind", name="Northwind Distribution")
    member(tenant, Role.ADMIN)
    supervisor = member(tenant, Role.SUPERVISOR)
    with tenant_context(tenant):
        inventory_demo.load(tenant)
    bare = SiteFactory(tenant=tenant, code="BARE")  # a site without zones or bins
    with tenant_context(tenant):
        demo.load_outbound(tenant)
        settings = ShippingSettings.objects.get()
        staging = Bin.objects.filter(site=bare, bin_type="staging").select_related("zone").get()
        chi_face = Bin.objects.select_related("site").get(site__code="CHI", code="P-01-01")
        assert not Wave.objects.exists()  # no released orders yet
    assert (
        settings.gs1_company_prefix == "9501101"
        and settings.ship_from_name == "Northwind Distribution"
    )
    assert staging.code == "PACK-01" and staging.zone.zone_type == "packing"
    item = ItemFactory(tenant=tenant)
    receive(tenant, item, chi_face, 10)
    order = confirmed_order(
        CustomerFactory(tenant=tenant), chi_face.site, [(item, 4)], user=supervisor
    )
    with tenant_context(tenant):
        allocation.allocate(tenant=tenant, user=supervisor, orders=[order])
        sales_orders.release(tenant=tenant, user=supervisor, order=order)
        demo.load_outbound(tenant)
        demo.load_outbound(tenant)
        wave = Wave.objects.get()
        # The demo ships the first order of its wave; with only one here, the wave is done.
        assert wave.status == "done" and wave.staging.code.startswith("PACK-")
        assert PickTask.objects.filter(batch__wave=wave).count() == 1
        assert Bin.objects.filter(site=bare, bin_type="staging").count() == 1
