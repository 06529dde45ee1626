"""What order entry says about a line (ATP) agrees with what allocation then does.

In the demo the entry check said a line could not be promised on the requested date (or
would be backordered) while allocation, run right after, took the whole quantity from stock:
the demo published 15 units of "open order" demand per item and site that no sales order
owned. ATP subtracted it (for ever: past-due demand counts today); allocation, which serves
order lines, never could."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from erp.models import Tenant, User
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import Item, Projection, ProjectionKind, Site
from orders import selectors
from orders.models import Customer, SalesOrderLine
from orders.services import allocation, sales_orders
from orders.services.sales_orders import SOURCE

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    return Tenant.objects.get(slug="northwind")


def test_every_demand_atp_counts_belongs_to_an_open_order_line(demo):
    with tenant_context(demo):
        owners = set(
            Projection.objects.filter(tenant=demo, kind=ProjectionKind.DEMAND).values_list(
                "source_type", flat=True
            )
        )
        unowned = Projection.objects.filter(tenant=demo, kind=ProjectionKind.DEMAND).exclude(
            source_type=SOURCE
        )
        assert owners <= {SOURCE}, list(unowned.values_list("reference", "quantity"))
        for projection in Projection.objects.filter(tenant=demo, kind=ProjectionKind.DEMAND):
            line = SalesOrderLine.objects.get(tenant=demo, pk=projection.source_id)
            assert -projection.quantity == line.unallocated_base


def test_a_line_allocation_fills_from_stock_is_promised_as_requested(demo):
    planner = User.objects.get(email="planner@northwind.example")
    with tenant_context(demo):
        site = Site.objects.get(tenant=demo, code="CHI")
        customer = Customer.objects.get(tenant=demo, code="PEACHTREE")  # no shelf-life minimum
        today = timezone.localdate()
        checked = 0
        for item in Item.objects.filter(tenant=demo, is_active=True).order_by("sku"):
            # What allocation can take now: free stock in the site's storage bins.
            free = sum(
                (
                    c.free
                    for c in ledger.lock_available(tenant=demo, site_id=site.pk, item_ids=[item.pk])
                ),
                Decimal(0),
            )
            # Stock another confirmed order waits for is protected by ATP and not by allocation,
            # which serves the earlier promise (an allocation-policy question): such items are
            # left out; the test above checks every demand has its order line.
            wanted = Projection.objects.filter(
                tenant=demo, kind=ProjectionKind.DEMAND, item=item, site=site
            ).exists()
            if free <= 0 or wanted:
                continue
            order = sales_orders.create_order(
                tenant=demo, user=planner, customer=customer, site=site, requested_date=today
            )
            check = selectors.line_check(
                tenant=demo, order=order, item=item, quantity=free, unit=item.base_unit,
                requested=today,
            )  # fmt: skip
            line = sales_orders.add_line(
                tenant=demo, user=planner, order=order, item=item, quantity=free, price=Decimal(1)
            )
            sales_orders.confirm(tenant=demo, user=planner, order=order)
            allocation.allocate(tenant=demo, user=planner, orders=[order])
            line.refresh_from_db()
            assert line.allocated_base == free, item.sku
            assert check.covered and line.promised_date == today, (
                f"{item.sku}: entry said {check.on_requested} of {free} on {today}, "
                f"first date {check.first_date}; allocation took {line.allocated_base}"
            )
            checked += 1
        assert checked >= 3
