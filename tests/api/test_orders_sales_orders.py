"""Sales orders through the API: entry with lines, confirm and cancel through the declared
transitions with the same effects as the order pages (demand, allocation, reservations),
refusals with codes and facts, who may, other tenants, paging and Idempotency-Key."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Projection, ProjectionKind, Reservation
from orders.models import SalesOrder, SalesOrderLine, ShipTo
from orders.services import allocation
from tests.factories import (
    CustomerFactory,
    ItemFactory,
    ItemUnitFactory,
    SalesOrderFactory,
    bin_in,
    member,
)
from tests.inventory.stock import assert_ledger_clean, receive, reserved

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LATER = TODAY + datetime.timedelta(days=10)


class Shop:
    """A site whose pick face holds 10 BEANS (also sold in cases of 12), and a customer with
    a default and a second address."""

    def __init__(self, tenant):
        self.tenant = tenant
        self.pick = bin_in(tenant, bin_type="pick_face", code="P-1")
        self.site = self.pick.site
        self.item = ItemFactory(tenant=tenant, sku="BEANS")
        ItemUnitFactory(item=self.item, code="case", factor=12)
        receive(tenant, self.item, self.pick, 10)
        self.customer = CustomerFactory(tenant=tenant, code="BLUE", carrier="UPS", route="N1")
        with tenant_context(tenant):
            self.main = ShipTo.objects.create(
                tenant=tenant, customer=self.customer, name="Main", address_line1="1 Main St",
                city="Chicago", is_default=True,
            )  # fmt: skip
            self.back = ShipTo.objects.create(
                tenant=tenant, customer=self.customer, name="Back", address_line1="9 Side St",
                city="Gary",
            )  # fmt: skip

    def body(self, *lines, **extra) -> dict:
        return {
            "customer": self.customer.code,
            "site": self.site.code,
            "requested_date": LATER.isoformat(),
            "customer_reference": "PO-778",
            "lines": [{"sku": "BEANS", "quantity": q, "price": "2.50"} for q in (lines or ("4",))],
            **extra,
        }


@pytest.fixture
def shop(tenant_a):
    return Shop(tenant_a)


def _demand(tenant, order_id):
    with tenant_context(tenant):
        lines = SalesOrderLine.objects.filter(order_id=order_id).values_list("pk", flat=True)
        return sorted(
            (p.item.sku, p.date, p.quantity)
            for p in Projection.objects.filter(
                tenant=tenant, kind=ProjectionKind.DEMAND, source_id__in=list(lines)
            )
        )


def _reservations(tenant, order_id):
    with tenant_context(tenant):
        lines = list(SalesOrderLine.objects.filter(order_id=order_id).values_list("pk", flat=True))
        return sorted(
            r.quantity
            for r in Reservation.objects.filter(
                tenant=tenant, source_type="sales_order_line", source_id__in=lines
            )
        )


def test_created_order_has_its_lines_promised_and_priced(shop, api_as):
    api = api_as(shop.tenant, Role.PLANNER)
    made = api.post(
        "/sales-orders",
        shop.body("4", **{"ship_to": shop.back.pk}) | {"lines": [
            {"sku": "BEANS", "quantity": "4", "price": "2.50"},
            {"sku": "BEANS", "quantity": "1", "unit": "case", "price": "27"},
        ]},
        key="so-1",
    )  # fmt: skip
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["status"] == "draft" and body["number"].startswith("SO-")
    assert body["customer"] == "BLUE" and body["site"] == shop.site.code
    assert body["ship_to"]["name"] == "Back" and body["customer_reference"] == "PO-778"
    assert body["carrier"] == "UPS" and body["route"] == "N1"
    assert [(ln["sku"], ln["unit"], Decimal(ln["ordered_base"])) for ln in body["lines"]] == [
        ("BEANS", "each", Decimal(4)),
        ("BEANS", "case", Decimal(12)),
    ]
    # 10 on hand covers the 4 on the requested date; nothing is backordered in a draft.
    assert body["lines"][0]["promised_date"] == LATER.isoformat()
    assert all(Decimal(line["backordered_base"]) == Decimal("0") for line in body["lines"])
    assert Decimal(body["total"]) == Decimal("37.000000")
    with tenant_context(shop.tenant):
        order = SalesOrder.objects.get(pk=body["id"])
        assert order.created_by.is_api_client and order.lines.count() == 2


def test_price_left_out_defaults_to_the_last_paid_else_is_refused(shop, api_as):
    api = api_as(shop.tenant, Role.PLANNER)
    no_price = shop.body()
    del no_price["lines"][0]["price"]
    refused = api.post("/sales-orders", no_price)
    assert refused.status_code == 400
    assert refused.json()["code"] == "price_required" and refused.json()["sku"] == "BEANS"
    with tenant_context(shop.tenant):
        assert not SalesOrder.objects.exists()
    assert api.post("/sales-orders", shop.body()).status_code == 201
    defaulted = api.post("/sales-orders", no_price)
    assert defaulted.status_code == 201
    assert defaulted.json()["lines"][0]["price"] == "2.500000"


def test_confirm_by_api_has_the_effects_of_confirm_on_the_page(shop, api_as, client):
    """The same order confirmed both ways: the same status, promise and demand, no
    reservation from confirming itself, and allocation then treats both alike."""
    api = api_as(shop.tenant, Role.PLANNER)
    made = api.post("/sales-orders", shop.body("4"), key="api-order").json()
    confirmed = api.post(f"/sales-orders/{made['id']}/confirm", key="api-confirm")
    assert confirmed.status_code == 200, confirmed.content

    client.force_login(member(shop.tenant, Role.PLANNER))
    page = client.post(
        reverse("orders:order_create"),
        {
            "customer": shop.customer.pk,
            "site": shop.site.pk,
            "requested_date": LATER.isoformat(),
            "customer_reference": "PO-778",
        },
    )
    assert page.status_code == 302
    with tenant_context(shop.tenant):
        page_order = SalesOrder.objects.exclude(pk=made["id"]).get()
    add = client.post(
        reverse("orders:order_add_line", args=[page_order.pk]),
        {"item": "BEANS", "quantity": "4", "price": "2.50"},
    )
    assert add.status_code == 302
    done = client.post(reverse("orders:order_action", args=[page_order.pk]), {"action": "confirm"})
    assert done.status_code == 302

    body = confirmed.json()
    with tenant_context(shop.tenant):
        page_order.refresh_from_db()
    assert body["status"] == page_order.status == "confirmed"
    assert body["promised_date"] == page_order.promised_date.isoformat() == LATER.isoformat()
    assert body["confirmed_at"] is not None
    assert _demand(shop.tenant, made["id"]) == [("BEANS", LATER, Decimal(-4))]
    assert _demand(shop.tenant, page_order.pk) == [("BEANS", LATER, Decimal(-4))]
    assert _reservations(shop.tenant, made["id"]) == _reservations(shop.tenant, page_order.pk) == []
    assert Decimal(body["backordered_base"]) == Decimal("4.0000")
    assert Decimal(body["lines"][0]["backordered_base"]) == Decimal("4.0000")

    with tenant_context(shop.tenant):
        result = allocation.allocate(tenant=shop.tenant, user=None)
    assert result.lines == 2 and result.backordered_lines == 0
    after = api.get(f"/sales-orders/{made['id']}").json()
    with tenant_context(shop.tenant):
        page_order.refresh_from_db()
    assert after["status"] == page_order.status == "allocated"
    assert Decimal(after["lines"][0]["allocated_base"]) == Decimal("4.0000")
    assert Decimal(after["lines"][0]["backordered_base"]) == Decimal("0.0000")
    assert _reservations(shop.tenant, made["id"]) == [Decimal(4)]
    assert _reservations(shop.tenant, page_order.pk) == [Decimal(4)]
    assert reserved(shop.tenant, shop.item, shop.pick) == 8
    assert_ledger_clean(shop.tenant)


def test_cancel_releases_reservations_and_withdraws_demand(shop, api_as):
    api = api_as(shop.tenant, Role.SUPERVISOR)
    made = api.post("/sales-orders", shop.body("6")).json()
    api.post(f"/sales-orders/{made['id']}/confirm")
    with tenant_context(shop.tenant):
        allocation.allocate(tenant=shop.tenant, user=None)
    assert reserved(shop.tenant, shop.item, shop.pick) == 6

    cancelled = api.post(f"/sales-orders/{made['id']}/cancel", {"reason": "customer called"})
    assert cancelled.status_code == 200, cancelled.content
    body = cancelled.json()
    assert body["status"] == "cancelled" and "customer called" in body["notes"]
    assert Decimal(body["lines"][0]["cancelled_base"]) == Decimal("6.0000")
    assert Decimal(body["lines"][0]["allocated_base"]) == Decimal("0.0000")
    assert reserved(shop.tenant, shop.item, shop.pick) == 0
    assert _demand(shop.tenant, made["id"]) == []
    assert_ledger_clean(shop.tenant)


def test_a_move_the_status_does_not_allow_is_409_with_facts(shop, api_as):
    api = api_as(shop.tenant, Role.PLANNER)
    made = api.post("/sales-orders", shop.body()).json()
    api.post(f"/sales-orders/{made['id']}/cancel", {})
    again = api.post(f"/sales-orders/{made['id']}/confirm")
    assert again.status_code == 409
    body = again.json()
    assert body["code"] == "invalid_transition"
    assert body["document"] == made["number"]
    assert (body["current"].lower(), body["target"].lower()) == ("cancelled", "confirmed")
    with tenant_context(shop.tenant):
        assert SalesOrder.objects.get(pk=made["id"]).status == "cancelled"


def test_bad_input_is_refused_with_a_code_and_nothing_is_kept(shop, api_as):
    api = api_as(shop.tenant, Role.PLANNER)
    unknown = api.post("/sales-orders", shop.body() | {"lines": [{"sku": "NOPE", "quantity": 1}]})
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_sku"
    assert unknown.json()["skus"] == ["NOPE"]
    customer = api.post("/sales-orders", shop.body() | {"customer": "NOBODY"})
    assert customer.status_code == 400 and customer.json()["code"] == "unknown_customer"
    site = api.post("/sales-orders", shop.body() | {"site": "NOWHERE"})
    assert site.status_code == 400 and site.json()["code"] == "unknown_site"
    other = CustomerFactory(tenant=shop.tenant)
    with tenant_context(shop.tenant):
        theirs = ShipTo.objects.create(
            tenant=shop.tenant, customer=other, name="X", address_line1="x", city="y"
        )
    wrong_address = api.post("/sales-orders", shop.body() | {"ship_to": theirs.pk})
    assert wrong_address.status_code == 400 and wrong_address.json()["code"] == "order_error"
    # The second line splits an indivisible each: the first line goes with the order.
    split = api.post("/sales-orders", shop.body("2", "0.5"))
    assert split.status_code == 400
    zero = api.post("/sales-orders", shop.body("0"))
    assert zero.status_code == 422 and zero.json()["code"] == "invalid_request"
    empty = api.post("/sales-orders", shop.body() | {"lines": []})
    assert empty.status_code == 422
    nul = api.post("/sales-orders", shop.body() | {"customer_reference": "a\x00b"})
    assert nul.status_code == 422
    with tenant_context(shop.tenant):
        assert not SalesOrder.objects.exists()


def test_roles_outside_the_order_takers_get_403(shop, api_as):
    made = api_as(shop.tenant, Role.PLANNER).post("/sales-orders", shop.body()).json()
    finance = api_as(shop.tenant, Role.FINANCE)
    assert finance.get(f"/sales-orders/{made['id']}").status_code == 200
    for path in ("/sales-orders", f"/sales-orders/{made['id']}/confirm"):
        refused = finance.post(path, shop.body())
        assert refused.status_code == 403 and refused.json()["code"] == "role_required"
    operator = api_as(shop.tenant, Role.OPERATOR)
    assert operator.get("/sales-orders").json()["code"] == "role_required"
    assert operator.post(f"/sales-orders/{made['id']}/cancel", {}).status_code == 403
    with tenant_context(shop.tenant):
        assert SalesOrder.objects.get().status == "draft"


def test_another_tenants_orders_are_404_and_never_listed(shop, tenant_b, api_as):
    made = api_as(shop.tenant, Role.PLANNER).post("/sales-orders", shop.body()).json()
    stranger = api_as(tenant_b, Role.ADMIN)
    assert stranger.get(f"/sales-orders/{made['id']}").status_code == 404
    assert stranger.post(f"/sales-orders/{made['id']}/confirm").status_code == 404
    assert stranger.post(f"/sales-orders/{made['id']}/cancel", {}).status_code == 404
    assert stranger.get("/sales-orders").json()["items"] == []
    # Their codes name nothing here either.
    assert stranger.post("/sales-orders", shop.body()).json()["code"] == "unknown_customer"
    with tenant_context(shop.tenant):
        assert SalesOrder.objects.get().status == "draft"


def test_list_pages_by_cursor_and_filters(shop, api_as):
    other_customer = CustomerFactory(tenant=shop.tenant, code="GREEN")
    for _ in range(5):
        SalesOrderFactory(tenant=shop.tenant, customer=shop.customer, site=shop.site)
    SalesOrderFactory(tenant=shop.tenant, customer=other_customer, site=shop.site)
    SalesOrderFactory(
        tenant=shop.tenant, customer=shop.customer, site=shop.site, status="cancelled"
    )
    api = api_as(shop.tenant, Role.FINANCE)
    seen, cursor, pages = [], None, 0
    while True:
        page = api.get("/sales-orders", limit=3, **({"cursor": cursor} if cursor else {})).json()
        seen += [o["number"] for o in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == 7
    assert len(api.get("/sales-orders", customer="GREEN").json()["items"]) == 1
    assert len(api.get("/sales-orders", status="cancelled").json()["items"]) == 1
    assert len(api.get("/sales-orders", site=shop.site.code).json()["items"]) == 7
    assert api.get("/sales-orders", status="nonsense").status_code == 422
    assert api.get("/sales-orders", cursor="garbage").json()["code"] == "invalid_cursor"


def test_updated_since_finds_an_order_changed_by_confirm(shop, api_as):
    api = api_as(shop.tenant, Role.PLANNER)
    old = api.post("/sales-orders", shop.body()).json()
    made = api.post("/sales-orders", shop.body()).json()
    mark = timezone.now().isoformat()
    api.post(f"/sales-orders/{made['id']}/confirm")
    changed = api.get("/sales-orders", updated_since=mark).json()["items"]
    assert [o["number"] for o in changed] == [made["number"]]
    assert old["number"] != made["number"]


def test_idempotency_key_repeat_returns_the_first_answer_without_a_second_order(shop, api_as):
    api = api_as(shop.tenant, Role.PLANNER)
    first = api.post("/sales-orders", shop.body(), key="order-77")
    again = api.post("/sales-orders", shop.body(), key="order-77")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    confirm = api.post(f"/sales-orders/{first.json()['id']}/confirm", key="confirm-77")
    repeat = api.post(f"/sales-orders/{first.json()['id']}/confirm", key="confirm-77")
    assert repeat.status_code == confirm.status_code == 200
    with tenant_context(shop.tenant):
        assert SalesOrder.objects.count() == 1
        assert Projection.objects.filter(kind=ProjectionKind.DEMAND).count() == 1


def test_statements_do_not_grow_with_the_page_or_the_lines(shop, api_as):
    api = api_as(shop.tenant, Role.FINANCE)
    for n in range(6):  # numbered as the service numbers, which continues after them
        SalesOrderFactory(
            tenant=shop.tenant, customer=shop.customer, site=shop.site, number=f"SO-{200001 + n}"
        )
    few_lines = api_as(shop.tenant, Role.PLANNER).post("/sales-orders", shop.body("1")).json()
    many_lines = (
        api_as(shop.tenant, Role.PLANNER)
        .post("/sales-orders", shop.body("1", "2", "3", "4", "5"))
        .json()
    )
    api.get("/sales-orders", limit=1)  # the token's first use is touched once a minute

    def statements(path, **params):
        with CaptureQueriesContext(connection) as captured:
            assert api.get(path, **params).status_code == 200
        return len(captured)

    assert statements("/sales-orders", limit=1) == statements("/sales-orders", limit=8)
    assert statements(f"/sales-orders/{few_lines['id']}") == statements(
        f"/sales-orders/{many_lines['id']}"
    )


def test_a_number_drawn_twice_is_409_to_send_again(shop, api_as):
    # What two orders made at the same instant meet: the next number is taken already.
    # Numbering continues after the highest SO- number, here one it cannot read, so it
    # starts again at SO-100001.
    SalesOrderFactory(
        tenant=shop.tenant, customer=shop.customer, site=shop.site, number="SO-100001"
    )
    SalesOrderFactory(tenant=shop.tenant, customer=shop.customer, site=shop.site, number="SO-X")
    refused = api_as(shop.tenant, Role.PLANNER).post("/sales-orders", shop.body())
    assert refused.status_code == 409 and refused.json()["code"] == "number_taken"
    with tenant_context(shop.tenant):
        assert SalesOrder.objects.count() == 2
