"""A transfer's GS1 carton labels: the SSCC its carton is given once when it ships (from the
numbering the outbound cartons use; shipped unpacked, it travels as one carton), the label PDF
with both sites, the transfer number and the SSCC as GS1-128, and the page that says what is
missing when the tenant has no GS1 company prefix."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erp.tenancy import tenant_context
from inventory.models import StockTransaction
from tests.warehouse.pdfs import barcodes, text
from tests.warehouse.transfer_sites import Sites
from warehouse.models import ShippingSettings, TransferCarton, TransferOrder

pytestmark = pytest.mark.django_db

PREFIX = "0614141"
SERIAL = 123456789
# Extension 3, prefix 0614141, serial 123456789: body 30614141123456789. From the right the
# weights are 3, 1, 3, ...: the odd places from the left (3 6 4 4 1 3 5 7 9 = 42) count three
# times, 126, the even ones (0 1 1 1 2 4 6 8 = 23) once: 149, so the check digit is 10 - 9 = 1.
EXPECTED_SSCC = "306141411234567891"


def _prefix(tenant, prefix: str = PREFIX) -> None:
    with tenant_context(tenant):
        ShippingSettings.objects.update_or_create(
            tenant=tenant,
            defaults={"gs1_company_prefix": prefix, "extension_digit": 3, "next_serial": SERIAL},
        )


def _settings(tenant) -> ShippingSettings | None:
    with tenant_context(tenant):
        return ShippingSettings.objects.filter(tenant=tenant).first()


def _ssccs(tenant, transfer) -> list[str]:
    with tenant_context(tenant):
        return list(
            TransferCarton.objects.filter(transfer=transfer)
            .order_by("number")
            .values_list("sscc", flat=True)
        )


def _fresh(tenant, transfer) -> TransferOrder:
    with tenant_context(tenant):
        return TransferOrder.objects.get(pk=transfer.pk)


def test_a_repeated_ship_posts_once_and_keeps_the_first_sscc(client, tenant_a):
    sites = Sites(tenant_a)
    _prefix(tenant_a)
    transfer = sites.picked()
    client.force_login(sites.operator)
    ship = reverse("warehouse:transfer_ship", args=[transfer.pk])
    client.post(ship, {"back": "pick"})
    assert _ssccs(tenant_a, transfer) == [EXPECTED_SSCC]
    # A second tap with its own key reaches the service, which refuses a shipped transfer.
    response = client.post(ship, {"idempotency_key": "a" * 32, "back": "pick"}, follow=True)
    assert response.status_code == 200
    assert _ssccs(tenant_a, transfer) == [EXPECTED_SSCC]
    assert _settings(tenant_a).next_serial == SERIAL + 1
    with tenant_context(tenant_a):
        postings = StockTransaction.objects.filter(
            tenant=tenant_a, reference=f"{transfer.number} out"
        )
        assert postings.count() == 1


def test_each_shipped_transfer_takes_the_next_serial(tenant_a):
    sites = Sites(tenant_a)
    _prefix(tenant_a)
    first = sites.shipped()
    second = sites.shipped(lines=((None, 4, ""),))
    assert _ssccs(tenant_a, first) == [EXPECTED_SSCC]
    [code] = _ssccs(tenant_a, second)
    assert code[:-1] == "30614141123456790"
    assert _settings(tenant_a).next_serial == SERIAL + 2


def test_the_label_names_both_sites_the_transfer_and_the_sscc(client, tenant_a):
    sites = Sites(tenant_a)
    _prefix(tenant_a)
    transfer = sites.shipped()
    client.force_login(sites.operator)
    response = client.get(reverse("warehouse:transfer_label", args=[transfer.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = text(response.content)
    assert "FROM Site CHI" in content and "TO Site ATL" in content
    assert f"TRANSFER {transfer.number}" in content
    assert f"(00) 3 {PREFIX} {SERIAL} 1" in content
    assert "CARTON 1 OF 1" in content
    assert f"]C100{EXPECTED_SSCC}" in barcodes(response.content)


def test_the_detail_page_and_the_ship_step_link_the_label_once_shipped(client, tenant_a):
    sites = Sites(tenant_a)
    _prefix(tenant_a)
    transfer = sites.picked()
    label = reverse("warehouse:transfer_label", args=[transfer.pk]).encode()
    client.force_login(sites.supervisor)
    detail = reverse("warehouse:transfer_detail", args=[transfer.pk])
    assert label not in client.get(detail).content
    client.force_login(sites.operator)
    shipped = client.post(
        reverse("warehouse:transfer_ship", args=[transfer.pk]), {"back": "pick"}, follow=True
    )
    assert shipped.redirect_chain[-1][0] == reverse("warehouse:transfer_pick", args=[transfer.pk])
    assert label in shipped.content
    client.force_login(sites.supervisor)
    page = client.get(detail)
    assert label in page.content and EXPECTED_SSCC.encode() in page.content


def test_without_a_prefix_the_transfer_ships_and_the_label_page_says_so(client, tenant_a):
    sites = Sites(tenant_a)
    transfer = sites.shipped()
    assert transfer.status == "shipped" and _ssccs(tenant_a, transfer) == [""]
    client.force_login(sites.operator)
    response = client.get(reverse("warehouse:transfer_label", args=[transfer.pk]))
    assert response.status_code == 200
    assert "text/html" in response["Content-Type"]
    assert "Set the GS1 company prefix in Settings \u203a Shipping" in response.content.decode()


def test_reading_the_label_never_assigns_a_number(client, tenant_a):
    """A prefix set after the transfer shipped: the page says so and numbers nothing."""
    sites = Sites(tenant_a)
    transfer = sites.shipped()
    _prefix(tenant_a)
    client.force_login(sites.operator)
    response = client.get(reverse("warehouse:transfer_label", args=[transfer.pk]))
    assert response.status_code == 200
    assert "before the GS1 company prefix was set" in response.content.decode()
    assert _ssccs(tenant_a, transfer) == [""]
    assert _settings(tenant_a).next_serial == SERIAL


def test_an_unshipped_transfer_has_no_label_yet(client, tenant_a):
    sites = Sites(tenant_a)
    _prefix(tenant_a)
    transfer = sites.picked()
    client.force_login(sites.operator)
    response = client.get(reverse("warehouse:transfer_label", args=[transfer.pk]))
    assert response.status_code == 200
    assert "has not shipped yet" in response.content.decode()
    assert _fresh(tenant_a, transfer).sscc == ""
    assert _settings(tenant_a).next_serial == SERIAL


def test_another_tenants_transfer_label_is_not_found(client, tenant_a, tenant_b):
    theirs = Sites(tenant_b)
    _prefix(tenant_b)
    transfer = theirs.shipped()
    client.force_login(Sites(tenant_a).operator)
    response = client.get(reverse("warehouse:transfer_label", args=[transfer.pk]))
    assert response.status_code == 404
