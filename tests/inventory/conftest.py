"""Fixtures shared by the inventory tests."""

from __future__ import annotations

import pytest

from tests.factories import ItemFactory, SiteFactory, bin_in
from tests.inventory.pages import receive_at, ship_at, utc


@pytest.fixture
def books(tenant_a):
    """Auckland (UTC+13 in summer) and Los Angeles (UTC-8): a receipt that is January in UTC
    but February in Auckland, a shipment that is February in UTC but January in Los Angeles
    (selling the cola out there), and the cola back in March."""
    akl = SiteFactory(tenant=tenant_a, code="AKL", time_zone="Pacific/Auckland")
    lax = SiteFactory(tenant=tenant_a, code="LAX", time_zone="America/Los_Angeles")
    a, la = bin_in(tenant_a, site=akl), bin_in(tenant_a, site=lax)
    cola = ItemFactory(tenant=tenant_a, sku="COLA", category="drinks")
    chips = ItemFactory(tenant=tenant_a, sku="CHIPS", category="snacks")
    receive_at(tenant_a, cola, la, 10, "2.00", utc("2025-01-10 12:00"))
    receive_at(tenant_a, cola, a, 5, "4.00", utc("2025-01-31 12:00"))  # 1 Feb 01:00 in AKL
    ship_at(tenant_a, cola, la, 10, utc("2025-02-01 05:00"))  # 31 Jan 21:00 in LAX
    receive_at(tenant_a, chips, la, 4, "1.00", utc("2025-02-15 12:00"))
    receive_at(tenant_a, cola, la, 3, "5.00", utc("2025-03-05 12:00"))
    return {"akl": akl, "lax": lax, "la": la, "cola": cola, "chips": chips}
