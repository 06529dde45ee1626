"""The overdue-receipt rule finds open order lines expected before today with quantity still
to come, and their alerts close themselves once the goods are in."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from erp.alerts import services
from erp.alerts.models import Alert
from erp.tenancy import tenant_context
from purchasing.alerts import OVERDUE_RECEIPT, overdue_receipts
from tests.factories import ItemFactory, PurchaseOrderFactory, PurchaseOrderLineFactory, member

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 30)
NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)


def sent_line(tenant, *, expected, status="sent", quantity=40, received=0):
    order = PurchaseOrderFactory(
        supplier__tenant=tenant, supplier__name="Acme Beans", number="PO-000777",
        status=status, expected_date=expected,
        approved_by=member(tenant, "planner"), approved_at=timezone.now(),
    )  # fmt: skip
    return PurchaseOrderLineFactory(
        order=order, item=ItemFactory(tenant=tenant, sku="BEANS-1"), line_no=1,
        quantity=Decimal(quantity), received_base=Decimal(received), expected_date=expected,
    )  # fmt: skip


def find(tenant):
    with tenant_context(tenant):
        return overdue_receipts(tenant=tenant, now=NOW)


def test_a_line_expected_before_today_and_not_received_is_overdue(tenant_a):
    line = sent_line(tenant_a, expected=TODAY - datetime.timedelta(days=3), received=15)
    (finding,) = find(tenant_a)
    assert finding.subject == f"po_line:{line.pk}"
    assert finding.message == (
        "PO-000777 line 1: 25 BEANS-1 from Acme Beans expected 2026-11-27, 3 days late"
    )
    assert finding.link == f"/purchasing/orders/{line.order_id}/"
    assert {str(r) for r in finding.roles} == {"planner", "supervisor", "admin"}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"expected": TODAY},  # due today: not late yet
        {"expected": TODAY - datetime.timedelta(days=3), "received": 40},  # all in
        {"expected": TODAY - datetime.timedelta(days=3), "status": "draft"},  # never sent
    ],
)
def test_lines_due_today_received_or_unsent_are_not_overdue(tenant_a, kwargs):
    sent_line(tenant_a, **kwargs)
    assert find(tenant_a) == []


def test_the_alert_closes_itself_once_the_line_is_received(tenant_a):
    line = sent_line(tenant_a, expected=TODAY - datetime.timedelta(days=1))
    with tenant_context(tenant_a):
        services.run_rules(tenant=tenant_a, kinds=[OVERDUE_RECEIPT], now=NOW)
        type(line).objects.filter(pk=line.pk).update(received_base=Decimal(40))
        services.run_rules(tenant=tenant_a, kinds=[OVERDUE_RECEIPT], now=NOW)
        alert = Alert.objects.get(kind=OVERDUE_RECEIPT)
    assert (alert.subject, alert.status) == (f"po_line:{line.pk}", "closed")


def test_the_alert_writes_the_date_as_the_tenant_does(tenant_a):
    tenant_a.date_format = "d/m/Y"
    tenant_a.save(update_fields=["date_format"])
    sent_line(tenant_a, expected=TODAY - datetime.timedelta(days=3))
    with tenant_context(tenant_a):
        services.run_rules(tenant=tenant_a, kinds=[OVERDUE_RECEIPT], now=NOW)
        alert = Alert.objects.get(kind=OVERDUE_RECEIPT)
    assert alert.message == (
        "PO-000777 line 1: 40 BEANS-1 from Acme Beans expected 27/11/2026, 3 days late"
    )
