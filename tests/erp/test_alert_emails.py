"""A new alert is e-mailed once to the members subscribed to its kind whose role it is routed
to, by a task queued through the outbox, never in the request or the rule run."""

from __future__ import annotations

import pytest

from erp.alerts.models import Alert, AlertSubscription
from erp.alerts.tasks import notify_subscribers_task, run_alert_rules_task
from erp.roles import Role
from erp.tenancy import tenant_context
from tests.factories import AlertFactory, MembershipFactory, TenantFactory, member

pytestmark = pytest.mark.django_db(transaction=True)

KIND = "purchasing.overdue_receipt"


def subscribe(tenant, user, kind=KIND):
    with tenant_context(tenant):
        AlertSubscription.objects.create(tenant=tenant, user=user, kind=kind)


def test_subscribers_of_the_routed_role_get_one_e_mail(mailoutbox):
    tenant = TenantFactory(slug="mail-alerts", name="Mail Alerts")
    supervisor = member(tenant, Role.SUPERVISOR, user__email="sup@example.test")
    finance = member(tenant, Role.FINANCE, user__email="fin@example.test")
    other_kind = member(tenant, Role.SUPERVISOR, user__email="other@example.test")
    gone = MembershipFactory(
        tenant=tenant, role=Role.SUPERVISOR, is_active=False, user__email="gone@example.test"
    ).user
    for user in (supervisor, finance, gone):
        subscribe(tenant, user)
    subscribe(tenant, other_kind, "warehouse.short_pick")
    alert = AlertFactory(
        tenant=tenant, kind=KIND, roles=["supervisor", "planner"], link="/purchasing/orders/9/",
        message="PO-000777 line 1: 25 BEANS-1 from Acme expected 2026-11-27, 3 days late",
    )  # fmt: skip

    assert notify_subscribers_task(tenant.pk, [alert.pk]) == 1
    (mail,) = mailoutbox
    assert mail.to == ["sup@example.test"]
    assert mail.subject == (
        "[Mail Alerts] Overdue receipts: PO-000777 line 1: 25 BEANS-1 from Acme expected "
        "2026-11-27, 3 days late"
    )
    assert "http://127.0.0.1:8000/purchasing/orders/9/" in mail.body
    # A redelivered task sends nothing again.
    assert notify_subscribers_task(tenant.pk, [alert.pk]) == 0
    assert len(mailoutbox) == 1


def test_a_rule_run_queues_the_e_mail_and_sends_none_itself(mailoutbox, sent_tasks):
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from tests.factories import PurchaseOrderFactory, PurchaseOrderLineFactory

    tenant = TenantFactory(slug="mail-rule", name="Mail Rule")
    planner = member(tenant, Role.PLANNER)
    subscribe(tenant, planner)
    order = PurchaseOrderFactory(
        supplier__tenant=tenant, status="sent", approved_by=planner, approved_at=timezone.now(),
        expected_date=timezone.localdate() - datetime.timedelta(days=2),
    )  # fmt: skip
    PurchaseOrderLineFactory(order=order, quantity=Decimal(5))

    assert run_alert_rules_task(tenant.pk, [KIND]) == 1
    assert mailoutbox == []
    with tenant_context(tenant):
        alert = Alert.objects.get(kind=KIND)
    assert sent_tasks == [("erp.alerts.tasks.notify_subscribers_task", [tenant.pk, [alert.pk]])]
