"""Admin pages for sites, zones and bins: create, validate, history, labels."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from erp.tenancy import tenant_context
from inventory.models import Bin, Site, Zone
from tests.factories import BinFactory, SiteFactory, ZoneFactory, bin_in

pytestmark = pytest.mark.django_db


def test_admin_creates_a_site_and_sees_it_listed(admin_client, tenant_a):
    response = admin_client.post(
        reverse("inventory:site_create"),
        {
            "code": "HAM",
            "name": "Hamburg",
            "country": "de",
            "time_zone": "Europe/Berlin",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        site = Site.objects.get(code="HAM")
    assert site.country == "DE" and site.tenant == tenant_a
    listing = admin_client.get(reverse("inventory:site_list"))
    assert b"Hamburg" in listing.content


@pytest.mark.parametrize(
    "data,message",
    [
        ({"code": "", "name": "X", "time_zone": "UTC"}, b"This field is required"),
        ({"code": "A B", "name": "X", "time_zone": "UTC"}, b"cannot be empty or contain spaces"),
        ({"code": "OK", "name": "X", "time_zone": "Mars/Olympus"}, b"Select a valid choice"),
        ({"code": "OK", "name": "X", "time_zone": "UTC", "country": "Germany"}, b"two-letter ISO"),
    ],
)
def test_bad_site_input_is_refused_with_a_message(admin_client, data, message):
    response = admin_client.post(reverse("inventory:site_create"), data)
    assert response.status_code == 422
    assert message in response.content


def test_duplicate_site_code_is_refused_with_its_code(admin_client, tenant_a):
    SiteFactory(tenant=tenant_a, code="DUP")
    response = admin_client.post(
        reverse("inventory:site_create"), {"code": "DUP", "name": "Again", "time_zone": "UTC"}
    )
    assert response.status_code == 422
    assert b"Site DUP already exists" in response.content


def test_same_site_code_is_fine_in_another_tenant(admin_client, tenant_b):
    SiteFactory(tenant=tenant_b, code="SAME")
    response = admin_client.post(
        reverse("inventory:site_create"), {"code": "SAME", "name": "Mine", "time_zone": "UTC"}
    )
    assert response.status_code == 302


def test_site_edit_is_recorded_in_its_history_page(admin_client, admin_a, tenant_a):
    site = SiteFactory(tenant=tenant_a, name="Old name")
    admin_client.post(
        reverse("inventory:site_detail", args=[site.pk]),
        {"code": site.code, "name": "New name", "time_zone": "UTC", "is_active": "on"},
    )
    page = admin_client.get(reverse("inventory:site_detail", args=[site.pk]))
    text = page.content.decode()
    assert "Old name" in text and "New name" in text
    assert admin_a.email in text or admin_a.full_name in text


def test_zone_form_offers_only_own_sites(admin_client, tenant_a, tenant_b):
    SiteFactory(tenant=tenant_a, code="MINE")
    other = SiteFactory(tenant=tenant_b, code="THEIRS")
    page = admin_client.get(reverse("inventory:zone_create"))
    assert b"MINE" in page.content and b"THEIRS" not in page.content
    response = admin_client.post(
        reverse("inventory:zone_create"),
        {"site": other.pk, "code": "Z", "name": "Z", "zone_type": "pick"},
    )
    assert response.status_code == 422
    with tenant_context(tenant_a):
        assert not Zone.objects.exists()


def test_bin_takes_its_site_from_its_zone_and_codes_are_unique_per_site(admin_client, tenant_a):
    zone = ZoneFactory(site=SiteFactory(tenant=tenant_a))
    data = {
        "zone": zone.pk,
        "code": "A-01",
        "bin_type": "pick_face",
        "walk_sequence": 5,
        "capacity_units": 100,
        "is_active": "on",
    }
    assert admin_client.post(reverse("inventory:bin_create"), data).status_code == 302
    again = admin_client.post(reverse("inventory:bin_create"), data)
    assert again.status_code == 422
    assert f"Bin A-01 already exists at site {zone.site.code}".encode() in again.content
    with tenant_context(tenant_a):
        bin = Bin.objects.get(code="A-01")
    assert bin.site_id == zone.site_id


def test_bin_with_negative_capacity_is_refused(admin_client, tenant_a):
    zone = ZoneFactory(site=SiteFactory(tenant=tenant_a))
    response = admin_client.post(
        reverse("inventory:bin_create"),
        {
            "zone": zone.pk,
            "code": "N-1",
            "bin_type": "reserve",
            "walk_sequence": 0,
            "capacity_weight": "-5",
        },
    )
    assert response.status_code == 422
    assert b"greater than or equal to 0" in response.content


def test_bin_list_filters_by_type_on_the_server(admin_client, tenant_a):
    zone = ZoneFactory(site=SiteFactory(tenant=tenant_a))
    BinFactory(zone=zone, code="PF-1", bin_type="pick_face")
    BinFactory(zone=zone, code="RS-1", bin_type="reserve")
    response = admin_client.get(reverse("inventory:bin_list"), {"bin_type": "pick_face"})
    assert b"PF-1" in response.content and b"RS-1" not in response.content


def test_bin_label_pdf_carries_the_code(admin_client, tenant_a):
    bin = BinFactory(zone=ZoneFactory(site=SiteFactory(tenant=tenant_a)), code="LBL-42")
    response = admin_client.get(reverse("inventory:bin_label", args=[bin.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    assert "LBL-42" in reader.pages[0].extract_text()


def test_labels_for_ticked_bins_or_the_filtered_list(admin_client, tenant_a):
    zone = ZoneFactory(site=SiteFactory(tenant=tenant_a))
    bins = BinFactory.create_batch(3, zone=zone, bin_type="reserve")
    BinFactory(zone=zone, bin_type="dock")
    ticked = admin_client.post(reverse("inventory:bin_labels"), {"bin": [bins[0].pk, bins[2].pk]})
    assert len(PdfReader(io.BytesIO(ticked.content)).pages) == 2
    filtered = admin_client.post(reverse("inventory:bin_labels"), {"bin_type": "reserve"})
    assert len(PdfReader(io.BytesIO(filtered.content)).pages) == 3
    none = admin_client.post(reverse("inventory:bin_labels"), {"code": "no-such-bin"}, follow=True)
    assert b"No bins selected" in none.content


def test_junk_filter_values_show_an_error_and_no_rows(admin_client, tenant_a):
    BinFactory(zone=ZoneFactory(site=SiteFactory(tenant=tenant_a)), code="KEEP-1")
    response = admin_client.get(
        reverse("inventory:bin_list"), {"site": "abc", "page": "999", "sort": "nonsense"}
    )
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert b"KEEP-1" not in response.content


def test_site_and_zone_lists_count_their_zones_and_bins(admin_client, tenant_a, tenant_b):
    """HAM: zones A (two bins) and B (one); EMPTY: none. Another tenant's bins at a site of
    the same code count for nothing here."""
    ham, empty = (
        SiteFactory(tenant=tenant_a, code="HAM"),
        SiteFactory(tenant=tenant_a, code="EMPTY"),
    )
    a = ZoneFactory(tenant=tenant_a, site=ham, code="A")
    b = ZoneFactory(tenant=tenant_a, site=ham, code="B")
    for zone in (a, a, b):
        BinFactory(tenant=tenant_a, site=ham, zone=zone)
    bin_in(tenant_b, site=SiteFactory(tenant=tenant_b, code="HAM"))

    sites = admin_client.get(reverse("inventory:site_list")).context["table"].page.object_list
    assert {s.code: (s.zone_count, s.bin_count) for s in sites} == {"HAM": (2, 3), "EMPTY": (0, 0)}
    zones = admin_client.get(reverse("inventory:zone_list")).context["table"].page.object_list
    assert sorted((z.code, z.bin_count) for z in zones) == [("A", 2), ("B", 1)]
    assert empty.pk not in {z.site_id for z in zones}
