"""A bin code typed without a site, held by several sites, offers those sites to choose
from (instead of a dead end), and the chosen one is used."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import scanning
from inventory.errors import AmbiguousBin
from tests.factories import ItemFactory, SiteFactory, bin_in, member
from tests.inventory.stock import assert_ledger_clean, on_hand, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor(tenant_a):
    chi = SiteFactory(tenant=tenant_a, code="CHI")
    atl = SiteFactory(tenant=tenant_a, code="ATL")
    other = SiteFactory(tenant=tenant_a, code="DEN")  # no R-01 here: never offered
    bin_in(tenant_a, site=other, code="X-01")
    bins = {s.code: bin_in(tenant_a, site=s, code="R-01") for s in (chi, atl)}
    bins["ATL-P"] = bin_in(tenant_a, site=atl, code="P-01")
    bin_in(tenant_a, site=chi, code="P-01")
    item = ItemFactory(tenant=tenant_a, sku="WIDGET")
    receive(tenant_a, item, bins["CHI"], 8)
    receive(tenant_a, item, bins["ATL"], 8)
    return chi, atl, other, bins, item


def _offered(content: bytes) -> set[str]:
    return set(re.findall(r'type="radio" name="site" value="(\d+)"', content.decode()))


def test_the_lookup_names_the_sites_that_hold_the_code(tenant_a, floor):
    chi, atl, _other, _bins, _item = floor
    with tenant_context(tenant_a):
        with pytest.raises(AmbiguousBin) as raised:
            scanning.resolve_bin(tenant=tenant_a, code="R-01")
    assert {s.pk for s in raised.value.sites} == {chi.pk, atl.pk}
    assert "ATL, CHI" in str(raised.value)


def test_an_adjustment_without_a_site_offers_the_choice_then_posts_there(client, tenant_a, floor):
    chi, atl, _other, bins, item = floor
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    data = {"site": "", "bin": "R-01", "item": "WIDGET", "quantity": "-2",
            "status": "available", "reason_code": "lost"}  # fmt: skip
    response = client.post(reverse("inventory:adjustment_create"), data)
    assert response.status_code == 422
    assert b"exists at ATL, CHI: choose the site" in response.content
    assert _offered(response.content) == {str(chi.pk), str(atl.pk)}
    assert b'value="R-01"' in response.content  # what was typed stays
    chosen = client.post(reverse("inventory:adjustment_create"), {**data, "site": atl.pk})
    assert chosen.status_code == 302
    assert on_hand(tenant_a, item, bins["ATL"]) == 6 and on_hand(tenant_a, item, bins["CHI"]) == 8
    assert_ledger_clean(tenant_a)


def test_a_move_without_a_current_site_offers_the_choice_then_moves_there(client, tenant_a, floor):
    chi, atl, _other, bins, item = floor
    client.force_login(member(tenant_a, Role.OPERATOR))
    key = client.get(reverse("inventory:scan_move")).context["form"].initial["key"]
    data = {"source": "R-01", "item": "WIDGET", "quantity": "3", "destination": "P-01", "key": key}
    response = client.post(reverse("inventory:scan_move"), data)
    assert response.status_code == 422
    assert _offered(response.content) == {str(chi.pk), str(atl.pk)}
    moved = client.post(reverse("inventory:scan_move"), {**data, "site": atl.pk})
    assert moved.status_code == 302
    assert on_hand(tenant_a, item, bins["ATL"]) == 5
    assert on_hand(tenant_a, item, bins["ATL-P"]) == 3
    assert on_hand(tenant_a, item, bins["CHI"]) == 8
    assert_ledger_clean(tenant_a)
