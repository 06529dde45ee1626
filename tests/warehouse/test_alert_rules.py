"""warehouse's alert rules: unacknowledged short picks, empty pick faces with demand,
replenishments left open, orders past their promised ship date."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from erp.alerts import services as alerts
from erp.alerts.models import Alert, AlertSettings
from erp.tenancy import tenant_context
from tests.factories import BinFactory, SalesOrderFactory, confirmed_order
from tests.warehouse.faces import Faces
from tests.warehouse.outbound import Floor
from warehouse.alerts import (
    SHORT_PICK,
    empty_faces,
    late_shipments,
    overdue_replenishments,
    short_picks,
)
from warehouse.exceptions import services as exceptions
from warehouse.models import FloorException

pytestmark = pytest.mark.django_db


def find(rule, tenant, now=None):
    with tenant_context(tenant):
        return rule(tenant=tenant, now=now or timezone.now())


def test_a_short_pick_raises_an_alert_at_once_and_it_closes_when_acknowledged(
    tenant_a, sent_tasks, django_capture_on_commit_callbacks
):
    floor = Floor(tenant_a, stock=5)
    with django_capture_on_commit_callbacks(execute=True):
        floor.picked_order(short={0: 2})
    # The pick queued the short-pick rule through the outbox.
    assert ("erp.alerts.tasks.run_alert_rules_task", [tenant_a.pk, [SHORT_PICK]]) in sent_tasks
    (finding,) = find(short_picks, tenant_a)
    with tenant_context(tenant_a):
        exception = FloorException.objects.select_related("order").get()
    assert finding.subject == f"floor_exception:{exception.pk}"
    # 6 ordered, 5 in P-01 tasked, 2 found: 3 missing plus the 1 never allocated wait.
    assert finding.message == (
        f"Short pick on {exception.order.number}: 2 of 5 {floor.coffee.sku} in P-01 (4 backordered)"
    )
    with tenant_context(tenant_a):
        alerts.run_rules(tenant=tenant_a, kinds=[SHORT_PICK])
        exceptions.acknowledge(tenant=tenant_a, user=floor.supervisor, exception=exception)
        alerts.run_rules(tenant=tenant_a, kinds=[SHORT_PICK])
        assert Alert.objects.get(kind=SHORT_PICK).status == "closed"


def test_an_empty_face_is_found_only_while_orders_want_its_item(tenant_a):
    floor = Faces(tenant_a, stock=1)
    p3 = BinFactory(zone=floor.p1.zone, code="P-03", bin_type="pick_face")
    face = floor.face(floor.cups, p3, 10, 40)
    assert find(empty_faces, tenant_a) == []
    confirmed_order(floor.customer, floor.site, [(floor.cups, 4)], user=floor.supervisor)
    (finding,) = find(empty_faces, tenant_a)
    assert finding.subject == f"pick_face:{face.pk}"
    assert finding.message == (
        f"Pick face {floor.site.code}/P-03 is empty of {floor.cups.sku}; orders want 4"
    )


def test_a_face_holding_stock_is_not_empty(tenant_a):
    floor = Faces(tenant_a, stock=1)
    floor.face(floor.cups, floor.p2, 10, 40)  # P-02 holds 1 cup
    confirmed_order(floor.customer, floor.site, [(floor.cups, 4)], user=floor.supervisor)
    assert find(empty_faces, tenant_a) == []


def test_a_replenishment_open_over_two_hours_is_overdue(tenant_a):
    floor = Faces(tenant_a, stock=1)
    floor.stock_reserve(floor.cups, 100)
    floor.face(floor.cups, floor.p2, 10, 40)
    (task,) = floor.run()
    assert (
        find(overdue_replenishments, tenant_a, task.created_at + datetime.timedelta(hours=1)) == []
    )
    (finding,) = find(
        overdue_replenishments, tenant_a, task.created_at + datetime.timedelta(hours=3)
    )
    assert finding.subject == f"replenishment:{task.pk}"
    assert finding.message.endswith("R-01 → P-02 open for 3 h")


def test_the_tenant_sets_how_long_a_replenishment_may_wait(tenant_a):
    """Due within 8 hours: open for 3 h is fine, for 9 h it is overdue."""
    floor = Faces(tenant_a, stock=1)
    floor.stock_reserve(floor.cups, 100)
    floor.face(floor.cups, floor.p2, 10, 40)
    (task,) = floor.run()
    with tenant_context(tenant_a):
        AlertSettings.objects.create(tenant=tenant_a, replenishment_due_hours=8)
    after = task.created_at + datetime.timedelta(hours=3)
    assert find(overdue_replenishments, tenant_a, after) == []
    (finding,) = find(overdue_replenishments, tenant_a, after + datetime.timedelta(hours=6))
    assert finding.message.endswith("open for 9 h")


def test_an_order_past_its_promised_date_and_not_shipped_is_late(tenant_a):
    today = datetime.date(2026, 11, 30)
    late = SalesOrderFactory(
        tenant=tenant_a, status="released", promised_date=today - datetime.timedelta(days=2),
        number="SO-LATE", customer__name="Corner Cafe", site__code="MAIN",
    )  # fmt: skip
    SalesOrderFactory(
        tenant=tenant_a, status="shipped", promised_date=today - datetime.timedelta(days=2)
    )
    SalesOrderFactory(tenant=tenant_a, status="released", promised_date=today)
    SalesOrderFactory(
        tenant=tenant_a, status="draft", promised_date=today - datetime.timedelta(days=9)
    )
    now = datetime.datetime(2026, 11, 30, 15, 0, tzinfo=datetime.UTC)
    (finding,) = find(late_shipments, tenant_a, now)
    assert finding.subject == f"sales_order:{late.pk}"
    assert finding.message == (
        "SO-LATE for Corner Cafe from MAIN was promised to ship 2026-11-28, 2 days late "
        "(released to warehouse)"
    )
