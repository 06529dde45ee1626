"""Who sees which returns pages in the menu: operators the scanner's receipt and inspection,
supervisors the queues, finance the credits, admins the settings."""

from __future__ import annotations

from erp.navigation import menu_for
from erp.roles import Role


def _labels(role) -> dict[str, list[str]]:
    return {
        section["title"]: [str(link["label"]) for link in section["links"]]
        for section in menu_for(role, "/")
    }


def test_operators_receive_and_inspect_returns_on_the_scanner_menu():
    menu = _labels(Role.OPERATOR)
    assert {"Return receipt", "Return inspection"} <= set(menu["Scanner"])
    assert "Returns" not in menu


def test_supervisors_see_the_returns_queues():
    assert _labels(Role.SUPERVISOR)["Returns"] == [
        "RMAs", "Returns queue", "Supplier returns", "Credits", "Return reasons"
    ]  # fmt: skip


def test_finance_sees_rmas_credits_and_reasons_but_not_the_floor_queues():
    assert _labels(Role.FINANCE)["Returns"] == ["RMAs", "Credits", "Return reasons"]


def test_admins_set_the_return_terms_and_routing():
    assert {"Returns policy", "Customer return terms", "Return routing"} <= set(
        _labels(Role.ADMIN)["Settings"]
    )
