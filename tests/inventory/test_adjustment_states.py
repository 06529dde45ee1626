"""The adjustment's transitions table: posted at once, approved or rejected from pending,
each recorded with who and why; anything else refused by name; decisions offered by role."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.errors import InvalidTransition, RoleRequired
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import selectors
from inventory.models import InventorySettings
from inventory.services import adjustments
from tests.factories import ItemFactory, bin_in, member
from tests.inventory.stock import assert_ledger_clean, loc, on_hand

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(tenant_a):
    item = ItemFactory(tenant=tenant_a, standard_cost=Decimal("10.00"))
    bin = bin_in(tenant_a, code="A-01-01")
    with tenant_context(tenant_a):
        InventorySettings.objects.create(
            tenant=tenant_a, adjustment_approval_threshold=Decimal("100")
        )
    return item, bin


def _request(tenant, item, bin, quantity, user):
    with tenant_context(tenant):
        return adjustments.request_adjustment(
            tenant=tenant, user=user, item=item, location=loc(bin), quantity=Decimal(quantity),
            reason_code="found",
        )  # fmt: skip


def _last_change(tenant, adjustment):
    with tenant_context(tenant):
        record = adjustment.history.order_by("-history_date", "-history_id").first()
    return record.state, record.history_user_id, record.history_change_reason


def test_within_the_threshold_it_posts_at_once_as_the_requesters_post(tenant_a, shelf):
    item, bin = shelf
    requester = member(tenant_a, Role.SUPERVISOR)
    adjustment = _request(tenant_a, item, bin, 5, requester)
    assert _last_change(tenant_a, adjustment) == ("posted", requester.pk, "post")
    assert on_hand(tenant_a, item, bin) == 5
    assert_ledger_clean(tenant_a)


def test_above_it_another_supervisor_approves_and_it_posts(tenant_a, shelf):
    item, bin = shelf
    adjustment = _request(tenant_a, item, bin, 20, member(tenant_a, Role.SUPERVISOR))
    approver = member(tenant_a, Role.ADMIN)
    with tenant_context(tenant_a):
        adjustments.approve_adjustment(tenant=tenant_a, user=approver, adjustment=adjustment)
    assert _last_change(tenant_a, adjustment) == ("posted", approver.pk, "approve")
    assert on_hand(tenant_a, item, bin) == 20
    assert_ledger_clean(tenant_a)


def test_a_rejection_keeps_its_reason_and_posts_nothing(tenant_a, shelf):
    item, bin = shelf
    adjustment = _request(tenant_a, item, bin, 20, member(tenant_a, Role.SUPERVISOR))
    rejecter = member(tenant_a, Role.SUPERVISOR)
    with tenant_context(tenant_a):
        adjustments.reject_adjustment(
            tenant=tenant_a, user=rejecter, adjustment=adjustment, note="miscounted"
        )
    assert _last_change(tenant_a, adjustment) == ("rejected", rejecter.pk, "reject: miscounted")
    assert on_hand(tenant_a, item, bin) == 0
    assert_ledger_clean(tenant_a)


def test_a_decided_adjustment_cannot_be_decided_again(tenant_a, shelf):
    item, bin = shelf
    adjustment = _request(tenant_a, item, bin, 5, member(tenant_a, Role.SUPERVISOR))
    with tenant_context(tenant_a), pytest.raises(InvalidTransition) as refused:
        adjustments.reject_adjustment(
            tenant=tenant_a, user=member(tenant_a, Role.SUPERVISOR), adjustment=adjustment
        )
    assert str(refused.value) == f"Adjustment #{adjustment.pk} cannot go from posted to rejected."
    assert on_hand(tenant_a, item, bin) == 5


def test_an_operator_cannot_decide(tenant_a, shelf):
    item, bin = shelf
    adjustment = _request(tenant_a, item, bin, 20, member(tenant_a, Role.SUPERVISOR))
    with tenant_context(tenant_a), pytest.raises(RoleRequired):
        adjustments.approve_adjustment(
            tenant=tenant_a, user=member(tenant_a, Role.OPERATOR), adjustment=adjustment
        )


def test_the_requester_is_offered_reject_and_others_both(tenant_a, shelf):
    item, bin = shelf
    requester = member(tenant_a, Role.SUPERVISOR)
    adjustment = _request(tenant_a, item, bin, 20, requester)
    with tenant_context(tenant_a):
        own = selectors.adjustment_actions(tenant=tenant_a, adjustment=adjustment, user=requester)
        other = selectors.adjustment_actions(
            tenant=tenant_a, adjustment=adjustment, user=member(tenant_a, Role.ADMIN)
        )
    assert [a.name for a in own] == ["reject"]
    assert [a.name for a in other] == ["approve", "reject"]
