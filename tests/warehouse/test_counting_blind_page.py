"""The scanner's count page is blind: the operator scans the bin, then each item (GS1 labels
carry lot and serial), keys how many, and never sees what the bin should hold. Unexpected
items are counted too, "Bin empty" is an answer, and bad scans get a message, not a 500."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.tenancy import tenant_context
from inventory import ledger
from tests.warehouse.counting import Shelf
from tests.warehouse.outbound import Floor
from warehouse.counting import services
from warehouse.models import CountedLine, CountRound, CountStatus

pytestmark = pytest.mark.django_db

STOCK = 4321  # a figure no token or id on the page is likely to contain


def _open(floor):
    tenant = floor.tenant
    with tenant_context(tenant):
        location = ledger.bin_location(tenant=tenant, bin=floor.p1)
        count = services.open_count(
            tenant=tenant, user=floor.supervisor, location=location, reason="cycle"
        )
        return CountRound.objects.get(count=count)


def _blind(html: str) -> bool:
    return str(STOCK) not in html and "4,321" not in html and "4 321" not in html


def test_the_page_never_shows_the_expected_quantity(client, tenant_a):
    floor = Floor(tenant_a, stock=STOCK)
    round = _open(floor)
    url = reverse("warehouse:count_round", args=[round.pk])
    client.force_login(floor.operator)
    first = client.get(url)
    assert first.status_code == 200 and "Count bin P-01" in first.content.decode()
    assert _blind(first.content.decode())
    assert client.post(url, {"action": "bin", "bin": "P-01"}).status_code == 302
    scan = f"(01){floor.coffee_gtin.zfill(14)}(10){floor.lot.code}"
    # The GS1 label gave item and lot; the page asks how many.
    asked = client.post(url, {"action": "line", "item": scan})
    assert asked.status_code == 200 and "How many" in asked.content.decode()
    assert client.post(url, {"action": "line", "item": scan, "quantity": "4320"}).status_code == 302
    # An item the bin was not expected to hold is counted like any other.
    assert (
        client.post(url, {"action": "line", "item": floor.cups_gtin, "quantity": "2"}).status_code
        == 302
    )
    page = client.get(url).content.decode()
    assert "4320" in page.replace(",", "").replace(" ", "") and _blind(page)
    with tenant_context(tenant_a):
        found = sorted(
            (line.item.sku, line.lot_id, line.quantity)
            for line in CountedLine.objects.filter(round=round)
        )
    assert found == [
        (floor.coffee.sku, floor.lot.pk, Decimal(4320)),
        (floor.cups.sku, None, Decimal(2)),
    ]
    done = client.post(url, {"action": "finish"})
    assert done.status_code == 302 and done.url == reverse("warehouse:my_work")
    with tenant_context(tenant_a):
        round.count.refresh_from_db()
    assert round.count.status == CountStatus.RECOUNT


def test_bad_scans_get_a_message(client, tenant_a):
    floor = Floor(tenant_a, stock=STOCK)
    round = _open(floor)
    url = reverse("warehouse:count_round", args=[round.pk])
    client.force_login(floor.operator)
    wrong_bin = client.post(url, {"action": "bin", "bin": "P-02"})
    assert wrong_bin.status_code == 422 and "this count is of P-01" in wrong_bin.content.decode()
    client.post(url, {"action": "bin", "bin": "P-01"})
    unknown = client.post(url, {"action": "line", "item": "NOPE", "quantity": "1"})
    assert unknown.status_code == 422 and "No item with SKU or GTIN" in unknown.content.decode()
    # A lot-tracked item without its lot cannot be counted (an unknown lot can: see
    # test_counting_unknown_lots.py).
    no_lot = client.post(url, {"action": "line", "item": floor.coffee.sku, "quantity": "1"})
    assert no_lot.status_code == 200 and "scan or key the lot" in no_lot.content.decode()
    nothing = client.post(url, {"action": "finish"})
    assert nothing.status_code == 422 and "Nothing counted yet" in nothing.content.decode()


def test_bin_empty_is_an_answer(client, tenant_a):
    shelf = Shelf(tenant_a)
    count = shelf.open()
    round = shelf.round(count)
    url = reverse("warehouse:count_round", args=[round.pk])
    client.force_login(shelf.counter)
    client.post(url, {"action": "bin", "bin": f"{shelf.site.code}/S-01"})
    assert client.post(url, {"action": "empty"}).status_code == 302
    with tenant_context(tenant_a):
        round.refresh_from_db()
        count.refresh_from_db()
    assert round.empty and count.status == CountStatus.RECOUNT  # 10 expected, 0 found
