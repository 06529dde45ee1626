"""/receipts and /receipt-discrepancies: what arrived at the dock against a purchase order,
scan by scan, with the discrepancies found, as the receiving services recorded them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from erp.roles import Role
from erp.tenancy import tenant_context
from tests.factories import member
from tests.inventory.stock import on_hand
from tests.warehouse.conftest import Dock
from warehouse.receiving import services as receiving

pytestmark = pytest.mark.django_db


def _receive(dock, quantity, key, **kwargs):
    with tenant_context(dock.tenant):
        return receiving.receive(
            tenant=dock.tenant, user=dock.operator, order=dock.order,
            item=kwargs.pop("item", dock.item), quantity=Decimal(quantity), dock=dock.dock,
            scan_key=key, **kwargs,
        )  # fmt: skip


def _po(dock) -> str:
    with tenant_context(dock.tenant):
        return dock.order.number


def test_receipts_of_a_po_show_quantities_and_discrepancies(tenant_a, api_as):
    dock = Dock(tenant_a)
    first = _receive(dock, 4, "scan-1", unit="case")
    second = _receive(dock, 10, "scan-2", damaged=Decimal(3), note="crushed corner")
    assert on_hand(tenant_a, dock.item, dock.bin) == 47  # 40 + 7 good; 3 went to damaged

    response = api_as(tenant_a, Role.PLANNER).get("/receipts", po=_po(dock))

    assert response.status_code == 200, response.content
    rows = response.json()["items"]
    assert [r["id"] for r in rows] == [first.pk, second.pk]
    one, two = rows
    assert (one["po"], one["po_line"], one["sku"]) == (_po(dock), 1, dock.item.sku)
    assert (one["unit"], one["quantity"], one["quantity_base"]) == ("case", "4.0000", "40.0000")
    assert one["accepted_base"] == "40.0000" and one["discrepancies"] == []
    assert (two["quantity_base"], two["accepted_base"]) == ("10.0000", "7.0000")
    (damaged,) = two["discrepancies"]
    assert (damaged["kind"], damaged["state"], damaged["quantity"]) == (
        "damaged", "open", "3.0000",
    )  # fmt: skip
    assert damaged["receipt_id"] == second.pk
    detail = api_as(tenant_a, Role.FINANCE).get(f"/receipts/{second.pk}")
    assert detail.status_code == 200 and detail.json() == two


def test_discrepancies_of_a_po_include_a_line_closed_short(tenant_a, api_as):
    dock = Dock(tenant_a)
    _receive(dock, 60, "scan-1")
    with tenant_context(tenant_a):
        receiving.short_close_line(
            tenant=tenant_a, user=member(tenant_a, Role.SUPERVISOR), line=dock.line,
            reason="supplier out of stock",
        )  # fmt: skip
    api = api_as(tenant_a, Role.SUPERVISOR)
    rows = api.get("/receipt-discrepancies", po=_po(dock)).json()["items"]
    assert [(r["kind"], r["quantity"], r["state"], r["receipt_id"]) for r in rows] == [
        ("short_receipt", "40.0000", "accepted", None)
    ]
    assert api.get("/receipt-discrepancies", state="open").json()["items"] == []
    assert api.get("/receipt-discrepancies", state="maybe").json()["code"] == "invalid_request"


def test_receipts_page_by_id_in_constant_statements(tenant_a, api_as):
    dock = Dock(tenant_a)
    made = [_receive(dock, 1, f"scan-{n}").pk for n in range(3)]
    api = api_as(tenant_a, Role.ADMIN)
    first = api.get("/receipts", limit=2).json()
    second = api.get("/receipts", limit=2, cursor=first["next_cursor"]).json()
    assert [r["id"] for r in first["items"] + second["items"]] == made
    assert second["next_cursor"] is None

    def statements(limit):
        with CaptureQueriesContext(connection) as queries:
            api.get("/receipts", limit=limit)
        return len(queries)

    assert statements(1) == statements(3)
    # Receipts never change: a time filter has nothing to go by.
    response = api.get("/receipts", updated_since="2026-01-01T00:00:00+00:00")
    assert response.status_code == 400
    assert response.json()["code"] == "updated_since_unsupported"


def test_operators_record_receipts_but_do_not_review_them(tenant_a, api_as):
    dock = Dock(tenant_a)
    receipt = _receive(dock, 1, "scan-1")
    api = api_as(tenant_a, Role.OPERATOR)
    for path in ("/receipts", f"/receipts/{receipt.pk}", "/receipt-discrepancies"):
        response = api.get(path)
        assert response.status_code == 403 and response.json()["code"] == "role_required"


def test_another_tenants_receipts_are_not_found_nor_listed(tenant_a, tenant_b, api_as):
    theirs = Dock(tenant_b)
    receipt = _receive(theirs, 110, "scan-1")  # over tolerance: a discrepancy too
    api = api_as(tenant_a, Role.ADMIN)
    assert api.get(f"/receipts/{receipt.pk}").status_code == 404
    assert api.get("/receipts").json()["items"] == []
    assert api.get("/receipts", po=_po(theirs)).json()["items"] == []
    assert api.get("/receipt-discrepancies").json()["items"] == []
    assert api.get("/receipts/0").json()["code"] == "invalid_request"
    assert api.get("/receipts", cursor="x").json()["code"] == "invalid_cursor"
    assert api.get("/receipts", po="PO\x00").json()["code"] == "invalid_request"
