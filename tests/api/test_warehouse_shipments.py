"""GET /shipments: a shipment packed and shipped on the floor shows its cartons' SSCCs, the
carrier's tracking number and what each carton holds, exactly as packed."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from erp.roles import Role
from erp.tenancy import tenant_context
from tests.warehouse.outbound import Floor
from warehouse.models import Carton, Shipment
from warehouse.shipping import services as shipping

pytestmark = pytest.mark.django_db


def _ssccs(tenant, shipment) -> list[str]:
    with tenant_context(tenant):
        return list(
            Carton.objects.filter(shipment=shipment).order_by("pk").values_list("sscc", flat=True)
        )


def _order_number(tenant, shipment) -> str:
    with tenant_context(tenant):
        return Shipment.objects.select_related("order").get(pk=shipment.pk).order.number


def test_a_shipped_shipment_shows_its_ssccs_tracking_and_contents(tenant_a, api_as):
    floor = Floor(tenant_a)
    shipment = floor.shipment(confirm=True)
    ssccs = _ssccs(tenant_a, shipment)
    # Both cartons closed with the tenant's GS1 prefix (extension 3, company 0614141).
    assert len(ssccs) == 2 and all(s.startswith("30614141") and len(s) == 18 for s in ssccs)

    response = api_as(tenant_a, Role.PLANNER).get(f"/shipments/{shipment.pk}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == shipment.number
    assert body["status"] == "shipped"
    assert body["site"] == floor.site.code
    assert body["order"] == _order_number(tenant_a, shipment)
    assert body["customer"] == floor.customer.code
    assert (body["carrier"], body["service"]) == ("UPS", "Ground")
    assert body["tracking_number"] == "1Z999AA10123456784"
    assert body["shipped_at"] is not None
    assert [c["sscc"] for c in body["cartons"]] == ssccs
    coffee, cups = body["cartons"]
    assert coffee["status"] == "shipped" and coffee["weight_kg"] == "6.400"
    assert coffee["contents"] == [
        {"sku": floor.coffee.sku, "quantity": "6.0000", "lot": "L-2030-06", "serials": []}
    ]
    assert cups["weight_kg"] == "0.800"
    assert cups["contents"] == [
        {"sku": floor.cups.sku, "quantity": "4.0000", "lot": None, "serials": []}
    ]


def test_an_open_shipment_has_no_shipped_time_yet(tenant_a, api_as):
    floor = Floor(tenant_a)
    shipment = floor.shipment()
    body = api_as(tenant_a, Role.OPERATOR).get(f"/shipments/{shipment.pk}").json()
    assert body["status"] == "open" and body["shipped_at"] is None
    assert [c["status"] for c in body["cartons"]] == ["closed", "closed"]
    assert [c["sscc"] for c in body["cartons"]] == _ssccs(tenant_a, shipment)


def test_filters_by_status_order_and_site(tenant_a, api_as):
    floor = Floor(tenant_a)
    shipped = floor.shipment(confirm=True)
    waiting = floor.shipment()
    api = api_as(tenant_a, Role.SUPERVISOR)

    def numbers(**params):
        response = api.get("/shipments", **params)
        assert response.status_code == 200, response.content
        return {row["number"] for row in response.json()["items"]}

    assert numbers() == {shipped.number, waiting.number}
    assert numbers(status="shipped") == {shipped.number}
    assert numbers(status="open") == {waiting.number}
    assert numbers(order=_order_number(tenant_a, waiting)) == {waiting.number}
    assert numbers(site=floor.site.code) == {shipped.number, waiting.number}
    assert numbers(site="NOWHERE") == set()


def test_confirming_brings_a_shipment_back_in_an_updated_since_sync(tenant_a, api_as):
    floor = Floor(tenant_a)
    first, second = floor.shipment(), floor.shipment()
    since = timezone.now()
    with tenant_context(tenant_a):
        shipping.confirm_shipment(tenant=tenant_a, user=floor.operator, shipment=second)
    response = api_as(tenant_a, Role.PLANNER).get("/shipments", updated_since=since.isoformat())
    assert [row["number"] for row in response.json()["items"]] == [second.number]
    assert first.number != second.number


def test_updated_since_takes_any_offset_python_reads(tenant_a, api_as):
    shipment = Floor(tenant_a).shipment()
    api = api_as(tenant_a, Role.PLANNER)
    # PostgreSQL refuses offsets past 15:59; the same instants in UTC are fine.
    early = api.get("/shipments", updated_since="2000-01-01T00:00:00+21:59")
    assert [r["number"] for r in early.json()["items"]] == [shipment.number]
    late = api.get("/shipments", updated_since="2749-02-09T07:17:56+21:59")
    assert late.status_code == 200 and late.json()["items"] == []
    beyond = api.get("/shipments", updated_since="0001-01-01T00:00:00+01:00")
    assert (beyond.status_code, beyond.json()["code"]) == (422, "invalid_request")


def test_cursor_pages_cover_every_shipment_once_in_constant_statements(tenant_a, api_as):
    floor = Floor(tenant_a)
    made = [floor.shipment().number for _ in range(3)]
    api = api_as(tenant_a, Role.ADMIN)
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        response = api.get("/shipments", **params)
        assert response.status_code == 200, response.content
        page = response.json()
        pages += 1
        seen += [row["number"] for row in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(made) and pages == 2
    # A page of three shipments with two cartons each costs what a page of one does.
    assert _statements(api, limit=1) == _statements(api, limit=3)


def _statements(api, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/shipments", **params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", [Role.FINANCE])
def test_roles_outside_the_readers_are_refused(tenant_a, api_as, role):
    floor = Floor(tenant_a)
    shipment = floor.shipment()
    api = api_as(tenant_a, role)
    for path in ("/shipments", f"/shipments/{shipment.pk}"):
        response = api.get(path)
        assert response.status_code == 403
        assert response.json()["code"] == "role_required"


def test_another_tenants_shipments_are_not_found_nor_listed(tenant_a, tenant_b, api_as):
    theirs = Floor(tenant_b).shipment(confirm=True)
    api = api_as(tenant_a, Role.ADMIN)
    response = api.get(f"/shipments/{theirs.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert api.get("/shipments").json()["items"] == []
    assert api.get("/shipments", order=_order_number(tenant_b, theirs)).json()["items"] == []


def test_bad_input_is_refused_with_a_code(tenant_a, api_as):
    api = api_as(tenant_a, Role.ADMIN)
    checks = [
        (api.get("/shipments", status="lost"), 422, "invalid_request"),
        (api.get("/shipments", cursor="not-a-cursor"), 400, "invalid_cursor"),
        (api.get("/shipments", updated_since="2026-01-01T00:00:00"), 400, "invalid_updated_since"),
        (api.get("/shipments/0"), 422, "invalid_request"),
        (api.get("/shipments/99999999999999999999"), 422, "invalid_request"),
        (api.get("/shipments/123456"), 404, "not_found"),
        # PostgreSQL refuses NUL in a string: the schema refuses it first.
        (api.get("/shipments", site="P\x00K"), 422, "invalid_request"),
        (api.get("/shipments", order="SO\x00"), 422, "invalid_request"),
    ]
    for response, status, code in checks:
        assert (response.status_code, response.json()["code"]) == (status, code)


def test_both_shipments_of_a_split_order_come_back_by_its_number(tenant_a, api_as):
    # An order shipped in two parts: the order filter gives both, each with its own carton.
    floor = Floor(tenant_a)
    order = floor.packed_order()
    with tenant_context(tenant_a):
        one = shipping.create_shipment(
            tenant=tenant_a, user=floor.operator, order=order, cartons=order.cartons[:1]
        )
        two = shipping.create_shipment(
            tenant=tenant_a, user=floor.operator, order=order, cartons=order.cartons[1:]
        )
        assert Shipment.objects.filter(order=order).count() == 2
    rows = api_as(tenant_a, Role.OPERATOR).get("/shipments", order=order.number).json()["items"]
    assert [r["number"] for r in rows] == [one.number, two.number]
    assert [len(r["cartons"]) for r in rows] == [1, 1]
    assert rows[0]["tracking_number"] is None
    assert datetime.datetime.fromisoformat(rows[0]["created_at"]).tzinfo is not None
