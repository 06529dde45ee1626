"""Sites and bins through the API: filters, sync by updated_since, paging, tenant isolation."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Site
from tests.factories import BinFactory, SiteFactory, ZoneFactory

pytestmark = pytest.mark.django_db


def _codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["items"]]


def test_sites_list_and_detail(tenant_a, api_as):
    site = SiteFactory(tenant=tenant_a, code="CHI", name="Chicago", city="Chicago")
    api = api_as(tenant_a, Role.OPERATOR)
    assert _codes(api.get("/sites")) == ["CHI"]
    detail = api.get(f"/sites/{site.pk}").json()
    assert detail["name"] == "Chicago" and detail["city"] == "Chicago"
    assert detail["time_zone"] == "Europe/Berlin" and detail["is_active"] is True


def test_a_changed_site_comes_round_again_for_an_updated_since_sync(tenant_a, api_as):
    chicago = SiteFactory(tenant=tenant_a, code="CHI")
    SiteFactory(tenant=tenant_a, code="SEA")
    api = api_as(tenant_a, Role.PLANNER)
    since = timezone.now() + datetime.timedelta(microseconds=1)
    assert _codes(api.get("/sites", updated_since=since.isoformat())) == []
    with tenant_context(tenant_a):
        # A queryset update, not save(): the trigger must still move updated_at.
        Site.objects.filter(pk=chicago.pk).update(name="Chicago West")
    assert _codes(api.get("/sites", updated_since=since.isoformat())) == ["CHI"]


def test_bins_filtered_by_site_zone_type_and_active(tenant_a, api_as):
    chicago = SiteFactory(tenant=tenant_a, code="CHI")
    seattle = SiteFactory(tenant=tenant_a, code="SEA")
    pick = ZoneFactory(site=chicago, code="PICK", zone_type="pick")
    bulk = ZoneFactory(site=chicago, code="BULK")
    BinFactory(zone=pick, code="P-01", bin_type="pick_face")
    BinFactory(zone=pick, code="P-02", bin_type="pick_face", is_active=False)
    BinFactory(zone=bulk, code="R-01")
    BinFactory(zone=ZoneFactory(site=seattle, code="PICK"), code="P-01", bin_type="pick_face")
    api = api_as(tenant_a, Role.SUPERVISOR)
    assert sorted(_codes(api.get("/bins", site="CHI"))) == ["P-01", "P-02", "R-01"]
    assert _codes(api.get("/bins", site="CHI", zone="PICK", active="true")) == ["P-01"]
    assert _codes(api.get("/bins", type="reserve")) == ["R-01"]
    row = api.get("/bins", site="SEA").json()["items"][0]
    assert (row["site"], row["zone"], row["zone_type"], row["bin_type"]) == (
        "SEA",
        "PICK",
        "storage",
        "pick_face",
    )
    bad = api.get("/bins", type="shelf")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_request"


def test_bins_page_across_pages_without_repeats(tenant_a, api_as):
    zone = ZoneFactory(site=SiteFactory(tenant=tenant_a, code="CHI"))
    for n in range(7):
        BinFactory(zone=zone, code=f"B-{n}")
    api = api_as(tenant_a, Role.ADMIN)
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = api.get("/bins", **params).json()
        seen += [row["code"] for row in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and sorted(seen) == [f"B-{n}" for n in range(7)]
    broken = api.get("/bins", cursor="not-a-cursor")
    assert broken.status_code == 400 and broken.json()["code"] == "invalid_cursor"


def test_other_tenants_sites_and_bins_are_404_and_never_listed(tenant_a, tenant_b, api_as):
    theirs = BinFactory(zone=ZoneFactory(site=SiteFactory(tenant=tenant_b, code="THEIRS")))
    SiteFactory(tenant=tenant_a, code="OURS")
    api = api_as(tenant_a, Role.ADMIN)
    assert _codes(api.get("/sites")) == ["OURS"]
    assert _codes(api.get("/bins")) == []
    assert api.get(f"/sites/{theirs.site_id}").status_code == 404
    missing = api.get(f"/bins/{theirs.pk}")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
