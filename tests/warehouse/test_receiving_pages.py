"""The receiving, putaway, discrepancy and QC pages, driven through the test client."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import ItemUnit
from tests.factories import BinFactory, ZoneFactory, member
from tests.inventory.stock import assert_ledger_clean, on_hand
from warehouse.models import Discrepancy, PutawayRule, PutawayTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def lot_dock(dock):
    """The dock's item becomes lot-tracked with an each GTIN, and a reserve zone awaits it."""
    dock.item.tracking = "lot"
    dock.item.expiry_required = True
    with tenant_context(dock.tenant):
        dock.item.save()
        ItemUnit.objects.create(
            tenant=dock.tenant, item=dock.item, code="each", factor=1, gtin="09501101530003"
        )
    zone = ZoneFactory(site=dock.order.site, code="STO")
    dock.reserve = BinFactory(zone=zone, code="R-01", walk_sequence=1, bin_type="reserve")
    with tenant_context(dock.tenant):
        PutawayRule.objects.create(tenant=dock.tenant, name="bulk", target_zone=zone)
    return dock


def _form_key(client, url):
    page = client.get(url)
    assert page.status_code == 200
    return page.context["form"].initial["key"]


def test_operator_receives_a_gs1_label_with_damage_then_puts_away(client, lot_dock):
    dock = lot_dock
    client.force_login(dock.operator)
    found = client.post(reverse("warehouse:receive_find"), {"order": dock.order.number.lower()})
    url = reverse("warehouse:receive_order", args=[dock.order.pk])
    assert found.status_code == 302 and found.url == url
    expiry = datetime.date.today() + datetime.timedelta(days=400)
    label = f"(01)09501101530003(17){expiry:%y%m%d}(10)LOT42(37)12"
    response = client.post(
        url,
        {
            "scan": label,
            "damaged": "2",
            "note": "forklift",
            "dock": dock.dock.pk,
            "key": _form_key(client, url),
        },
        follow=True,
    )
    assert b"Received 12 each of" in response.content and b"damaged: 2" in response.content
    with tenant_context(dock.tenant):
        lot = dock.item.lots.get()
        task = PutawayTask.objects.select_related("suggested_location").get()
    assert lot.code == "LOT42" and lot.expiry_date == expiry
    assert on_hand(dock.tenant, dock.item, dock.bin, lot=lot) == 10
    assert on_hand(dock.tenant, dock.item, dock.bin, lot=lot, status="damaged") == 2
    assert task.suggested_location.bin_id == dock.reserve.pk and task.quantity == 10
    nxt = client.get(reverse("warehouse:putaway_next"))
    assert nxt.url == reverse("warehouse:putaway_task", args=[task.pk])
    done = client.post(nxt.url, {"bin": "r-01"}, follow=True)
    assert b"Put 10 each of" in done.content and b"No putaway tasks are waiting" in done.content
    assert on_hand(dock.tenant, dock.item, dock.reserve, lot=lot) == 10
    assert_ledger_clean(dock.tenant)


