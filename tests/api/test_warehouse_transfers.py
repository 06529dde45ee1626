"""/transfers: a transfer shipped in cartons shows each carton's SSCC and contents and what
each line shipped and received; drafting and releasing one through the API go through the
transfer services (roles, reservations in the ledger, declared transitions)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.roles import Role
from erp.tenancy import tenant_context
from tests.inventory.stock import assert_ledger_clean, reserved
from tests.warehouse.transfer_sites import EXPECTED, Sites
from warehouse.models import ShippingSettings, TransferOrder
from warehouse.transfers import cartons
from warehouse.transfers import services as transfers

pytestmark = pytest.mark.django_db

# Extension 3, prefix 0614141, serials 123456789 and 123456790 with their check digits (as in
# tests/warehouse/test_transfers_cartons.py).
FIRST, SECOND = "306141411234567891", "306141411234567907"


@pytest.fixture
def sites(tenant_a):
    sites = Sites(tenant_a)
    with tenant_context(tenant_a):
        ShippingSettings.objects.update_or_create(
            tenant=tenant_a,
            defaults={
                "gs1_company_prefix": "0614141",
                "extension_digit": 3,
                "next_serial": 123456789,
            },
        )
    return sites


def _body(sites, **changes):
    body = {
        "from_site": sites.source.code,
        "to_site": sites.destination.code,
        "expected_date": EXPECTED.isoformat(),
        "note": "restock ATL",
        "lines": [{"sku": sites.item.sku, "quantity": "2", "unit": "box"}],
    }
    return body | changes


def _count(tenant) -> int:
    with tenant_context(tenant):
        return TransferOrder.objects.count()


def test_a_shipped_transfer_shows_cartons_with_ssccs_and_what_arrived(sites, api_as):
    transfer = sites.picked(lines=((None, 12, ""), (sites.lotted, 3, "")))
    with tenant_context(sites.tenant):
        for code, quantity, lot in (("BOLT", 12, ""), ("MILK", 3, "L1")):
            cartons.pack_scanned(
                tenant=sites.tenant, user=sites.operator, transfer=transfer, code=code,
                quantity=Decimal(quantity), carton=None, lot_code=lot, serial_code="",
            )  # fmt: skip
        transfers.ship(tenant=sites.tenant, user=sites.operator, transfer=transfer)
    sites.receive(transfer, 10)

    response = api_as(sites.tenant, Role.PLANNER).get(f"/transfers/{transfer.pk}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "partially_received"
    assert (body["from_site"], body["to_site"]) == (sites.source.code, sites.destination.code)
    assert body["shipped_at"] is not None
    assert body["cartons"] == [
        {"number": 1, "sscc": FIRST, "contents": [
            {"sku": sites.item.sku, "quantity": "12.0000", "lot": None, "serials": []}
        ]},
        {"number": 2, "sscc": SECOND, "contents": [
            {"sku": sites.lotted.sku, "quantity": "3.0000", "lot": "L1", "serials": []}
        ]},
    ]  # fmt: skip
    bolts, milk = body["lines"]
    assert (bolts["sku"], bolts["shipped_base"], bolts["received_base"]) == (
        sites.item.sku, "12.0000", "10.0000",
    )  # fmt: skip
    assert bolts["in_transit_base"] == "2.0000"
    assert (milk["lot"], milk["shipped_base"], milk["received_base"]) == (None, "3.0000", "0.0000")


def test_drafting_a_transfer_goes_through_the_service_once_per_key(sites, api_as):
    api = api_as(sites.tenant, Role.PLANNER)
    first = api.post("/transfers", _body(sites), key="draft-1")
    again = api.post("/transfers", _body(sites), key="draft-1")

    assert first.status_code == 201, first.content
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert _count(sites.tenant) == 1
    body = first.json()
    assert body["status"] == "draft" and body["note"] == "restock ATL"
    (line,) = body["lines"]
    # Two boxes of five, in the item's base unit.
    assert (line["unit"], line["quantity"], line["quantity_base"]) == ("box", "2.0000", "10.0000")
    with tenant_context(sites.tenant):
        saved = TransferOrder.objects.get(pk=body["id"])
        assert saved.number == body["number"] and saved.created_by_id == api.token.client_id


def test_releasing_reserves_the_stock_in_the_ledger(sites, api_as):
    created = api_as(sites.tenant, Role.PLANNER).post("/transfers", _body(sites), key="d").json()
    supervisor = api_as(sites.tenant, Role.SUPERVISOR)

    released = supervisor.post(f"/transfers/{created['id']}/release", key="r")

    assert released.status_code == 200, released.content
    assert released.json()["status"] == "released"
    # FIFO from R-01 (10 at 2.00) first: the 10 units are all reserved there.
    assert reserved(sites.tenant, sites.item, sites.r1) == Decimal(10)
    assert reserved(sites.tenant, sites.item, sites.r2) == Decimal(0)
    assert_ledger_clean(sites.tenant)
    replay = supervisor.post(f"/transfers/{created['id']}/release", key="r")
    assert replay.status_code == 200 and replay["Idempotent-Replayed"] == "true"
    assert replay.json() == released.json()
    assert reserved(sites.tenant, sites.item, sites.r1) == Decimal(10)
    again = supervisor.post(f"/transfers/{created['id']}/release", key="r2")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    assert reserved(sites.tenant, sites.item, sites.r1) == Decimal(10)


def test_a_release_without_enough_stock_reserves_nothing(sites, api_as):
    body = _body(sites, lines=[{"sku": sites.item.sku, "quantity": "25"}])
    created = api_as(sites.tenant, Role.SUPERVISOR).post("/transfers", body, key="d").json()
    response = api_as(sites.tenant, Role.SUPERVISOR).post(
        f"/transfers/{created['id']}/release", key="r"
    )
    assert response.status_code == 400 and response.json()["code"] == "transfer_error"
    assert reserved(sites.tenant, sites.item, sites.r1) == Decimal(0)
    assert reserved(sites.tenant, sites.item, sites.r2) == Decimal(0)


def test_a_refused_line_keeps_nothing_of_the_draft(sites, api_as):
    api = api_as(sites.tenant, Role.ADMIN)
    cases = [
        (_body(sites, lines=[{"sku": "NO-SUCH", "quantity": "1"}]), 400, "unknown_item"),
        (_body(sites, to_site="NOWHERE"), 400, "unknown_site"),
        (_body(sites, to_site=sites.source.code), 400, "transfer_error"),
        (_body(sites, lines=[{"sku": sites.item.sku, "quantity": "1", "unit": "pallet"}]),
         400, "transfer_error"),
        (_body(sites, lines=[{"sku": sites.lotted.sku, "quantity": "1", "lot": "L9"}]),
         400, "unknown_lot"),
        (_body(sites, lines=[]), 422, "invalid_request"),
        (_body(sites, lines=[{"sku": sites.item.sku, "quantity": "-1"}]), 422, "invalid_request"),
        (_body(sites, expected_date="soon"), 422, "invalid_request"),
        (_body(sites, from_site="CHI\x00"), 422, "invalid_request"),
        (_body(sites, lines=[{"sku": "BOLT\x00", "quantity": "1"}]), 422, "invalid_request"),
    ]  # fmt: skip
    for number, (body, status, code) in enumerate(cases):
        response = api.post("/transfers", body, key=f"bad-{number}")
        assert (response.status_code, response.json()["code"]) == (status, code), body
    assert _count(sites.tenant) == 0


def test_roles_outside_each_set_are_refused(sites, api_as):
    transfer = sites.draft()
    operator = api_as(sites.tenant, Role.OPERATOR)
    for response in (
        operator.get("/transfers"),
        operator.get(f"/transfers/{transfer.pk}"),
        api_as(sites.tenant, Role.FINANCE).post("/transfers", _body(sites), key="f"),
        # Planners draft; releasing stays the supervisors'.
        api_as(sites.tenant, Role.PLANNER).post(f"/transfers/{transfer.pk}/release", key="p"),
    ):
        assert response.status_code == 403 and response.json()["code"] == "role_required"
    assert sites.fresh(transfer).status == "draft"


def test_another_tenants_transfers_are_not_found_nor_listed(sites, tenant_b, api_as):
    theirs = Sites(tenant_b).draft()
    api = api_as(sites.tenant, Role.ADMIN)
    assert api.get(f"/transfers/{theirs.pk}").status_code == 404
    response = api.post(f"/transfers/{theirs.pk}/release", key="x")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert api.get("/transfers").json()["items"] == []
    with tenant_context(tenant_b):
        assert TransferOrder.objects.get(pk=theirs.pk).status == "draft"


def test_cursor_pages_and_filters(sites, api_as):
    made = [sites.draft().number for _ in range(3)]
    released = sites.released()
    api = api_as(sites.tenant, Role.SUPERVISOR)
    seen, cursor = [], None
    for _ in range(3):
        page = api.get("/transfers", limit=2, **({"cursor": cursor} if cursor else {})).json()
        seen += [row["number"] for row in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted([*made, released.number])
    rows = api.get("/transfers", status="released").json()["items"]
    assert [row["number"] for row in rows] == [released.number]
    assert api.get("/transfers", to_site=sites.source.code).json()["items"] == []
    assert len(api.get("/transfers", from_site=sites.source.code).json()["items"]) == 4
    assert api.get("/transfers", status="lost").json()["code"] == "invalid_request"
