"""Bin labels: names from data in the embedded font, on the label's own size whatever the
tenant's paper."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import BinFactory, SiteFactory, ZoneFactory
from tests.warehouse import pdfs

pytestmark = pytest.mark.django_db


def test_bin_label_prints_non_latin_codes_in_dejavu_on_the_label_size(admin_client, tenant_a):
    tenant_a.paper_size = "letter"
    tenant_a.save()
    site = SiteFactory(tenant=tenant_a, code="ŁÓDŹ")
    bin = BinFactory(zone=ZoneFactory(site=site, code="ΖΩΝΗ"), code="Склад-01")
    response = admin_client.get(reverse("inventory:bin_label", args=[bin.pk]))
    assert response.status_code == 200
    text = pdfs.text(response.content)
    assert "ŁÓDŹ · ΖΩΝΗ" in text and "Склад-01" in text
    assert pdfs.fonts(response.content) <= {"DejaVuSans", "DejaVuSans-Bold"}
    assert pdfs.page_sizes(response.content) == [(283, 142)]  # 100 x 50 mm
