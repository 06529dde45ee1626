"""Purchase orders through the API: create with lines, approve and send through the declared
transitions (with the scheduled receipts approval publishes), refusals with codes and facts,
who may, other tenants, paging and Idempotency-Key."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Projection, ProjectionKind
from purchasing.models import PurchaseOrder, SupplierItem
from tests.factories import (
    ItemFactory,
    ItemUnitFactory,
    PurchaseOrderFactory,
    PurchaseOrderLineFactory,
    SiteFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db

EXPECTED = timezone.localdate() + datetime.timedelta(days=14)


class Buying:
    """A supplier selling CUPS at 0.40 a base unit (cups also come in cases of 50), a site."""

    def __init__(self, tenant):
        self.tenant = tenant
        self.site = SiteFactory(tenant=tenant, code="MAIN")
        self.supplier = SupplierFactory(tenant=tenant, code="ACME", currency="EUR")
        self.cups = ItemFactory(tenant=tenant, sku="CUPS")
        ItemUnitFactory(item=self.cups, code="case", factor=50)
        self.lids = ItemFactory(tenant=tenant, sku="LIDS")
        with tenant_context(tenant):
            SupplierItem.objects.create(
                tenant=tenant, supplier=self.supplier, item=self.cups, price=Decimal("0.40")
            )

    def body(self, **extra) -> dict:
        return {
            "supplier": "ACME",
            "site": "MAIN",
            "expected_date": EXPECTED.isoformat(),
            "supplier_reference": "Q-17",
            "lines": [
                {"sku": "CUPS", "quantity": "2", "unit": "case"},
                {"sku": "LIDS", "quantity": "30", "price": "0.10"},
            ],
            **extra,
        }


@pytest.fixture
def buying(tenant_a):
    return Buying(tenant_a)


def _scheduled(tenant):
    with tenant_context(tenant):
        return sorted(
            (p.item.sku, p.date, p.quantity)
            for p in Projection.objects.filter(tenant=tenant, kind=ProjectionKind.SCHEDULED_RECEIPT)
        )


def test_create_approve_send(buying, api_as):
    api = api_as(buying.tenant, Role.PLANNER)
    made = api.post("/purchase-orders", buying.body(), key="po-1")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["status"] == "draft" and body["number"].startswith("PO-")
    assert (body["supplier"], body["site"], body["currency"]) == ("ACME", "MAIN", "EUR")
    assert body["supplier_reference"] == "Q-17" and body["line_count"] == 2
    cups, lids = body["lines"]
    # A case of 50 at the supplier's 0.40 a cup costs 20 a case.
    assert (cups["sku"], cups["unit"], Decimal(cups["quantity"])) == ("CUPS", "case", 2)
    assert Decimal(cups["quantity_base"]) == 100 and Decimal(cups["unit_cost"]) == 20
    assert (lids["sku"], lids["unit"], Decimal(lids["unit_cost"])) == (
        "LIDS",
        "each",
        Decimal("0.1"),
    )
    assert lids["expected_date"] == EXPECTED.isoformat()
    assert Decimal(body["total"]) == 43
    assert _scheduled(buying.tenant) == []

    approved = api.post(f"/purchase-orders/{body['id']}/approve", key="po-1-approve")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved" and approved.json()["approved_at"]
    assert _scheduled(buying.tenant) == [
        ("CUPS", EXPECTED, Decimal(100)),
        ("LIDS", EXPECTED, Decimal(30)),
    ]
    sent = api.post(f"/purchase-orders/{body['id']}/send", key="po-1-send")
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == "sent" and sent.json()["sent_at"]
    assert [Decimal(line["open_base"]) for line in sent.json()["lines"]] == [100, 30]
    assert [Decimal(line["received_base"]) for line in sent.json()["lines"]] == [0, 0]
    with tenant_context(buying.tenant):
        order = PurchaseOrder.objects.get(pk=body["id"])
        assert order.status == "sent" and order.approved_by.is_api_client
        assert order.history.count() == 3  # created, approved, sent


def test_a_move_the_status_does_not_allow_is_409_with_facts(buying, api_as):
    api = api_as(buying.tenant, Role.PLANNER)
    made = api.post("/purchase-orders", buying.body()).json()
    refused = api.post(f"/purchase-orders/{made['id']}/send")
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "invalid_transition" and body["document"] == made["number"]
    assert (body["current"].lower(), body["target"].lower()) == ("draft", "sent")
    api.post(f"/purchase-orders/{made['id']}/approve")
    twice = api.post(f"/purchase-orders/{made['id']}/approve")
    assert twice.status_code == 409 and twice.json()["current"].lower() == "approved"


def test_above_the_threshold_its_creator_cannot_approve_it(buying, api_as):
    planner = api_as(buying.tenant, Role.PLANNER)
    big = buying.body(lines=[{"sku": "LIDS", "quantity": "1000", "price": "10"}])
    made = planner.post("/purchase-orders", big).json()
    refused = planner.post(f"/purchase-orders/{made['id']}/approve")
    assert refused.status_code == 400
    assert refused.json()["code"] == "approval_required"
    assert refused.json()["value"] == "10000.00" and refused.json()["threshold"] == "5000.00"
    finance = api_as(buying.tenant, Role.FINANCE)
    assert finance.post(f"/purchase-orders/{made['id']}/approve").json()["status"] == "approved"


def test_bad_input_is_refused_with_a_code_and_nothing_is_kept(buying, api_as):
    api = api_as(buying.tenant, Role.ADMIN)
    unknown = api.post("/purchase-orders", buying.body(lines=[{"sku": "NOPE", "quantity": 1}]))
    assert unknown.status_code == 400 and unknown.json()["skus"] == ["NOPE"]
    supplier = api.post("/purchase-orders", buying.body(supplier="NOBODY"))
    assert supplier.status_code == 400 and supplier.json()["code"] == "unknown_supplier"
    assert supplier.json()["supplier"] == "NOBODY"
    site = api.post("/purchase-orders", buying.body(site="NOWHERE"))
    assert site.status_code == 400 and site.json()["code"] == "unknown_site"
    # The second line names a unit the item lacks: the order and its first line go too.
    unit = api.post(
        "/purchase-orders",
        buying.body(
            lines=[
                {"sku": "LIDS", "quantity": "3", "price": "1"},
                {"sku": "LIDS", "quantity": "3", "unit": "pallet", "price": "1"},
            ]
        ),
    )
    assert unit.status_code == 400, unit.content
    negative = api.post(
        "/purchase-orders", buying.body(lines=[{"sku": "LIDS", "quantity": 1, "price": "-1"}])
    )
    assert negative.status_code == 422 and negative.json()["code"] == "invalid_request"
    assert api.post("/purchase-orders", buying.body(lines=[])).status_code == 422
    assert api.post("/purchase-orders", buying.body(expected_date="soon")).status_code == 422
    with tenant_context(buying.tenant):
        inactive = SupplierFactory(tenant=buying.tenant, code="GONE", is_active=False)
    gone = api.post("/purchase-orders", buying.body(supplier=inactive.code))
    assert gone.status_code == 400 and gone.json()["code"] == "invalid_line"
    with tenant_context(buying.tenant):
        assert not PurchaseOrder.objects.exists()


def test_roles_outside_the_sets_get_403(buying, api_as):
    made = api_as(buying.tenant, Role.PLANNER).post("/purchase-orders", buying.body()).json()
    supervisor = api_as(buying.tenant, Role.SUPERVISOR)
    assert supervisor.get(f"/purchase-orders/{made['id']}").status_code == 200
    for path in ("/purchase-orders", f"/purchase-orders/{made['id']}/approve"):
        refused = supervisor.post(path, buying.body())
        assert refused.status_code == 403 and refused.json()["code"] == "role_required"
    finance = api_as(buying.tenant, Role.FINANCE)
    assert finance.post("/purchase-orders", buying.body()).status_code == 403
    operator = api_as(buying.tenant, Role.OPERATOR)
    assert operator.get("/purchase-orders").status_code == 403
    assert operator.get(f"/purchase-orders/{made['id']}").status_code == 403
    with tenant_context(buying.tenant):
        assert PurchaseOrder.objects.get().status == "draft"


def test_another_tenants_orders_are_404_and_never_listed(buying, tenant_b, api_as):
    made = api_as(buying.tenant, Role.PLANNER).post("/purchase-orders", buying.body()).json()
    stranger = api_as(tenant_b, Role.ADMIN)
    assert stranger.get(f"/purchase-orders/{made['id']}").status_code == 404
    assert stranger.post(f"/purchase-orders/{made['id']}/approve").status_code == 404
    assert stranger.post(f"/purchase-orders/{made['id']}/send").status_code == 404
    assert stranger.get("/purchase-orders").json()["items"] == []
    assert stranger.post("/purchase-orders", buying.body()).json()["code"] == "unknown_supplier"
    with tenant_context(buying.tenant):
        assert PurchaseOrder.objects.get().status == "draft"


def test_list_pages_by_cursor_and_filters(buying, api_as):
    other = SupplierFactory(tenant=buying.tenant, code="OTHER")
    for _ in range(4):
        PurchaseOrderLineFactory(
            order=PurchaseOrderFactory(supplier=buying.supplier, site=buying.site)
        )
    PurchaseOrderFactory(supplier=other, site=buying.site, status="cancelled")
    api = api_as(buying.tenant, Role.FINANCE)
    seen, cursor, pages = [], None, 0
    while True:
        page = api.get("/purchase-orders", limit=2, **({"cursor": cursor} if cursor else {}))
        page = page.json()
        seen += [o["number"] for o in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and len(set(seen)) == 5
    assert len(api.get("/purchase-orders", supplier="ACME").json()["items"]) == 4
    assert len(api.get("/purchase-orders", status="cancelled").json()["items"]) == 1
    assert len(api.get("/purchase-orders", site="ELSEWHERE").json()["items"]) == 0
    assert api.get("/purchase-orders", status="lost").status_code == 422


def test_idempotency_key_repeat_returns_the_first_answer_without_a_second_order(buying, api_as):
    api = api_as(buying.tenant, Role.PLANNER)
    first = api.post("/purchase-orders", buying.body(), key="po-77")
    again = api.post("/purchase-orders", buying.body(), key="po-77")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    order_id = first.json()["id"]
    approve = api.post(f"/purchase-orders/{order_id}/approve", key="approve-77")
    repeat = api.post(f"/purchase-orders/{order_id}/approve", key="approve-77")
    assert approve.status_code == repeat.status_code == 200
    with tenant_context(buying.tenant):
        assert PurchaseOrder.objects.count() == 1
        assert PurchaseOrder.objects.get().history.count() == 2


def test_statements_do_not_grow_with_the_page_or_the_lines(buying, api_as):
    for n in range(6):  # numbered as the service numbers, which continues after them
        PurchaseOrderLineFactory(
            order=PurchaseOrderFactory(
                supplier=buying.supplier, site=buying.site, number=f"PO-{5001 + n:06d}"
            )
        )
    planner = api_as(buying.tenant, Role.PLANNER)
    few = planner.post("/purchase-orders", buying.body(lines=buying.body()["lines"][:1])).json()
    many = planner.post("/purchase-orders", buying.body()).json()
    api = api_as(buying.tenant, Role.FINANCE)
    api.get("/purchase-orders", limit=1)  # the token's first use is touched once a minute

    def statements(path, **params):
        with CaptureQueriesContext(connection) as captured:
            assert api.get(path, **params).status_code == 200
        return len(captured)

    assert statements("/purchase-orders", limit=1) == statements("/purchase-orders", limit=8)
    assert statements(f"/purchase-orders/{few['id']}") == statements(
        f"/purchase-orders/{many['id']}"
    )
