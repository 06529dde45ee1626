"""The planner's decisions: a changed quantity, a rejection with its reason, and acceptance that
makes draft purchase orders grouped by supplier and site (through purchasing's order services)
and draft transfers (through warehouse's transfer services, reached by the registered maker).
Decided suggestions are kept for audit when the next run replaces the open ones."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.errors import RoleRequired
from erp.roles import Role
from erp.tenancy import tenant_context
from purchasing.errors import InvalidSuggestion, SuggestionNotOpen
from purchasing.models import OrderStatus, PurchaseOrder, ReorderSuggestion
from purchasing.planning import review
from tests.factories import (
    ItemFactory,
    SiteFactory,
    SuggestionFactory,
    SupplierFactory,
    member,
)
from tests.purchasing.planning import run

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def planner(tenant_a):
    return member(tenant_a, Role.PLANNER)


def accept(tenant, user, suggestions):
    with tenant_context(tenant):
        return review.accept(tenant=tenant, user=user, suggestions=suggestions)


def test_accepting_three_from_two_suppliers_makes_two_draft_orders(tenant_a, planner):
    """ACME's two suggestions share one draft; BOLTCO's gets its own; each line carries the
    suggestion's quantity and cost, and the draft is expected after the longest lead time."""
    site = SiteFactory(tenant=tenant_a, code="MAIN")
    acme, boltco = (SupplierFactory(tenant=tenant_a, code=c) for c in ("ACME", "BOLTCO"))
    first = SuggestionFactory(tenant=tenant_a, site=site, supplier=acme, quantity=D(240))
    second = SuggestionFactory(tenant=tenant_a, site=site, supplier=acme, quantity=D(36),
                               lead_time_days=D("12.5"))  # fmt: skip
    third = SuggestionFactory(tenant=tenant_a, site=site, supplier=boltco, quantity=D(10))

    orders, transfers = accept(tenant_a, planner, [first, second, third])

    assert transfers == []
    with tenant_context(tenant_a):
        made = {o.supplier.code: o for o in PurchaseOrder.objects.filter(tenant=tenant_a)}
        assert set(made) == {"ACME", "BOLTCO"} and len(orders) == 2
        assert {o.status for o in made.values()} == {OrderStatus.DRAFT}
        lines = sorted((line.item_id, line.quantity_base, line.unit_cost)
                       for line in made["ACME"].lines.all())  # fmt: skip
        assert lines == sorted([(first.item_id, D(240), D(2)), (second.item_id, D(36), D(2))])
        # ⌈12.5⌉ = 13 days after the tenant's today, the longer of 9 and 12.5.
        assert (made["ACME"].expected_date - made["ACME"].created_at.date()).days in (12, 13, 14)
        decided = ReorderSuggestion.objects.filter(tenant=tenant_a).order_by("pk")
        assert [(s.status, s.purchase_order.supplier.code, s.decided_by) for s in decided] == [
            ("accepted", "ACME", planner), ("accepted", "ACME", planner),
            ("accepted", "BOLTCO", planner),
        ]  # fmt: skip


def test_accepting_a_transfer_makes_a_draft_transfer_in_the_warehouse(tenant_a, planner):
    from warehouse.models import TransferOrder

    main, west = (
        SiteFactory(tenant=tenant_a, code="MAIN"),
        SiteFactory(tenant=tenant_a, code="WEST"),
    )
    suggestion = SuggestionFactory(
        tenant=tenant_a, kind="transfer", site=main, from_site=west, supplier=None, quantity=D(163)
    )

    orders, (number,) = accept(tenant_a, planner, [suggestion])

    assert orders == []
    with tenant_context(tenant_a):
        transfer = TransferOrder.objects.get(tenant=tenant_a, number=number)
        assert (transfer.status, transfer.from_site, transfer.to_site) == ("draft", west, main)
        assert [(line.item_id, line.quantity_base) for line in transfer.lines.all()] == [
            (suggestion.item_id, D(163))
        ]
        suggestion.refresh_from_db()
        assert (suggestion.status, suggestion.transfer_number) == ("accepted", number)


def test_a_changed_quantity_is_what_the_order_gets(tenant_a, planner):
    suggestion = SuggestionFactory(tenant=tenant_a)
    with tenant_context(tenant_a):
        review.change_quantity(tenant=tenant_a, user=planner, suggestion=suggestion, quantity="360")
    (order,), _ = accept(tenant_a, planner, [suggestion])
    with tenant_context(tenant_a):
        assert [line.quantity_base for line in order.lines.all()] == [D(360)]
        suggestion.refresh_from_db()
        assert (suggestion.suggested_quantity, suggestion.quantity) == (D(240), D(360))
        assert suggestion.history.filter(history_change_reason="quantity 240 -> 360").exists()


@pytest.mark.parametrize("bad", ["0", "-5", "abc", "1e40", "1.00001"])
def test_a_quantity_that_is_not_a_positive_amount_is_refused(tenant_a, planner, bad):
    suggestion = SuggestionFactory(tenant=tenant_a)
    with tenant_context(tenant_a), pytest.raises(InvalidSuggestion):
        review.change_quantity(tenant=tenant_a, user=planner, suggestion=suggestion, quantity=bad)


def test_rejecting_needs_a_reason_and_keeps_it(tenant_a, planner):
    suggestion = SuggestionFactory(tenant=tenant_a)
    with tenant_context(tenant_a):
        with pytest.raises(InvalidSuggestion):
            review.reject(tenant=tenant_a, user=planner, suggestion=suggestion, reason="  ")
        review.reject(tenant=tenant_a, user=planner, suggestion=suggestion,
                      reason="Discontinued by the supplier")  # fmt: skip
        suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.reason, suggestion.decided_by) == (
        "rejected", "Discontinued by the supplier", planner
    )  # fmt: skip


def test_a_decided_suggestion_cannot_be_decided_again_and_nothing_is_made(tenant_a, planner):
    """One of two already rejected: the acceptance of both makes no order at all."""
    done, other = SuggestionFactory(tenant=tenant_a), SuggestionFactory(tenant=tenant_a)
    with tenant_context(tenant_a):
        review.reject(tenant=tenant_a, user=planner, suggestion=done, reason="No")
    with pytest.raises(SuggestionNotOpen):
        accept(tenant_a, planner, [done, other])
    with tenant_context(tenant_a):
        assert not PurchaseOrder.objects.filter(tenant=tenant_a).exists()
        other.refresh_from_db()
        assert other.status == "open"


def test_only_buyers_decide(tenant_a):
    operator = member(tenant_a, Role.OPERATOR)
    suggestion = SuggestionFactory(tenant=tenant_a)
    with pytest.raises(RoleRequired):
        accept(tenant_a, operator, [suggestion])


def test_a_new_run_replaces_open_suggestions_and_keeps_decided_ones(tenant_a, planner):
    kept = SuggestionFactory(tenant=tenant_a, item=ItemFactory(tenant=tenant_a))
    SuggestionFactory(tenant=tenant_a)  # open: replaced (no stock or demand now: nothing new)
    with tenant_context(tenant_a):
        review.reject(tenant=tenant_a, user=planner, suggestion=kept, reason="Seasonal end")

    assert run(tenant_a) == [kept]
