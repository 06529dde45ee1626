"""Items and bins are picked by search-as-you-type on the desk forms (issue 8, finding 8):
items by SKU, description or GTIN, bins by code and narrowed to the form's site; only the
tenant's active rows, a bounded query, GET only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erp.roles import Role
from tests.factories import ItemFactory, ItemUnitFactory, SiteFactory, bin_in, member
from tests.lookups import BAD_QUERIES, offered

pytestmark = pytest.mark.django_db

ITEMS = reverse("inventory:item_lookup")
BINS = reverse("inventory:bin_lookup")


@pytest.fixture
def supervisor(tenant_a, client):
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    return client


@pytest.fixture
def items(tenant_a, tenant_b):
    beans = ItemFactory(tenant=tenant_a, sku="NW-COF-1KG", description="Arabica coffee beans")
    ItemUnitFactory(item=beans, code="case", factor=12, gtin="09501101530003")
    ItemFactory(tenant=tenant_a, sku="NW-CUP-12", description="Paper cups for coffee")
    ItemFactory(tenant=tenant_a, sku="NW-COF-OLD", description="Old coffee", is_active=False)
    ItemFactory(tenant=tenant_b, sku="NW-COF-BRAVO", description="Bravo coffee")


def test_items_match_by_sku_description_or_gtin(supervisor, items):
    assert offered(supervisor, ITEMS, "nw-cof") == ["NW-COF-1KG"]
    assert offered(supervisor, ITEMS, "coffee") == ["NW-COF-1KG", "NW-CUP-12"]
    assert offered(supervisor, ITEMS, "0950110") == ["NW-COF-1KG"]


def test_another_tenants_and_inactive_items_never_appear(supervisor, items):
    codes = offered(supervisor, ITEMS, "NW")
    assert "NW-COF-BRAVO" not in codes and "NW-COF-OLD" not in codes


@pytest.fixture
def bins(tenant_a, tenant_b):
    chi, atl = SiteFactory(tenant=tenant_a, code="CHI"), SiteFactory(tenant=tenant_a, code="ATL")
    bin_in(tenant_a, site=chi, code="P-01-01")
    bin_in(tenant_a, site=atl, code="P-01-02")
    bin_in(tenant_a, site=chi, code="P-01-09", is_active=False)
    bin_in(tenant_b, code="P-01-03")
    return {"CHI": chi, "ATL": atl}


def test_bins_match_by_code_at_every_site_or_the_forms_site(supervisor, bins):
    assert offered(supervisor, BINS, "p-01") == ["P-01-01", "P-01-02"]
    assert offered(supervisor, BINS, "P-01", site=bins["ATL"].pk) == ["P-01-02"]
    assert offered(supervisor, BINS, "P-01", site="CHI") == ["P-01-01"]
    assert "CHI" in supervisor.get(BINS, {"q": "P-01-01"}).content.decode()


def test_the_lookups_bound_their_input(supervisor, items, bins):
    for url in (ITEMS, BINS):
        for query in BAD_QUERIES:
            assert offered(supervisor, url, query) == []
    assert offered(supervisor, BINS, "P", site="x" * 10_000) == ["P-01-01", "P-01-02"]
    assert offered(supervisor, BINS, "P", site="C\x00HI") == ["P-01-01", "P-01-02"]


def test_the_lookups_are_gets_for_desk_roles(client, tenant_a, items):
    client.force_login(member(tenant_a, Role.OPERATOR))
    assert client.get(ITEMS, {"q": "NW"}).status_code == 403
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    assert client.post(ITEMS, {"q": "NW"}).status_code == 405
    assert client.post(BINS, {"q": "P"}).status_code == 405


def test_the_adjustment_form_offers_bin_and_item_lookups(supervisor):
    page = supervisor.get(reverse("inventory:adjustment_create")).content.decode()
    assert f'hx-get="{BINS}"' in page and f'hx-get="{ITEMS}"' in page
    assert page.count('role="combobox"') == 2
