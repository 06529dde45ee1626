"""Inventory record accuracy against a hand-computed case: per site, zone and ABC class,
counts within tolerance / counts made, and |value variance| / value counted."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from erp.tenancy import tenant_context
from inventory.models import ItemSegment
from tests.factories import ItemFactory
from tests.inventory.stock import receive
from tests.warehouse.counting import Shelf
from warehouse.counting import accuracy, services
from warehouse.models import CountSettings

pytestmark = pytest.mark.django_db


def _segment(tenant, item, site, abc):
    with tenant_context(tenant):
        ItemSegment.objects.create(
            tenant=tenant, item=item, site=site, abc_class=abc, xyz_class="X", annual_quantity=1,
            annual_value=1, demand_periods=1, demand_cv=Decimal("0.5"), computed_on=datetime.date(2026, 1, 1),
        )  # fmt: skip


def test_accuracy_by_site_zone_and_abc_class_matches_a_hand_computed_case(client, tenant_a):
    # Tolerance 1 unit / 100.00: S-01 widgets (A, 2.00) 10 expected, 10 counted: within;
    # S-01 gadgets (C, 5.00) 4 expected, 6 counted: variance +2, beyond;
    # S-02 widgets 0 expected, 1 counted: variance +1, within.
    with tenant_context(tenant_a):
        CountSettings.objects.create(tenant=tenant_a, quantity_tolerance=1, value_tolerance=100)
    shelf = Shelf(tenant_a)
    gadget = ItemFactory(tenant=tenant_a, sku="GADGET", standard_cost=Decimal("5.00"))
    receive(tenant_a, gadget, shelf.bin, 4, unit_cost="5.00")
    _segment(tenant_a, shelf.item, shelf.site, "A")
    _segment(tenant_a, gadget, shelf.site, "C")
    first = shelf.count(shelf.open(), {shelf.item: 10, gadget: 6})
    first = shelf.count(first, {shelf.item: 10, gadget: 6}, number=2)
    # The second bin is counted through the same helper, pointed at S-02.
    shelf.location, shelf.bin = shelf.other, shelf.other_bin
    second = shelf.count(shelf.open(), {shelf.item: 1})
    with tenant_context(tenant_a):
        services.approve(tenant=tenant_a, user=shelf.supervisor, count=first)
        services.approve(tenant=tenant_a, user=shelf.supervisor, count=second)
        now = timezone.now()
        window = {
            "start": now - datetime.timedelta(days=1),
            "end": now + datetime.timedelta(days=1),
        }
        by_site = accuracy.record_accuracy(tenant=tenant_a, by="site", **window)
        by_zone = accuracy.record_accuracy(tenant=tenant_a, by="zone", **window)
        by_abc = accuracy.record_accuracy(tenant=tenant_a, by="abc", **window)
    # Site: 3 counts, 2 within; value counted 10*2 + 6*5 + 1*2 = 52; |variance| 2*5 + 1*2 = 12.
    (site,) = by_site
    assert (site.made, site.within, site.value_counted, site.value_variance) == (3, 2, 52, 12)
    assert site.rate_pct == Decimal("66.7") and site.value_gap_pct == Decimal("23.1")
    assert [(z.group, z.made) for z in by_zone] == [(f"{shelf.site.code} / STO", 3)]
    # A: the S-01 and S-02 widgets, both within (value 22, variance 2); C: the gadgets.
    assert [(r.group, r.made, r.within, r.value_counted, r.value_variance) for r in by_abc] == [
        ("A", 2, 2, 22, 2),
        ("C", 1, 0, 30, 10),
    ]
    client.force_login(shelf.supervisor)
    page = client.get(reverse("warehouse:count_accuracy"), {"by": "abc"}).content.decode()
    assert "within the tolerance / counts made" in page and "66.7" not in page and "100%" in page
