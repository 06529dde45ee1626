"""Scanner input ends each scan with Enter, which submits the form: a form that only lacks
what is not scanned yet comes back without errors, keeping what was scanned and focused on
the next empty field; a refused scan says why without complaining about the rest."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erp.roles import Role
from tests.factories import ItemFactory, SiteFactory, bin_in, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client, tenant_a):
    site = SiteFactory(tenant=tenant_a, code="CHI")
    bin_in(tenant_a, site=site, code="R-01")
    ItemFactory(tenant=tenant_a, sku="WIDGET")
    client.force_login(member(tenant_a, Role.OPERATOR))
    return client


def _key(client) -> str:
    return client.get(reverse("inventory:scan_move")).context["form"].initial["key"]


def test_a_bin_scan_alone_moves_on_to_the_item(operator):
    response = operator.post(
        reverse("inventory:scan_move"), {"source": "R-01", "key": _key(operator)}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound and form.initial["source"] == "R-01"
    assert form.fields["item"].widget.attrs.get("autofocus")
    assert not form.fields["source"].widget.attrs.get("autofocus")
    assert b"This field is required" not in response.content


def test_a_refused_bin_scan_says_why_and_nothing_else(operator):
    response = operator.post(
        reverse("inventory:scan_move"), {"source": "NOPE", "key": _key(operator)}
    )
    assert response.status_code == 422
    assert b"No active bin" in response.content
    assert b"This field is required" not in response.content


def test_the_adjustment_form_steps_from_bin_to_item_to_quantity(client, tenant_a, operator):
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    url = reverse("inventory:adjustment_create")
    base = {"site": "", "status": "available", "reason_code": "found"}
    after_bin = client.post(url, {**base, "bin": "R-01"})
    assert after_bin.status_code == 200
    assert after_bin.context["form"].fields["item"].widget.attrs.get("autofocus")
    after_item = client.post(url, {**base, "bin": "R-01", "item": "WIDGET"})
    assert after_item.context["form"].fields["quantity"].widget.attrs.get("autofocus")


def test_a_refused_item_scan_is_cleared_and_focused_keeping_the_bin(operator):
    data = {"source": "R-01", "item": "NO-SUCH", "key": _key(operator)}
    response = operator.post(reverse("inventory:scan_move"), data)
    assert response.status_code == 422
    assert b"No item with SKU or GTIN" in response.content
    form = response.context["form"]
    assert form.fields["item"].widget.attrs.get("autofocus")
    assert form["item"].value() == "" and form["source"].value() == "R-01"
