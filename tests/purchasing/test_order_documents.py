"""The purchase order PDF: data printed as typed (never as markup), in an embedded Unicode
font, on the tenant's paper, with the ship-to address laid out for its country."""

from __future__ import annotations

import io
from decimal import Decimal

import pypdf
import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from purchasing.models import PurchaseOrderLine
from tests.factories import ItemFactory, PurchaseOrderFactory, SiteFactory, SupplierFactory, member
from tests.warehouse import pdfs

pytestmark = pytest.mark.django_db

NON_LATIN = "Łódź Grüße Ελλάδα Москва"


@pytest.fixture
def planner(client, tenant_a):
    client.force_login(member(tenant_a, Role.PLANNER))
    return client


def _order(tenant, *, supplier_name: str, address: str = "", notes: str = "", description: str = "Beans"):  # fmt: skip
    site = SiteFactory(
        tenant=tenant, name="Chicago DC", address_line1="233 S Wacker Dr", city="Chicago",
        region="IL", postal_code="60601", country="US",
    )  # fmt: skip
    supplier = SupplierFactory(tenant=tenant, name=supplier_name, address=address)
    order = PurchaseOrderFactory(supplier=supplier, site=site, notes=notes)
    item = ItemFactory(tenant=tenant, sku="BEANS", description=description)
    with tenant_context(tenant):
        PurchaseOrderLine.objects.create(
            tenant=tenant, order=order, line_no=1, item=item, unit="each", quantity=Decimal(3),
            quantity_base=Decimal(3), unit_cost=Decimal("2.50"), expected_date=order.expected_date,
        )  # fmt: skip
    return order


def _pdf(client, order) -> bytes:
    response = client.get(reverse("purchasing:order_pdf", args=[order.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response.content


def test_markup_in_supplier_data_prints_as_typed_and_loads_no_file(planner, tenant_a):
    name = f"ACME <b>bold {NON_LATIN}"  # an unclosed tag: reportlab refused it (a 500)
    address = '<img src="/etc/hostname" width="400" height="400"/>\n<font size="40">Big</font> St'
    notes = "Deliver to <b>gate 2</b> & call <i>first</i>"
    order = _order(tenant_a, supplier_name=name, address=address, notes=notes)
    content = _pdf(planner, order)
    text = pdfs.text(content)
    assert name in text
    assert '<img src="/etc/hostname" width="400" height="400"/>' in text
    assert '<font size="40">Big</font> St' in text
    assert notes in text
    # No image was embedded: the page draws text and rules only.
    page = pypdf.PdfReader(io.BytesIO(content)).pages[0]
    assert "/XObject" not in page["/Resources"]


def test_purchase_order_prints_non_latin_text_in_embedded_dejavu(planner, tenant_a):
    order = _order(tenant_a, supplier_name=NON_LATIN, description=f"Kaffee {NON_LATIN}")
    content = _pdf(planner, order)
    assert pdfs.text(content).count(NON_LATIN) == 2
    assert pdfs.fonts(content) <= {"DejaVuSans", "DejaVuSans-Bold"}
    assert "DejaVuSans" in pdfs.embedded(content)


def test_purchase_order_prints_on_the_tenants_paper_with_a_us_ship_to(planner, tenant_a):
    order = _order(tenant_a, supplier_name="Acme Foods")
    assert pdfs.page_sizes(_pdf(planner, order)) == [(595, 842)]  # A4 unless the tenant says
    tenant_a.paper_size = "letter"
    tenant_a.save()
    content = _pdf(planner, order)
    assert pdfs.page_sizes(content) == [(612, 792)]
    text = pdfs.text(content)
    assert "Chicago DC 233 S Wacker Dr Chicago, IL 60601" in text
    assert "60601 Chicago" not in text
