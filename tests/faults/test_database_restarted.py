"""PostgreSQL restarted in the middle of a posting: that request fails cleanly (503, rolled
back, nothing half-posted) and the next one works (issue 9, fault tests)."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connections
from django.test import Client
from django.urls import reverse

from erp import embedded
from inventory import ledger
from inventory.models import StockTransaction
from tests.faults.processes import wait_for
from tests.inventory.stock import assert_ledger_clean, on_hand
from tests.warehouse.conftest import Dock
from warehouse.models import ReceiptLine

pytestmark = pytest.mark.django_db(transaction=True)


def _in_thread(work):
    """Run `work` as a server thread would, with a database connection of its own."""
    answer = []

    def run():
        try:
            answer.append(work())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, answer


def _counts(tenant):
    from erp.tenancy import tenant_context

    with tenant_context(tenant):
        return StockTransaction.objects.count(), ReceiptLine.objects.count()


def test_restart_during_a_receipt_rolls_it_back_and_the_next_request_posts(tenant_a, monkeypatch):
    dock = Dock(tenant_a)
    client = Client()
    client.force_login(dock.operator)
    url = reverse("warehouse:receive_order", args=[dock.order.pk])
    key = client.get(url).context["form"].initial["key"]
    before = _counts(tenant_a)
    inside, restarted = threading.Event(), threading.Event()
    post = ledger.post

    def post_then_wait(**kwargs):
        txn = post(**kwargs)  # the ledger lines are written, not yet committed
        inside.set()
        restarted.wait(timeout=60)
        return txn

    monkeypatch.setattr(ledger, "post", post_then_wait)
    data = {"scan": dock.item.sku, "quantity": "5", "dock": dock.dock.pk, "key": key}
    thread, answer = _in_thread(lambda: client.post(url, data))
    assert inside.wait(timeout=60), "the receipt never reached the ledger"
    embedded.stop_postgres()  # a fast shutdown: every session is ended, open work rolled back
    embedded.start_postgres()
    restarted.set()
    thread.join(timeout=60)
    monkeypatch.setattr(ledger, "post", post)

    failed = answer[0]
    assert failed.status_code == 503
    assert b"nothing from it was saved" in failed.content
    connections.close_all()  # this thread's session died with the server too
    wait_for(lambda: _reachable(), timeout=30, what="PostgreSQL to accept connections")
    assert _counts(tenant_a) == before and on_hand(tenant_a, dock.item, dock.bin) == 0

    # A server checks its kept connection at the start of each request and replaces it.
    close_old_connections()
    data["key"] = client.get(url).context["form"].initial["key"]
    again = client.post(url, data)
    assert again.status_code == 302
    assert _counts(tenant_a) == (before[0] + 1, before[1] + 1)
    assert on_hand(tenant_a, dock.item, dock.bin) == 5
    assert_ledger_clean(tenant_a)


def _reachable() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        connections.close_all()
        return False
