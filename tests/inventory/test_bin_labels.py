"""Bin labels name site and bin ("SITE/BIN"): the barcode read back from the PDF resolves to
that one bin even where the sites share bin codes; a label of another site is refused where
work is tied to a site; and no code may hold the separator."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import scanning
from inventory.errors import InvalidPosting
from inventory.models import Site
from tests.factories import ItemFactory, SiteFactory, ZoneFactory, bin_in, member
from tests.inventory.stock import assert_ledger_clean, on_hand, receive
from tests.warehouse import pdfs

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(tenant_a):
    """R-01 at CHI and at ATL."""
    chi = SiteFactory(tenant=tenant_a, code="CHI")
    atl = SiteFactory(tenant=tenant_a, code="ATL")
    return bin_in(tenant_a, site=chi, code="R-01"), bin_in(tenant_a, site=atl, code="R-01")


def test_the_printed_barcode_resolves_to_its_own_bin(admin_client, tenant_a, twins):
    response = admin_client.post(reverse("inventory:bin_labels"), {"bin": [b.pk for b in twins]})
    assert response.status_code == 200
    read = [pdfs.barcodes(response.content, page=page)[0] for page in (0, 1)]
    assert sorted(read) == ["ATL/R-01", "CHI/R-01"]
    with tenant_context(tenant_a):
        for text in read:
            location = scanning.resolve_bin(tenant=tenant_a, code=text)
            assert f"{location.bin.site.code}/{location.bin.code}" == text


def test_a_label_scan_moves_stock_at_the_labels_site_only(client, tenant_a, twins):
    chi_bin, atl_bin = twins
    destination = bin_in(tenant_a, site=atl_bin.site, code="P-01")
    item = ItemFactory(tenant=tenant_a, sku="GADGET")
    receive(tenant_a, item, chi_bin, 5)
    receive(tenant_a, item, atl_bin, 5)
    client.force_login(member(tenant_a, Role.OPERATOR))
    client.post(reverse("inventory:switch_site"), {"site": atl_bin.site.pk})
    key = client.get(reverse("inventory:scan_move")).context["form"].initial["key"]
    data = {"source": "ATL/R-01", "item": "GADGET", "quantity": "2", "destination": "ATL/P-01"}
    response = client.post(reverse("inventory:scan_move"), {**data, "key": key})
    assert response.status_code == 302
    assert on_hand(tenant_a, item, atl_bin) == 3 and on_hand(tenant_a, item, destination) == 2
    assert on_hand(tenant_a, item, chi_bin) == 5
    assert_ledger_clean(tenant_a)


def test_a_label_of_another_site_is_refused_where_work_has_a_site(client, tenant_a, twins):
    chi_bin, atl_bin = twins
    with tenant_context(tenant_a):
        with pytest.raises(InvalidPosting, match="at site CHI, not at ATL"):
            scanning.resolve_bin(tenant=tenant_a, code="CHI/R-01", site=atl_bin.site)
        with pytest.raises(InvalidPosting, match="No active bin R-02 at site CHI"):
            scanning.resolve_bin(tenant=tenant_a, code="CHI/R-02")
        plain = scanning.resolve_bin(tenant=tenant_a, code="r-01", site=chi_bin.site)
        assert plain.bin == chi_bin


def test_site_and_bin_codes_cannot_hold_the_separator(admin_client, tenant_a):
    site = SiteFactory(tenant=tenant_a, code="CHI")
    zone = ZoneFactory(site=site)
    refused = admin_client.post(
        reverse("inventory:site_create"),
        {"code": "A/B", "name": "Slash", "time_zone": "UTC"},
    )
    assert refused.status_code == 422 and b"cannot contain" in refused.content
    bin_refused = admin_client.post(
        reverse("inventory:bin_create"),
        {"zone": zone.pk, "code": "R/01", "bin_type": "reserve", "walk_sequence": 1},
    )
    assert bin_refused.status_code == 422 and b"cannot contain" in bin_refused.content
    with tenant_context(tenant_a):
        with pytest.raises(IntegrityError, match="inventory_site_code_no_slash"):
            Site.objects.create(tenant=tenant_a, code="X/Y", name="raw")


def test_picking_takes_the_bin_label_and_refuses_the_same_code_at_another_site(client, tenant_a):
    from tests.warehouse.outbound import Floor

    floor = Floor(tenant_a)
    task = floor.tasks(floor.released_wave())[0]
    elsewhere = SiteFactory(tenant=tenant_a, code="FAR")
    bin_in(tenant_a, site=elsewhere, code="P-01")
    client.force_login(floor.operator)
    client.post(reverse("warehouse:pick_start", args=[task.batch_id]))  # picks need it started
    url = reverse("warehouse:pick_task", args=[task.pk])
    label = f"(01){floor.coffee_gtin}(17)300630(10)L-2030-06"
    wrong = client.post(url, {"bin": "FAR/P-01", "item": label, "quantity": "6"})
    assert wrong.status_code == 422
    assert f"is at site FAR, not at {floor.site.code}".encode() in wrong.content
    done = client.post(url, {"bin": f"{floor.site.code}/P-01", "item": label, "quantity": "6"})
    assert done.status_code == 302
    assert on_hand(tenant_a, floor.coffee, floor.staging, lot=floor.lot) == 6
    assert_ledger_clean(tenant_a)
