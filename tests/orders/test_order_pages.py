"""Sales order pages: entry with the customer's ship-tos, lines in any unit with the ATP check
and the promised date, the actions by status, and who may do what."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.ledger import projections
from inventory.models import ProjectionKind, StockBalance
from orders.models import SalesOrder, SalesOrderLine, ShipTo
from orders.services import sales_orders
from tests.factories import CustomerFactory, ItemFactory, ItemUnitFactory, bin_in, member
from tests.inventory.stock import assert_ledger_clean, receive

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


class Shop:
    """A site with a pick face holding 10 of an item (which also comes in cases of 12), a
    customer with two addresses, and a planner signed in."""

    def __init__(self, tenant, client, role=Role.SUPERVISOR, **customer):
        self.tenant = tenant
        self.pick = bin_in(tenant, bin_type="pick_face", code="P-1")
        self.site = self.pick.site
        self.item = ItemFactory(tenant=tenant, sku="BEANS", description="Coffee beans")
        ItemUnitFactory(item=self.item, code="case", factor=12)
        receive(tenant, self.item, self.pick, 10)
        self.customer = CustomerFactory(
            tenant=tenant, name="Blue Door", carrier="UPS", route="CHI-N", **customer
        )
        with tenant_context(tenant):
            self.main = ShipTo.objects.create(
                tenant=tenant, customer=self.customer, name="Main", address_line1="1 Main St",
                city="Chicago", is_default=True,
            )  # fmt: skip
            self.back = ShipTo.objects.create(
                tenant=tenant, customer=self.customer, name="Back door", address_line1="9 Side St",
                city="Gary",
            )  # fmt: skip
        self.user = member(tenant, role)
        self.client = client
        client.force_login(self.user)

    def order(self, *lines, confirm=False, requested=TODAY) -> SalesOrder:
        with tenant_context(self.tenant):
            order = sales_orders.create_order(
                tenant=self.tenant, user=self.user, customer=self.customer, site=self.site,
                requested_date=requested,
            )  # fmt: skip
            for quantity in lines:
                sales_orders.add_line(
                    tenant=self.tenant, user=self.user, order=order, item=self.item,
                    quantity=Decimal(quantity), price=Decimal("2.50"),
                )  # fmt: skip
            if confirm:
                sales_orders.confirm(tenant=self.tenant, user=self.user, order=order)
        return order

    def act(self, order, action, **data):
        return self.client.post(
            reverse("orders:order_action", args=[order.pk]), {"action": action, **data}
        )

    def refresh(self, order) -> SalesOrder:
        with tenant_context(self.tenant):
            return SalesOrder.objects.get(pk=order.pk)


@pytest.fixture
def shop(tenant_a, client):
    return Shop(tenant_a, client)


def test_an_order_is_entered_for_one_of_its_customers_addresses(shop):
    url = reverse("orders:order_create")
    form = shop.client.get(url, {"customer": shop.customer.pk})
    assert b"Back door, Gary" in form.content
    with tenant_context(shop.tenant):
        other = CustomerFactory(tenant=shop.tenant, name="Other Co")
        stranger = ShipTo.objects.create(
            tenant=shop.tenant, customer=other, name="Elsewhere", address_line1="x", city="y"
        )
    data = {
        "customer": shop.customer.pk,
        "site": shop.site.pk,
        "requested_date": _day(3).isoformat(),
        "customer_reference": "PO-778",
    }
    wrong = shop.client.post(url, {**data, "ship_to": stranger.pk})
    assert wrong.status_code == 422 and b"That address belongs to" in wrong.content
    missing = shop.client.post(url, {"customer": shop.customer.pk})
    assert missing.status_code == 422 and b"This field is required." in missing.content
    made = shop.client.post(url, {**data, "ship_to": shop.back.pk})
    assert made.status_code == 302
    defaulted = shop.client.post(url, data)
    with tenant_context(shop.tenant):
        first, second = SalesOrder.objects.order_by("pk")
    assert made.url == first.get_absolute_url() and defaulted.status_code == 302
    assert first.ship_to_id == shop.back.pk and second.ship_to_id == shop.main.pk
    assert (first.carrier, first.route, first.customer_reference) == ("UPS", "CHI-N", "PO-778")


def test_ship_to_options_follow_the_chosen_customer(shop, tenant_b):
    url = reverse("orders:order_ship_tos")
    options = shop.client.get(url, {"customer": shop.customer.pk}).content.decode()
    assert "Main, Chicago (default)" in options and "Back door, Gary" in options
    other = CustomerFactory(tenant=tenant_b)
    with tenant_context(tenant_b):
        ShipTo.objects.create(
            tenant=tenant_b, customer=other, name="Bravo dock", address_line1="x", city="y"
        )
    assert "Bravo dock" not in shop.client.get(url, {"customer": other.pk}).content.decode()
    assert shop.client.get(url, {"customer": "junk"}).status_code == 200


def test_the_atp_check_shows_what_can_be_promised_and_the_first_date(shop):
    with tenant_context(shop.tenant):
        projections.publish(
            tenant=shop.tenant, source_type="test_supply", source_id=1, item=shop.item,
            site=shop.site, date=_day(5), quantity=Decimal(20),
            kind=ProjectionKind.SCHEDULED_RECEIPT,
        )  # fmt: skip
    order = shop.order()
    url = reverse("orders:order_line_check", args=[order.pk])
    check = shop.client.get(url, {"item": "beans", "quantity": "2", "unit": "case"})
    text = check.content.decode()
    assert check.status_code == 200 and "<html" not in text
    assert "2 case = 24 each" in text
    assert f"ATP on {TODAY:%Y-%m-%d}" in text and "10 each can be promised" in text
    assert "14 short" in text
    assert f"{_day(5):%Y-%m-%d}" in text and "5 days after the requested date" in text
    assert "case = 12 each" in text and "none: enter a price" in text
    covered = shop.client.get(url, {"item": "BEANS", "quantity": "4"}).content.decode()
    assert "covers the line" in covered
    never = shop.client.get(url, {"item": "BEANS", "quantity": "50"}).content.decode()
    assert "none in sight" in never
    assert "No item with SKU or GTIN" in shop.client.get(url, {"item": "nope"}).content.decode()
    assert (
        "has no unit" in shop.client.get(url, {"item": "BEANS", "unit": "pallet"}).content.decode()
    )
    assert "Type an item" in shop.client.get(url).content.decode()


def test_an_added_line_gets_the_first_date_atp_covers_and_the_page_says_so(shop):
    with tenant_context(shop.tenant):
        projections.publish(
            tenant=shop.tenant, source_type="test_supply", source_id=1, item=shop.item,
            site=shop.site, date=_day(5), quantity=Decimal(20),
            kind=ProjectionKind.SCHEDULED_RECEIPT,
        )  # fmt: skip
    order = shop.order()
    add = reverse("orders:order_add_line", args=[order.pk])
    response = shop.client.post(
        add, {"item": "BEANS", "quantity": "2", "unit": "case", "price": "30"}, follow=True
    )
    text = response.content.decode()
    assert f"Line 1: 2 case of BEANS promised for {_day(5):%Y-%m-%d}, 5 day(s) after" in text
    assert "only 10 each can be promised by then" in text
    assert "= 24 each" in text  # the line in the table, in base units too
    with tenant_context(shop.tenant):
        line = SalesOrderLine.objects.get(order=order)
    assert (line.quantity_base, line.promised_date, line.price) == (24, _day(5), 30)


def test_the_price_defaults_to_the_customers_last_price_in_the_lines_unit(shop):
    earlier = shop.order("6")  # 2.50 each
    order = shop.order()
    url = reverse("orders:order_add_line", args=[order.pk])
    assert (
        shop.client.post(url, {"item": "BEANS", "quantity": "1", "unit": "case"}).status_code == 302
    )
    with tenant_context(shop.tenant):
        line = SalesOrderLine.objects.get(order=order)
    assert line.price == Decimal("30") and earlier.pk != order.pk
    check = shop.client.get(
        reverse("orders:order_line_check", args=[order.pk]), {"item": "BEANS", "quantity": "1"}
    )
    assert b"2.50 USD per each" in check.content


@pytest.mark.parametrize(
    "data,message",
    [
        ({"item": "BEANS", "quantity": "0", "price": "1"}, "greater than or equal to 0.0001"),
        ({"item": "BEANS", "quantity": "abc", "price": "1"}, "Enter a number."),
        ({"item": "BEANS", "quantity": "1", "price": "-1"}, "greater than or equal to 0."),
        ({"item": "NOPE", "quantity": "1", "price": "1"}, "No item with SKU or GTIN"),
        ({"item": "BEANS", "quantity": "1", "unit": "pallet", "price": "1"}, "BEANS has no unit"),
        ({"item": "BEANS", "quantity": "1.5", "price": "1"}, "one each cannot be split"),
        ({"item": "BEANS", "quantity": "1"}, "Enter a price: BEANS has never been sold"),
        ({"quantity": "1"}, "This field is required."),
    ],
)
def test_junk_lines_are_refused_with_422_and_a_message(shop, data, message):
    order = shop.order()
    response = shop.client.post(reverse("orders:order_add_line", args=[order.pk]), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    with tenant_context(shop.tenant):
        assert not SalesOrderLine.objects.exists()


def test_a_draft_line_can_be_removed_but_not_once_confirmed(shop):
    order = shop.order("2", "3")
    with tenant_context(shop.tenant):
        first = SalesOrderLine.objects.get(order=order, line_no=1)
        second = SalesOrderLine.objects.get(order=order, line_no=2)
    url = reverse("orders:order_remove_line", args=[order.pk, first.pk])
    assert shop.client.post(url).status_code == 302
    assert shop.act(order, "confirm").status_code == 302
    refused = shop.client.post(
        reverse("orders:order_remove_line", args=[order.pk, second.pk]), follow=True
    )
    assert b"only a draft can be changed" in refused.content


def test_confirm_allocate_and_release_move_the_order_on(shop):
    order = shop.order("4")
    page = shop.client.get(order.get_absolute_url()).content.decode()
    assert "Confirm order" in page and "Add a line" in page and "Release" not in page
    assert shop.act(order, "confirm").status_code == 302
    assert shop.refresh(order).status == "confirmed"
    page = shop.client.get(order.get_absolute_url()).content.decode()
    assert "Allocate now" in page and "Add a line" not in page
    allocated = shop.act(order, "allocate", reason="")
    assert allocated.status_code == 302
    assert shop.refresh(order).status == "allocated"
    page = shop.client.get(order.get_absolute_url(), follow=True).content.decode()
    assert "4 allocated over 1 line(s); 0 line(s) backordered. Now allocated." in page
    assert shop.act(order, "release").status_code == 302
    assert shop.refresh(order).status == "released"
    with tenant_context(shop.tenant):
        assert StockBalance.objects.get(item=shop.item, location__bin=shop.pick).reserved == 4
    assert_ledger_clean(shop.tenant)


def test_a_short_order_shows_its_backorder_and_age(shop):
    order = shop.order("4", "12", confirm=True)
    shop.act(order, "allocate")
    with tenant_context(shop.tenant):
        SalesOrderLine.objects.filter(order=order, line_no=2).update(
            backordered_since=timezone.now() - datetime.timedelta(days=3)
        )
    assert shop.refresh(order).status == "partially_allocated"
    page = shop.client.get(order.get_absolute_url()).content.decode()
    assert "<strong>6</strong>" in page  # 12 ordered, 6 left after the first line took 4
    assert "3 d" in page
    assert "Release to warehouse" in page and "Allocate now" in page


def test_release_of_a_customer_on_credit_hold_is_refused_with_the_hold_message(tenant_a, client):
    shop = Shop(tenant_a, client, credit_hold=True)
    order = shop.order("2", confirm=True)
    shop.act(order, "allocate")
    page = shop.client.get(order.get_absolute_url()).content.decode()
    assert "is on credit hold: this order cannot be released" in page
    refused = shop.act(order, "release")
    assert refused.status_code == 422
    assert f"Blue Door is on credit hold: {order.number} cannot be released to the warehouse." in (
        refused.content.decode()
    )
    assert shop.refresh(order).status == "allocated"


def test_planners_do_not_release_orders(tenant_a, client):
    shop = Shop(tenant_a, client, role=Role.PLANNER)
    order = shop.order("2", confirm=True)
    shop.act(order, "allocate")
    assert "Release to warehouse" not in shop.client.get(order.get_absolute_url()).content.decode()
    refused = shop.act(order, "release")
    assert refused.status_code == 422 and b"This action needs one of these roles" in refused.content


def test_cancelling_needs_a_reason_and_gives_back_the_reservations(shop):
    order = shop.order("4", confirm=True)
    shop.act(order, "allocate")
    no_reason = shop.act(order, "cancel", reason="  ")
    assert no_reason.status_code == 422 and b"Say why the order is cancelled." in no_reason.content
    assert shop.act(order, "cancel", reason="customer called").status_code == 302
    order = shop.refresh(order)
    assert order.status == "cancelled" and "Cancelled: customer called" in order.notes
    with tenant_context(shop.tenant):
        assert StockBalance.objects.get(item=shop.item, location__bin=shop.pick).reserved == 0
        assert SalesOrderLine.objects.get(order=order).cancelled_base == 4
    assert_ledger_clean(shop.tenant)


@pytest.mark.parametrize(
    "action,message",
    [
        ("close", "cannot go from confirmed to closed"),
        ("confirm", "cannot go from confirmed to confirmed"),
        ("release", "cannot go from confirmed to released"),
        ("teleport", "Select a valid choice"),
    ],
)
def test_actions_the_status_does_not_allow_are_refused_with_422(shop, action, message):
    order = shop.order("2", confirm=True)
    response = shop.act(order, action)
    assert response.status_code == 422 and message in response.content.decode()


def test_an_empty_draft_cannot_be_confirmed(shop):
    order = shop.order()
    response = shop.act(order, "confirm")
    assert response.status_code == 422 and b"has no lines" in response.content


def test_order_list_filters_by_status_customer_carrier_and_promised_dates(shop):
    draft = shop.order("1", requested=_day(1))
    confirmed = shop.order("1", confirm=True, requested=_day(20))
    other = CustomerFactory(tenant=shop.tenant, code="ZED", carrier="FedEx")
    url = reverse("orders:order_list")
    everything = shop.client.get(url).content.decode()
    assert draft.number in everything and confirmed.number in everything
    by_status = shop.client.get(url, {"status": "confirmed"}).content.decode()
    assert confirmed.number in by_status and draft.number not in by_status
    by_date = shop.client.get(url, {"promised_from": _day(10).isoformat()}).content.decode()
    assert confirmed.number in by_date and draft.number not in by_date
    by_range = shop.client.get(
        url, {"promised_from": TODAY.isoformat(), "promised_to": _day(2).isoformat()}
    ).content.decode()
    assert draft.number in by_range and confirmed.number not in by_range
    assert draft.number not in shop.client.get(url, {"customer": other.pk}).content.decode()
    assert draft.number in shop.client.get(url, {"carrier": "UPS"}).content.decode()
    assert draft.number not in shop.client.get(url, {"carrier": "FedEx"}).content.decode()
    assert draft.number in shop.client.get(url, {"route": "CHI-N"}).content.decode()


def test_finance_reads_orders_but_cannot_change_them(tenant_a, client):
    shop = Shop(tenant_a, client)
    order = shop.order("2", confirm=True)
    client.force_login(member(tenant_a, Role.FINANCE))
    page = client.get(order.get_absolute_url())
    assert page.status_code == 200 and order.number.encode() in page.content
    assert b"Allocate now" not in page.content and b"Cancel order" not in page.content
    assert client.get(reverse("orders:order_list")).status_code == 200
    assert shop.act(order, "cancel", reason="x").status_code == 403
    assert client.get(reverse("orders:order_create")).status_code == 403
    assert client.get(reverse("orders:order_line_check", args=[order.pk])).status_code == 403


def test_operators_see_no_orders(client, tenant_a):
    client.force_login(member(tenant_a, Role.OPERATOR))
    assert client.get(reverse("orders:order_list")).status_code == 403


def test_another_tenants_order_answers_404(shop, tenant_b, client):
    other = Shop(tenant_b, client)
    order = other.order("1")
    client.force_login(shop.user)
    assert client.get(order.get_absolute_url()).status_code == 404
    assert shop.act(order, "cancel", reason="x").status_code == 404
    url = reverse("orders:order_line_check", args=[order.pk])
    assert client.get(url, {"item": "BEANS", "quantity": "1"}).status_code == 404


def test_every_post_form_on_the_order_and_pool_pages_carries_the_csrf_token(shop):
    """Partials included with `only` do not see the token unless it is passed to them."""
    draft = shop.order("2")
    allocated = shop.order("2", confirm=True)
    shop.act(allocated, "allocate")
    pages = [
        draft.get_absolute_url(),
        allocated.get_absolute_url(),
        reverse("orders:order_pool"),
    ]
    for url in pages:
        html = shop.client.get(url).content.decode()
        forms = html.split('method="post"')[1:]
        assert forms, url
        for form in forms:
            body = form.split("</form>")[0]
            assert 'name="csrfmiddlewaretoken" value="' in body, (url, body[:200])
            assert 'name="csrfmiddlewaretoken" value=""' not in body, (url, body[:200])
