"""The supplier returns page exports what each of its tables shows (erp.exports, through
`build_table`): the returns waiting to ship, oldest first, and those shipped, newest first and
filtered by supplier, item and shipping day; another tenant's returns never; junk in the
shipped filters gives the page with its message, not a file, and leaves the waiting ones
shown."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from erp.tenancy import tenant_context
from purchasing.models import SupplierItem
from returns.models import ReturningSupplier, SupplierReturn
from returns.services import inspection
from tests.exports import csv_rows
from tests.factories import SupplierFactory
from tests.inventory.pages import utc
from tests.returns.returns_floor import Returns

pytestmark = pytest.mark.django_db

LIST = reverse("returns:supplier_return_list")
WAITING = ["Return", "Supplier", "Item", "Quantity", "Bin", "Waiting since"]
SHIPPED = ["Return", "Supplier", "Item", "Quantity", "Value", "Shipped"]


def _returned(r: Returns, supplier, quantities: list[int]) -> list[SupplierReturn]:
    """One RMA per quantity of the floor's coffee (lot L-2030-06, costing 1.00 each), graded
    defective and sent back to `supplier`: a supplier return each, waiting to ship."""
    with tenant_context(r.tenant):
        SupplierItem.objects.create(tenant=r.tenant, supplier=supplier, item=r.coffee, price=1)
        ReturningSupplier.objects.create(tenant=r.tenant, supplier=supplier)
    made = []
    for quantity in quantities:
        rma = r.inspected(grades=(("defective", quantity),))
        with tenant_context(r.tenant):
            row = inspection.dispose(
                tenant=r.tenant, user=r.operator, inspection=r.inspections(rma)[0],
                disposition="return_to_vendor", reason="supplier's fault",
            )  # fmt: skip
            made.append(SupplierReturn.objects.get(pk=row.supplier_return_id))
    return made


def _ship(r: Returns, rtv: SupplierReturn, when: str) -> None:
    with tenant_context(r.tenant):
        inspection.ship_supplier_return(tenant=r.tenant, user=r.operator, rtv=rtv)
        SupplierReturn.objects.filter(pk=rtv.pk).update(shipped_at=utc(when))


class Rtvs:
    """Tenant A (UTC): three supplier returns of coffee to Acme Roasters: RTV-00001 (2) shipped
    on 2 March, RTV-00002 (1) shipped on 5 March, RTV-00003 (1) waiting since 6 March 08:00.
    Tenant B: one of its own waiting, to Bravo Beans."""

    def __init__(self, tenant, tenant_b):
        self.r = Returns(tenant)
        self.acme = SupplierFactory(tenant=tenant, code="ACME", name="Acme Roasters")
        self.first, self.second, self.third = _returned(self.r, self.acme, [2, 1, 1])
        _ship(self.r, self.first, "2025-03-02 10:00")
        _ship(self.r, self.second, "2025-03-05 09:00")
        with tenant_context(tenant):
            SupplierReturn.objects.filter(pk=self.third.pk).update(
                created_at=utc("2025-03-06 08:00")
            )
        self.theirs = Returns(tenant_b)
        self.bravo = SupplierFactory(tenant=tenant_b, code="BRAVO", name="Bravo Beans")
        _returned(self.theirs, self.bravo, [1])
        self.coffee = f"{self.r.coffee.sku} L-2030-06"


@pytest.fixture
def rtvs(tenant_a, tenant_b):
    return Rtvs(tenant_a, tenant_b)


def test_the_page_shows_both_tables_with_their_filters_and_export_links(client, rtvs):
    client.force_login(rtvs.r.operator)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="?&amp;open-sort=created_at&amp;open-export=csv"' in html
    assert 'href="?&amp;shipped-sort=-shipped_at&amp;shipped-export=xlsx"' in html
    for name in ("supplier", "item", "shipped_from", "shipped_to"):
        assert f'name="{name}"' in html
    shown = [int(pk) for pk in re.findall(r'data-rtv="(\d+)"', html)]
    assert shown == [rtvs.third.pk, rtvs.second.pk, rtvs.first.pk]
    ship = reverse("returns:supplier_return_ship", args=[rtvs.third.pk])
    form = html[html.index(f'action="{ship}"') :]
    assert re.search(r'name="csrfmiddlewaretoken" value="\w{20,}"', form[: form.index("</form>")])


def test_each_csv_is_its_table_as_filtered(client, rtvs):
    client.force_login(rtvs.r.operator)

    assert csv_rows(client.get(LIST, {"open-export": "csv"})) == [
        WAITING,
        ["RTV-00003", "Acme Roasters", rtvs.coffee, "1.0000", "RET-01", "2025-03-06 08:00:00"],
    ]
    assert csv_rows(client.get(LIST, {"shipped-export": "csv"})) == [
        SHIPPED,
        ["RTV-00002", "Acme Roasters", rtvs.coffee, "1.0000", "1.0000", "2025-03-05 09:00:00"],
        ["RTV-00001", "Acme Roasters", rtvs.coffee, "2.0000", "2.0000", "2025-03-02 10:00:00"],
    ]
    early = {"shipped_from": "2025-03-01", "shipped_to": "2025-03-04", "shipped-export": "csv"}
    assert csv_rows(client.get(LIST, early)) == [
        SHIPPED,
        ["RTV-00001", "Acme Roasters", rtvs.coffee, "2.0000", "2.0000", "2025-03-02 10:00:00"],
    ]
    by_acme = {"supplier": rtvs.acme.pk, "item": "coffee", "shipped-export": "csv"}
    assert [row[0] for row in csv_rows(client.get(LIST, by_acme))] == [
        "Return",
        "RTV-00002",
        "RTV-00001",
    ]
    assert csv_rows(client.get(LIST, {"item": "cups", "shipped-export": "csv"})) == [SHIPPED]
    oldest = csv_rows(client.get(LIST, {"shipped-sort": "shipped_at", "shipped-export": "csv"}))
    assert [row[0] for row in oldest] == ["Return", "RTV-00001", "RTV-00002"]


def test_no_other_tenants_returns_reach_the_page_or_an_export(client, rtvs):
    client.force_login(rtvs.r.operator)
    html = client.get(LIST).content.decode()
    assert "Bravo Beans" not in html
    theirs = client.get(LIST, {"supplier": rtvs.bravo.pk, "shipped-export": "csv"})
    assert not theirs.streaming and "Select a valid choice" in theirs.content.decode()

    client.force_login(rtvs.theirs.operator)
    waiting = csv_rows(client.get(LIST, {"open-export": "csv"}))
    assert [row[:4] for row in waiting] == [
        WAITING[:4], ["RTV-00001", "Bravo Beans", f"{rtvs.theirs.coffee.sku} L-2030-06", "1.0000"],
    ]  # fmt: skip
    assert csv_rows(client.get(LIST, {"shipped-export": "csv"})) == [SHIPPED]


def test_junk_shipped_filters_show_the_page_with_its_message_not_a_file(client, rtvs):
    client.force_login(rtvs.r.operator)
    for junk, message in [
        ({"supplier": "ACME"}, "Select a valid choice"),
        ({"shipped_from": "2025-02-30"}, "Enter a valid date"),
    ]:
        response = client.get(LIST, {**junk, "shipped-export": "csv"})
        assert response.status_code == 200 and not response.streaming
        html = response.content.decode()
        assert message in html and "No shipped return matches these filters." in html
        # The waiting returns are not filtered: still there, with their Ship button.
        assert re.findall(r'data-rtv="(\d+)"', html) == [str(rtvs.third.pk)]
