"""Finding 1 of issue 8: both demo sites use the same bin codes. An adjustment and a scanner
move at such a code work at the member's site and touch only that site's bin; the other
site's bin of the same code keeps its stock, and the ledger stays consistent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Adjustment, StockTransaction
from tests.factories import ItemFactory, SiteFactory, ZoneFactory, bin_in, member
from tests.inventory.stock import assert_ledger_clean, on_hand, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sites(tenant_a):
    """CHI and ATL, each with bins R-01 and P-01 (the same codes), 10 of WIDGET in each R-01."""
    chi = SiteFactory(tenant=tenant_a, code="CHI")
    atl = SiteFactory(tenant=tenant_a, code="ATL")
    bins = {}
    for site in (chi, atl):
        zone = ZoneFactory(site=site)
        bins[site.code] = {
            code: bin_in(tenant_a, zone=zone, code=code) for code in ("R-01", "P-01")
        }
    item = ItemFactory(tenant=tenant_a, sku="WIDGET", standard_cost=Decimal("1.00"))
    for site_bins in bins.values():
        receive(tenant_a, item, site_bins["R-01"], 10)
    return chi, atl, bins, item


def _work_at(client, site) -> None:
    # Written as a path so the test ran (and failed) before the switch existed.
    client.post("/site/switch/", {"site": site.pk})


def test_an_adjustment_at_a_shared_bin_code_posts_at_the_chosen_site(client, tenant_a, two_sites):
    _chi, atl, bins, item = two_sites
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    response = client.post(
        reverse("inventory:adjustment_create"),
        {"site": atl.pk, "bin": "R-01", "item": "WIDGET", "quantity": "3",
         "status": "available", "reason_code": "found"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert on_hand(tenant_a, item, bins["ATL"]["R-01"]) == 13
    assert on_hand(tenant_a, item, bins["CHI"]["R-01"]) == 10
    with tenant_context(tenant_a):
        adjustment = Adjustment.objects.get()
        assert adjustment.state == "posted" and adjustment.location.bin_id == bins["ATL"]["R-01"].pk
    assert_ledger_clean(tenant_a)


def test_a_scanner_move_at_shared_bin_codes_stays_at_the_current_site(client, tenant_a, two_sites):
    chi, _atl, bins, item = two_sites
    client.force_login(member(tenant_a, Role.OPERATOR))
    _work_at(client, chi)
    key = client.get(reverse("inventory:scan_move")).context["form"].initial["key"]
    response = client.post(
        reverse("inventory:scan_move"),
        {"source": "R-01", "item": "WIDGET", "quantity": "4", "destination": "P-01", "key": key},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert on_hand(tenant_a, item, bins["CHI"]["R-01"]) == 6
    assert on_hand(tenant_a, item, bins["CHI"]["P-01"]) == 4
    assert on_hand(tenant_a, item, bins["ATL"]["R-01"]) == 10
    assert on_hand(tenant_a, item, bins["ATL"]["P-01"]) == 0
    with tenant_context(tenant_a):
        assert StockTransaction.objects.filter(kind="move").count() == 1
    assert_ledger_clean(tenant_a)
