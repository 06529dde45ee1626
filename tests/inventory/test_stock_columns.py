"""The stock page fits a 1280 px screen (issue 8, finding 7): Available is always shown, the
columns that matter less step aside below 1400 px, long descriptions are cut with the full text
in a tooltip."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erp.roles import Role
from tests.factories import ItemFactory, bin_in, member
from tests.inventory.stock import receive
from tests.markup import tables

pytestmark = pytest.mark.django_db

LONG = "Arabica coffee beans, medium roast, whole bean, fair trade, 1 kg valve bag"


@pytest.fixture
def page(tenant_a, client):
    item = ItemFactory(tenant=tenant_a, sku="NW-COF-1KG", description=LONG)
    receive(tenant_a, item, bin_in(tenant_a, code="P-01-01"), 24)
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    return tables(client.get(reverse("inventory:stock_list")).content.decode())[0]


def test_available_is_in_the_markup_and_never_hidden_by_class(page):
    column = page.column("Available")
    assert page.head[column].shown_at_desktop
    row = page.rows[0]
    assert row[column].text == "24"
    assert row[column].shown_at_desktop


def test_secondary_columns_step_aside_below_1400_px(page):
    for label in ("Zone", "Serial"):
        column = page.column(label)
        assert "hide-md" in page.head[column].classes
        assert "hide-md" in page.rows[0][column].classes
    for label in ("SKU", "Bin", "Status", "Available"):
        column = page.column(label)
        assert page.head[column].shown_at_desktop and page.rows[0][column].shown_at_desktop


def test_a_long_description_is_truncated_with_the_full_text_as_its_title(page):
    cell = page.rows[0][page.column("Description")]
    assert "truncate" in cell.classes
    assert cell.attrs["title"] == LONG
