"""Credits: the proposal's figures, and segregation of duties on their approval (the approver
is never the requester; above the tenant's threshold only finance approves)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError

from erp.tenancy import tenant_context
from returns.errors import ReturnsError, SegregationOfDuties
from returns.models import Credit, ReturnSettings, RmaStatus
from returns.services import credits
from tests.returns.returns_floor import Returns

pytestmark = pytest.mark.django_db


def test_the_credit_is_the_returned_value_less_non_creditable_grades_and_the_fee(tenant_a):
    r = Returns(tenant_a, fee="10")
    credit = r.credit(grades=(("new", 4), ("damaged", 2)))
    # 6 x 10.00 returned; 2 damaged (not creditable) = 20.00; fee 10% of 40.00 = 4.00.
    assert credit.returned_value == Decimal("60.00")
    assert credit.non_creditable == Decimal("20.00")
    assert credit.restocking_fee == Decimal("4.00")
    assert credit.amount == Decimal("36.00")
    assert credit.needs_finance is False  # the default threshold is 500.00
    assert credit.status == "pending"


def test_the_requester_cannot_approve_their_own_credit(tenant_a):
    r = Returns(tenant_a)
    credit = r.credit()
    with tenant_context(tenant_a), pytest.raises(SegregationOfDuties, match="You requested"):
        credits.approve(tenant=tenant_a, user=r.supervisor, credit=credit)
    assert r.fresh(credit).status == "pending"


def test_the_database_refuses_a_credit_decided_by_its_requester(tenant_a):
    r = Returns(tenant_a)
    credit = r.credit()
    with tenant_context(tenant_a), pytest.raises(IntegrityError):
        Credit.objects.filter(pk=credit.pk).update(status="approved", decided_by=r.supervisor)


def test_another_supervisor_approves_below_the_threshold_and_the_rma_is_credited(tenant_a):
    r = Returns(tenant_a)
    credit = r.credit()
    with tenant_context(tenant_a):
        approved = credits.approve(tenant=tenant_a, user=r.second_supervisor, credit=credit)
    assert (approved.status, approved.decided_by) == ("approved", r.second_supervisor)
    assert r.fresh(credit.rma).status == RmaStatus.CREDITED


def test_above_the_threshold_only_finance_approves(tenant_a):
    r = Returns(tenant_a)
    with tenant_context(tenant_a):
        ReturnSettings.objects.create(tenant=tenant_a, credit_approval_threshold=Decimal(30))
    credit = r.credit()  # 36.00 > 30.00
    assert credit.needs_finance is True
    with tenant_context(tenant_a), pytest.raises(SegregationOfDuties, match="finance decides"):
        credits.approve(tenant=tenant_a, user=r.second_supervisor, credit=credit)
    with tenant_context(tenant_a):
        approved = credits.approve(tenant=tenant_a, user=r.finance, credit=credit)
    assert approved.decided_by == r.finance


def test_a_rejected_credit_leaves_the_rma_for_another_proposal(tenant_a):
    r = Returns(tenant_a)
    credit = r.credit()
    with tenant_context(tenant_a):
        with pytest.raises(ReturnsError, match="Say why"):
            credits.reject(tenant=tenant_a, user=r.finance, credit=credit)
        credits.reject(tenant=tenant_a, user=r.finance, credit=credit, note="fee disputed")
        assert r.fresh(credit.rma).status == RmaStatus.DISPOSITIONED
        again = credits.propose(tenant=tenant_a, user=r.supervisor, rma=credit.rma)
    assert again.number != credit.number


def test_a_second_live_credit_is_refused(tenant_a):
    r = Returns(tenant_a)
    credit = r.credit()
    with tenant_context(tenant_a), pytest.raises(ReturnsError, match="already has credit"):
        credits.propose(tenant=tenant_a, user=r.supervisor, rma=credit.rma)


def test_no_credit_before_every_unit_is_dispositioned(tenant_a):
    r = Returns(tenant_a)
    rma = r.inspected()
    with tenant_context(tenant_a), pytest.raises(ReturnsError, match="every unit is dispositioned"):
        credits.propose(tenant=tenant_a, user=r.supervisor, rma=rma)