def _input(html: bytes, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', html.decode())
    assert found, f"no {name} field"
    return found.group(0)


def test_receiving_asks_for_what_the_scan_did_not_carry(client, lot_dock):
    dock = lot_dock
    client.force_login(dock.operator)
    url = reverse("warehouse:receive_order", args=[dock.order.pk])
    key = _form_key(client, url)
    no_lot = client.post(
        url, {"scan": "]E09501101530003", "quantity": "3", "dock": dock.dock.pk, "key": key}
    )
    assert no_lot.status_code == 200 and b"form-errors" not in no_lot.content
    assert b"lot-tracked: scan or type the lot." in no_lot.content
    assert "autofocus" in _input(no_lot.content, "lot")
    # A GS1 label without a count (]C1, GS between fields): its lot and expiry fill their
    # fields, and the quantity is asked for.
    expiry = datetime.date.today() + datetime.timedelta(days=400)
    label = "]C10109501101530003" + f"17{expiry:%y%m%d}10LOT7\x1d21SN1"
    no_qty = client.post(url, {"scan": label, "dock": dock.dock.pk, "key": key})
    assert no_qty.status_code == 200 and b"how many did you receive?" in no_qty.content
    assert "autofocus" in _input(no_qty.content, "quantity")
    assert 'value="LOT7"' in _input(no_qty.content, "lot")
    assert f'value="{expiry:%Y-%m-%d}"' in _input(no_qty.content, "expiry")
    with tenant_context(dock.tenant):
        assert not dock.item.lots.exists()
    # The quantity typed and Enter: received with what the label said.
    data = {"scan": label, "quantity": "4", "lot": "LOT7", "dock": dock.dock.pk, "key": key}
    done = client.post(url, data, follow=True)
    assert b"Received 4 each of" in done.content
    with tenant_context(dock.tenant):
        lot = dock.item.lots.get()
    assert lot.code == "LOT7" and lot.expiry_date == expiry
    assert on_hand(dock.tenant, dock.item, dock.bin, lot=lot) == 4
    unknown = client.post(
        url, {"scan": "NOPE-1", "quantity": "1", "dock": dock.dock.pk, "key": key}
    )
    assert unknown.status_code == 422 and b"No item with SKU or GTIN" in unknown.content
    field = _input(unknown.content, "scan")
    assert 'aria-invalid="true"' in field and "autofocus" in field and "value=" not in field
    unknown = client.post(reverse("warehouse:receive_find"), {"order": "PO-NOPE"})
    assert unknown.status_code == 422 and b"No order to receive" in unknown.content


def test_putaway_to_another_bin_asks_why_and_a_bad_bin_is_cleared(client, lot_dock):
    dock = lot_dock
    client.force_login(dock.operator)
    url = reverse("warehouse:receive_order", args=[dock.order.pk])
    expiry = datetime.date.today() + datetime.timedelta(days=400)
    client.post(url, {
        "scan": f"(01)09501101530003(17){expiry:%y%m%d}(10)L9(37)5", "dock": dock.dock.pk,
        "key": _form_key(client, url),
    })  # fmt: skip
    other = BinFactory(zone=dock.reserve.zone, code="R-02", walk_sequence=2, bin_type="reserve")
    with tenant_context(dock.tenant):
        task = PutawayTask.objects.get()
    page = reverse("warehouse:putaway_task", args=[task.pk])
    bad = client.post(page, {"bin": "NOPE"})
    assert bad.status_code == 422
    field = _input(bad.content, "bin")
    assert 'aria-invalid="true"' in field and "autofocus" in field and "value=" not in field
    why = client.post(page, {"bin": "]C0R-02"})
    assert why.status_code == 200 and b"form-errors" not in why.content
    assert b"R-02 is not the suggested bin R-01; say why you chose it." in why.content
    assert "autofocus" in _input(why.content, "reason")
    done = client.post(page, {"bin": "]C0R-02", "reason": "R-01 blocked"}, follow=True)
    assert b"Put 5 each of" in done.content
    with tenant_context(dock.tenant):
        lot = dock.item.lots.get()
    assert on_hand(dock.tenant, dock.item, other, lot=lot) == 5
    assert_ledger_clean(dock.tenant)


def test_supervisor_accepts_held_over_receipt_from_the_list(client, dock):
    from warehouse.receiving import services as receiving

    with tenant_context(dock.tenant):
        receiving.receive(
            tenant=dock.tenant,
            user=dock.operator,
            order=dock.order,
            item=dock.item,
            quantity=Decimal(110),
            dock=dock.dock,
            scan_key="k",
        )
        held = Discrepancy.objects.get(state="open")
    client.force_login(member(dock.tenant, Role.SUPERVISOR))
    listing = client.get(reverse("warehouse:discrepancy_list"))
    assert b"Over-receipt" in listing.content and b"Accept into stock" in listing.content
    client.post(
        reverse("warehouse:discrepancy_resolve", args=[held.pk]),
        {"decision": "accept", "resolution": "supplier credit agreed"},
    )
    assert on_hand(dock.tenant, dock.item, dock.bin) == 110
    again = client.post(
        reverse("warehouse:discrepancy_resolve", args=[held.pk]),
        {"decision": "accept"},
        follow=True,
    )
    assert f"Discrepancy #{held.pk} cannot go from accepted to accepted.".encode() in again.content
    detail = client.get(reverse("warehouse:receiving_detail", args=[dock.order.pk]))
    assert b"supplier credit agreed" in detail.content


def test_qc_release_in_part_and_reject_the_rest(client, dock):
    dock.supplier_item(inspection_required=True)
    from warehouse.receiving import services as receiving

    with tenant_context(dock.tenant):
        receiving.receive(
            tenant=dock.tenant,
            user=dock.operator,
            order=dock.order,
            item=dock.item,
            quantity=Decimal(10),
            dock=dock.dock,
            scan_key="k",
        )
    client.force_login(member(dock.tenant, Role.SUPERVISOR))
    page = client.get(reverse("warehouse:qc_list"))
    balance = page.context["rows"][0]
    client.post(
        reverse("warehouse:qc_inspect", args=[balance.pk]), {"quantity": "7", "decision": "release"}
    )
    client.post(
        reverse("warehouse:qc_inspect", args=[balance.pk]),
        {"quantity": "3", "decision": "damaged", "note": "wet"},
    )
    too_much = client.post(
        reverse("warehouse:qc_inspect", args=[balance.pk]),
        {"quantity": "1", "decision": "release"},
        follow=True,
    )
    assert b"Only 0 of" in too_much.content
    assert on_hand(dock.tenant, dock.item, dock.bin) == 7
    assert on_hand(dock.tenant, dock.item, dock.bin, status="damaged") == 3
    with tenant_context(dock.tenant):
        assert PutawayTask.objects.filter(receipt_line__isnull=True, quantity=7).exists()
    assert_ledger_clean(dock.tenant)


def test_short_close_from_the_receiving_page_needs_a_reason(client, dock):
    client.force_login(member(dock.tenant, Role.SUPERVISOR))
    url = reverse("warehouse:short_close", args=[dock.order.pk, dock.line.pk])
    assert client.post(url, {"reason": ""}).status_code == 422
    assert client.post(url, {"reason": "discontinued"}).status_code == 302
    with tenant_context(dock.tenant):
        dock.line.refresh_from_db()
    assert dock.line.short_closed


def test_putaway_rule_form_refuses_a_rule_without_target(client, dock):
    client.force_login(member(dock.tenant, Role.ADMIN))
    response = client.post(
        reverse("warehouse:rule_create"),
        {"priority": 5, "name": "x", "hazardous": "unknown", "is_active": "on"},
    )
    assert (
        response.status_code == 422
        and b"Choose a target zone or a target bin type" in response.content
    )
    ok = client.post(
        reverse("warehouse:rule_create"),
        {
            "priority": 5,
            "name": "hazmat",
            "hazardous": "true",
            "target_bin_type": "reserve",
            "is_active": "on",
        },
    )
    assert ok.status_code == 302
    with tenant_context(dock.tenant):
        assert PutawayRule.objects.get(name="hazmat").hazardous is True
