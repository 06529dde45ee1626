"""The side menu: which links each role sees, and which one is the current page."""

from __future__ import annotations

import pytest

from erp.navigation import menu_for
from erp.roles import Role


def _labels(role) -> dict[str, list[str]]:
    return {s["title"]: [str(link["label"]) for link in s["links"]] for s in menu_for(role, "/")}


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.FINANCE])
def test_readers_see_items_but_not_the_import(role):
    labels = _labels(role)["Inventory"]
    assert "Items" in labels and "Item import" not in labels


@pytest.mark.parametrize("role", [Role.PLANNER, Role.ADMIN])
def test_editors_see_items_and_the_import(role):
    assert _labels(role)["Inventory"][:2] == ["Items", "Item import"]


def test_operators_see_no_items():
    assert "Inventory" not in _labels(Role.OPERATOR)


def test_only_the_longest_matching_link_is_current():
    links = [
        link
        for section in menu_for(Role.ADMIN, "/inventory/items/import/3/")
        for link in section["links"]
    ]
    assert [str(link["label"]) for link in links if link["active"]] == ["Item import"]


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.PLANNER, Role.ADMIN])
def test_order_takers_see_the_whole_sales_section(role):
    assert _labels(role)["Sales"] == [
        "Sales orders",
        "Order pool",
        "Backorders",
        "Customers",
        "Customer import",
    ]


def test_finance_reads_sales_but_has_no_pool_or_import():
    assert _labels(Role.FINANCE)["Sales"] == ["Sales orders", "Backorders", "Customers"]


def test_operators_see_no_sales():
    assert "Sales" not in _labels(Role.OPERATOR)
