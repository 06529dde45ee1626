"""Redis stopped: staff still sign in and post, and the work their postings asked for runs
once Redis is back (issue 9, finding 4)."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from erp import embedded
from erp.models import OutboxMessage
from erp.tasks import sweep_outbox_task
from erp.tenancy import tenant_context
from orders.models import SalesOrderLine
from tests.factories import PASSWORD, BinFactory, CustomerFactory, ZoneFactory, confirmed_order
from tests.faults.processes import wait_for
from tests.inventory.stock import assert_ledger_clean, on_hand
from tests.warehouse.conftest import Dock
from warehouse.models import PutawayRule

pytestmark = [pytest.mark.real_broker, pytest.mark.django_db(transaction=True)]


def _backorder(tenant, dock) -> SalesOrderLine:
    order = confirmed_order(CustomerFactory(tenant=tenant), dock.order.site, [(dock.item, 30)])
    with tenant_context(tenant):
        line = SalesOrderLine.objects.get(order=order)
    assert line.allocated_base == 0  # nothing in stock: it waits for the receipt
    return line


def test_sign_in_receipt_and_putaway_work_without_redis_and_the_follow_up_runs_after(
    tenant_a, client, admin_client, workers
):
    dock = Dock(tenant_a)
    zone = ZoneFactory(site=dock.order.site, code="STO")
    reserve = BinFactory(zone=zone, code="R-01", walk_sequence=1, bin_type="reserve")
    with tenant_context(tenant_a):
        PutawayRule.objects.create(tenant=tenant_a, name="bulk", target_zone=zone)
    line = _backorder(tenant_a, dock)

    embedded.stop_redis()
    signed_in = client.post(
        reverse("accounts:login"), {"username": dock.operator.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302, signed_in.content[:500]
    url = reverse("warehouse:receive_order", args=[dock.order.pk])
    key = client.get(url).context["form"].initial["key"]
    began = time.monotonic()
    received = client.post(
        url, {"scan": dock.item.sku, "quantity": "30", "dock": dock.dock.pk, "key": key}
    )
    took = time.monotonic() - began
    assert received.status_code == 302 and took < 5, (received.status_code, took)
    task_url = client.get(reverse("warehouse:putaway_next")).url
    put = client.post(task_url, {"bin": "r-01"}, follow=True)
    assert put.status_code == 200 and b"Put 30 each of" in put.content
    assert on_hand(tenant_a, dock.item, reserve) == 30
    waiting = list(OutboxMessage.objects.order_by("pk").values_list("task", "sent_at"))
    assert [task.rsplit(".", 1)[1] for task, _ in waiting] == [
        "offer_receipt_to_demand_task",
        "allocate_task",
    ]
    assert all(sent_at is None for _, sent_at in waiting)
    health = admin_client.get(reverse("health")).content.decode()
    assert "2 task(s) recorded but not yet queued" in health and "unreachable" in health
    with tenant_context(tenant_a):
        line.refresh_from_db()
    assert line.allocated_base == 0  # the allocation waits with Redis

    embedded.start_redis()
    worker = workers.start()
    # Beat's sweep leaves rows younger than 20 s to their request; these are older by now.
    OutboxMessage.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=1))
    sweep_outbox_task.delay()

    def allocated():
        with tenant_context(tenant_a):
            line.refresh_from_db()
        return line.allocated_base == Decimal(30)

    wait_for(allocated, timeout=90, what="the backorder to be allocated", log=worker.output)
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert_ledger_clean(tenant_a)
