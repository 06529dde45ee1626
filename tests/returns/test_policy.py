"""Return policy: the customer's own terms or the tenant's defaults; outside the return window
only a supervisor authorises; routing rules propose each grade's disposition and credit."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from erp.errors import RoleRequired
from erp.roles import Role
from erp.tenancy import tenant_context
from returns import policy
from returns.errors import ReturnsError
from returns.models import ReturnPolicy, ReturnSettings, RmaStatus
from returns.services import inspection, rmas
from tests.factories import DispositionRuleFactory, member
from tests.returns.returns_floor import Returns
from warehouse.models import Shipment

pytestmark = pytest.mark.django_db


def age_shipment(r: Returns, days: int) -> None:
    with tenant_context(r.tenant):
        Shipment.objects.filter(pk=r.shipment.pk).update(
            shipped_at=timezone.now() - datetime.timedelta(days=days)
        )


def test_the_customer_policy_replaces_the_tenant_default(tenant_a):
    r = Returns(tenant_a, fee="12.5")
    with tenant_context(tenant_a):
        terms = policy.terms_for(tenant=tenant_a, customer=r.customer)
        assert (terms.window_days, terms.restocking_fee_pct, terms.own) == (
            30,
            Decimal("12.5"),
            True,
        )
        ReturnPolicy.objects.filter(customer=r.customer).delete()
        ReturnSettings.objects.create(tenant=tenant_a, window_days=14, restocking_fee_pct=5)
        terms = policy.terms_for(tenant=tenant_a, customer=r.customer)
        assert (terms.window_days, terms.restocking_fee_pct, terms.own) == (14, Decimal(5), False)


def test_within_the_window_the_desk_authorises_and_the_terms_are_copied(tenant_a):
    r = Returns(tenant_a)
    age_shipment(r, 30)
    planner = member(tenant_a, Role.PLANNER)
    rma = r.draft(2)
    with tenant_context(tenant_a):
        rma = rmas.authorise(tenant=tenant_a, user=planner, rma=rma)
    assert rma.status == RmaStatus.AUTHORISED
    assert (rma.window_days, rma.restocking_fee_pct, rma.exception) == (30, Decimal(10), "")


def test_outside_the_window_the_desk_is_refused_and_a_supervisor_authorises(tenant_a):
    r = Returns(tenant_a)
    age_shipment(r, 31)
    planner = member(tenant_a, Role.PLANNER)
    rma = r.draft(2)
    with tenant_context(tenant_a), pytest.raises(ReturnsError, match="outside policy"):
        rmas.authorise(tenant=tenant_a, user=planner, rma=rma)
    assert r.fresh(rma).status == RmaStatus.DRAFT
    with tenant_context(tenant_a):
        rma = rmas.authorise(tenant=tenant_a, user=r.supervisor, rma=rma)
    assert rma.status == RmaStatus.AUTHORISED
    assert rma.exception == "line 1 shipped 31 days ago; the window is 30 days"


def test_an_operator_cannot_raise_an_rma(tenant_a):
    r = Returns(tenant_a)
    with tenant_context(tenant_a), pytest.raises(RoleRequired):
        rmas.create(tenant=tenant_a, user=r.operator, order=r.order, reason="defective")


def test_an_rma_without_lines_is_not_authorised(tenant_a):
    r = Returns(tenant_a)
    with tenant_context(tenant_a):
        rma = rmas.create(tenant=tenant_a, user=r.supervisor, order=r.order, reason="defective")
        with pytest.raises(ReturnsError, match="has no lines"):
            rmas.authorise(tenant=tenant_a, user=r.supervisor, rma=rma)


def test_a_rule_for_the_grade_and_reason_beats_the_rule_for_any_reason(tenant_a):
    r = Returns(tenant_a)
    DispositionRuleFactory(tenant=tenant_a, grade="damaged", reason="", disposition="quarantine")
    DispositionRuleFactory(
        tenant=tenant_a, grade="damaged", reason="damaged_in_transit", disposition="restock",
        creditable=True,
    )  # fmt: skip
    with tenant_context(tenant_a):
        transit = policy.propose(
            tenant=tenant_a, item=r.coffee, grade="damaged", reason="damaged_in_transit",
            opened_accepted=True,
        )  # fmt: skip
        other = policy.propose(
            tenant=tenant_a, item=r.coffee, grade="damaged", reason="not_needed",
            opened_accepted=True,
        )  # fmt: skip
    assert (transit.disposition, transit.creditable) == ("restock", True)
    assert (other.disposition, other.creditable) == ("quarantine", True)


def test_opened_goods_are_quarantined_uncredited_when_the_terms_refuse_them(tenant_a):
    r = Returns(tenant_a)
    with tenant_context(tenant_a):
        ReturnPolicy.objects.filter(customer=r.customer).update(opened_accepted=False)
    rma = r.received(2)
    with tenant_context(tenant_a):
        row = inspection.inspect(
            tenant=tenant_a, user=r.operator, line=r.line(rma), grade="opened",
            quantity=Decimal(2),
        )  # fmt: skip
    assert (row.proposed, row.creditable) == ("quarantine", False)


def test_no_more_is_graded_than_received(tenant_a):
    r = Returns(tenant_a)
    rma = r.received(2)
    with tenant_context(tenant_a), pytest.raises(ReturnsError, match=r"2 each of .* wait"):
        inspection.inspect(
            tenant=tenant_a, user=r.operator, line=r.line(rma), grade="new", quantity=Decimal(3)
        )


def test_the_rma_is_inspected_once_every_received_unit_is_graded(tenant_a):
    r = Returns(tenant_a)
    rma = r.inspected(grades=(("new", 4), ("damaged", 2)))
    assert rma.status == RmaStatus.INSPECTED
