"""The sales tables fit a 1280 px screen (issue 8, finding 7): the order pool keeps its
Release button in a column pinned to the right edge, backorders keep Value, and an order's
lines keep the item, quantities and amount while the less used columns step aside."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.markup import tables
from tests.orders.test_order_pages import Shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(tenant_a, client):
    return Shop(tenant_a, client)


def test_the_pool_row_renders_release_in_a_pinned_action_column(shop):
    shop.act(shop.order("2", confirm=True), "allocate")
    pool = tables(shop.client.get(reverse("orders:order_pool")).content.decode())[0]
    action = pool.rows[0][-1]
    assert "Release" in action.text and "button" in action.tags
    assert "col-action" in action.classes and action.shown_at_desktop
    assert "col-action" in pool.head[-1].classes


def test_backorders_keep_value_and_quantity_at_desktop(shop):
    shop.order("14", confirm=True)  # 10 on hand, nothing allocated yet: 14 backordered
    page = tables(shop.client.get(reverse("orders:backorder_list")).content.decode())[0]
    for label in ("Order / line", "Item", "Backordered", "Value"):
        column = page.column(label)
        assert page.head[column].shown_at_desktop and page.rows[0][column].shown_at_desktop
    assert (
        page.rows[0][page.column("Value")].text == "35.00 USD"
    )  # money in the tenant currency (erp.numbers)
    assert "hide-md" in page.head[page.column("Backordered since")].classes


def test_order_lines_keep_their_key_columns_and_remove_action(shop):
    order = shop.order("3")
    page = tables(shop.client.get(reverse("orders:order_detail", args=[order.pk])).content.decode())
    lines = page[0]
    for label in ("Item", "Ordered", "Amount", "Allocated", "Backordered"):
        column = lines.column(label)
        assert lines.head[column].shown_at_desktop and lines.rows[0][column].shown_at_desktop
    for label in ("Requested", "Picked", "Cancelled", "Backorder age"):
        assert "hide-md" in lines.head[lines.column(label)].classes
    remove = lines.rows[0][-1]
    assert "Remove" in remove.text and "col-action" in remove.classes
