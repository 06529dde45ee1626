"""A form sent twice, one after the other or both at once, does its work once, and both
answers are pages, never a server error (erp.idempotency; issue 9 findings 1 and 2)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory.models import Adjustment, StockTransaction
from orders.models import SalesOrderLine
from tests.concurrency import at_once
from tests.factories import ItemFactory, bin_in, member
from tests.inventory.stock import assert_ledger_clean, on_hand
from warehouse.models import Carton

KEY = re.compile(r'name="idempotency_key" value="([0-9a-f]{32})"')


def _key(client, url) -> str:
    page = client.get(url)
    assert page.status_code == 200
    return KEY.search(page.content.decode()).group(1)


def _codes(responses) -> list[int]:
    return [response.status_code for response in responses]


def _adjustment_form(client, item, bin, key, quantity="5"):
    return client.post(
        reverse("inventory:adjustment_create"),
        {
            "site": bin.site_id, "bin": bin.code, "item": item.sku, "quantity": quantity,
            "status": "available", "reason_code": "found", "idempotency_key": key,
        },
    )  # fmt: skip


@pytest.mark.django_db
def test_rendering_a_form_mints_a_new_key_each_time_and_writes_nothing(client, tenant_a):
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    url = reverse("inventory:adjustment_create")
    assert _key(client, url) != _key(client, url)


@pytest.mark.django_db
def test_a_repeated_adjustment_posts_once_and_answers_with_the_first_result(client, tenant_a):
    item, bin = ItemFactory(tenant=tenant_a), bin_in(tenant_a)
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    key = _key(client, reverse("inventory:adjustment_create"))

    first = _adjustment_form(client, item, bin, key)
    again = _adjustment_form(client, item, bin, key)

    assert first.status_code == again.status_code == 302
    assert again.url == first.url
    with tenant_context(tenant_a):
        assert Adjustment.objects.count() == 1
        assert StockTransaction.objects.count() == 1
    assert on_hand(tenant_a, item, bin) == 5
    page = client.get(again.url)
    assert b"That was already done" in page.content
    assert_ledger_clean(tenant_a)


@pytest.mark.django_db
def test_a_refused_form_repeated_gets_the_same_refusal_and_a_fresh_form_works(client, tenant_a):
    item, bin = ItemFactory(tenant=tenant_a), bin_in(tenant_a)
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    key = _key(client, reverse("inventory:adjustment_create"))
    refused = _adjustment_form(client, item, bin, key, quantity="-5")  # nothing there to remove
    again = _adjustment_form(client, item, bin, key, quantity="-5")
    assert refused.status_code == again.status_code == 422
    assert again.content == refused.content
    fresh = KEY.search(refused.content.decode()).group(1)
    assert fresh != key
    assert _adjustment_form(client, item, bin, fresh, quantity="2").status_code == 302
    assert on_hand(tenant_a, item, bin) == 2


@pytest.mark.django_db
def test_another_users_key_is_refused_without_doing_anything(client, tenant_a):
    item, bin = ItemFactory(tenant=tenant_a), bin_in(tenant_a)
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    key = _key(client, reverse("inventory:adjustment_create"))
    assert _adjustment_form(client, item, bin, key).status_code == 302
    other = Client()
    other.force_login(member(tenant_a, Role.SUPERVISOR))
    assert _adjustment_form(other, item, bin, key).status_code == 409
    assert on_hand(tenant_a, item, bin) == 5


@pytest.mark.django_db
def test_a_form_without_a_key_still_works(client, tenant_a):
    item, bin = ItemFactory(tenant=tenant_a), bin_in(tenant_a)
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    assert _adjustment_form(client, item, bin, "").status_code == 302
    assert _adjustment_form(client, item, bin, "not-a-key").status_code == 302
    assert on_hand(tenant_a, item, bin) == 10


@pytest.mark.django_db(transaction=True)
def test_the_same_adjustment_twice_at_once_posts_once(tenant_a):
    item, bin = ItemFactory(tenant=tenant_a), bin_in(tenant_a)
    user = member(tenant_a, Role.SUPERVISOR)
    key = "a" * 32
    answers = _codes(at_once(user, lambda c: _adjustment_form(c, item, bin, key)))
    assert sorted(answers) == [302, 302]
    with tenant_context(tenant_a):
        assert Adjustment.objects.count() == 1
    assert on_hand(tenant_a, item, bin) == 5
    assert_ledger_clean(tenant_a)


@pytest.mark.django_db(transaction=True)
def test_the_same_order_line_twice_at_once_adds_one_line(tenant_a):
    from tests.erp.test_url_coverage import _sales_order

    order, _ = _sales_order(tenant_a)
    item = ItemFactory(tenant=tenant_a)
    user = member(tenant_a, Role.PLANNER)
    url = reverse("orders:order_add_line", args=[order.pk])
    data = {"item": item.sku, "quantity": "3", "unit": item.base_unit, "price": "2.50",
            "idempotency_key": "b" * 32}  # fmt: skip
    answers = _codes(at_once(user, lambda c: c.post(url, data)))
    assert all(code < 500 for code in answers)
    with tenant_context(tenant_a):
        assert SalesOrderLine.objects.filter(order=order).count() == 1


@pytest.mark.django_db(transaction=True)
def test_packing_into_a_new_carton_twice_at_once_makes_one_carton_of_two(tenant_a):
    from tests.warehouse.outbound import Floor

    floor = Floor(tenant_a)
    order = floor.picked_order()
    url = reverse("warehouse:pack_order", args=[order.pk])
    data = {"item": floor.cups.sku, "quantity": "2", "carton": "new", "idempotency_key": "c" * 32}
    answers = _codes(at_once(floor.operator, lambda c: c.post(url, data)))
    assert all(code < 500 for code in answers)
    with tenant_context(tenant_a):
        cartons = list(Carton.objects.filter(order=order).prefetch_related("lines"))
        packed = sum(line.quantity for carton in cartons for line in carton.lines.all())
    assert len(cartons) == 1 and packed == Decimal(2)


@pytest.mark.django_db(transaction=True)
def test_answers_older_than_a_week_are_forgotten_by_the_nightly_task(client, tenant_a):
    import datetime

    from django.utils import timezone

    from erp.models import IdempotentRequest
    from erp.tasks import forget_idempotent_requests_for_task

    item, bin = ItemFactory(tenant=tenant_a), bin_in(tenant_a)
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    _adjustment_form(client, item, bin, "d" * 32)
    _adjustment_form(client, item, bin, "e" * 32)
    with tenant_context(tenant_a):
        IdempotentRequest.objects.filter(key="d" * 32).update(
            created_at=timezone.now() - datetime.timedelta(days=8)
        )
    assert forget_idempotent_requests_for_task(tenant_a.pk) == 1
    with tenant_context(tenant_a):
        assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["e" * 32]
