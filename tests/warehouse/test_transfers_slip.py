"""The transfer's packing slip: both sites, each pick's bin, item, lot and quantity, and each
line's asked, shipped and received quantities, read back from the PDF's text."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.warehouse.pdfs import text
from tests.warehouse.transfer_sites import Sites

pytestmark = pytest.mark.django_db


def test_the_slip_lists_what_left_bin_by_bin(client, tenant_a):
    sites = Sites(tenant_a)
    transfer = sites.shipped(lines=((None, 12, ""), (sites.lotted, 3, "")))
    client.force_login(sites.operator)
    response = client.get(reverse("warehouse:transfer_slip", args=[transfer.pk]))
    assert response["Content-Type"] == "application/pdf"
    content = text(response.content)
    assert f"Transfer {transfer.number}" in content
    assert "Site CHI" in content and "Site ATL" in content
    assert "R-01 BOLT" in content and "10 each" in content
    assert "R-02 BOLT" in content and "2 each" in content
    assert "L1 · exp 2031-01-01 3 each" in content
    assert "1 BOLT 12 each 12 each 0 each" in content
