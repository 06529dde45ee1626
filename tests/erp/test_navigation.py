"""The side menu: which links each role sees, and which one is the current page."""

from __future__ import annotations

import pytest
from django.urls import resolve

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


@pytest.mark.parametrize("role", list(Role))
def test_every_link_a_role_sees_opens_for_that_role(role):
    """The menu never leads a member to a 403: each link's view lets the role in."""
    refused = [
        link["url"]
        for section in menu_for(role, "/")
        for link in section["links"]
        if getattr(resolve(link["url"]).func, "allowed_roles", None) is not None
        and role not in resolve(link["url"]).func.allowed_roles
    ]
    assert refused == []


def test_the_owner_sees_the_pages_it_reads_and_no_desk_or_settings_work():
    assert _labels(Role.OWNER) == {
        "Home": ["Dashboard", "Alerts", "Alert e-mails", "Your exports"],
        "Inventory": ["Items", "Stock on hand", "Ledger", "Valuation"],
        "Returns": ["RMAs", "Credits", "Return reasons"],
        "Purchasing": ["Purchase orders", "Suppliers"],
        "Sales": ["Sales orders", "Backorders", "Customers"],
        "Reports": [
            "Service level",
            "Backorder aging",
            "Order cycle time",
            "Throughput",
            "Inventory accuracy",
            "Turns and carrying cost",
            "Excess and dead stock",
            "Supplier scorecard",
            "Write-off register",
        ],
    }
