"""The wave builder offers only what exists (issue 8, finding 8): the zones of the chosen site
(refreshed with the preview when the site changes), and the carriers and routes in use on
the tenant's customers and open orders instead of free text."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import CustomerFactory, ZoneFactory
from tests.warehouse.outbound import Floor

pytestmark = pytest.mark.django_db

URL = reverse("warehouse:wave_create")


@pytest.fixture
def floors(tenant_a, tenant_b):
    main, other = Floor(tenant_a), Floor(tenant_a)
    ZoneFactory(site=other.site, code="FAR")
    Floor(tenant_b)  # another tenant's customers and zones never show
    CustomerFactory(tenant=tenant_b, carrier="Bravo Freight", route="BRAVO-1")
    return main, other


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_zone_select_offers_only_the_chosen_sites_zones(client, floors):
    main, other = floors
    client.force_login(main.supervisor)
    first = client.get(URL, {"site": main.site.pk, "orders_per_batch": 4}).content.decode()
    zones = _options(first, "zone")
    assert zones[0] == "Any zone" and len(zones) == 4  # PCK, STO and PAK of this site
    assert not any("FAR" in zone for zone in zones)
    second = client.get(URL, {"site": other.site.pk, "orders_per_batch": 4}).content.decode()
    zones = _options(second, "zone")
    assert len(zones) == 5 and any("FAR" in zone for zone in zones)


def test_changing_the_site_refreshes_the_zones_and_drops_the_old_sites_zone(client, floors):
    main, other = floors
    main.released_order()
    client.force_login(main.supervisor)
    refreshed = client.get(
        URL,
        {"site": main.site.pk, "zone": other.p1.zone_id, "orders_per_batch": 4},
        headers={"HX-Request": "true"},
    )
    html = refreshed.content.decode()
    assert refreshed.status_code == 200 and "1</strong> order" in html
    assert 'hx-swap-oob="true"' in html and 'id="id_zone"' in html
    zones = "".join(_options(html, "zone"))
    assert "PCK" in zones and "FAR" not in zones


def test_carrier_and_route_are_choices_of_the_values_in_use(client, floors, tenant_a):
    main, _ = floors
    CustomerFactory(tenant=tenant_a, carrier="FedEx Freight", route="CHI-S")
    main.released_order()
    client.force_login(main.supervisor)
    page = client.get(URL).content.decode()
    carriers, routes = _options(page, "carrier"), _options(page, "route")
    assert carriers[0] == "Any carrier" and "FedEx Freight" in carriers
    assert routes[0] == "Any route" and "CHI-S" in routes
    assert "Bravo Freight" not in carriers and "BRAVO-1" not in routes
    unknown = client.post(
        URL, {"site": main.site.pk, "carrier": "Pony Express", "orders_per_batch": 4}
    )
    assert unknown.status_code == 422 and b"Select a valid choice" in unknown.content


def test_the_builder_opens_at_the_supervisors_current_site(client, floors):
    main, other = floors
    client.force_login(main.supervisor)
    client.post(reverse("inventory:switch_site"), {"site": other.site.pk})
    page = client.get(URL).content.decode()
    chosen = re.search(r'<select name="site".*?<option value="(\d+)" selected', page, re.S)
    assert chosen and int(chosen.group(1)) == other.site.pk
    assert any("FAR" in zone for zone in _options(page, "zone"))
