"""A Celery worker killed with SIGKILL in the middle of a delivery loses nothing: its claim
runs out, the sweep queues the delivery again and another worker delivers it, with the same
`webhook-id`, so the receiver can tell it is the same event (at least once, issue 14).

The worker is a real `celery worker` process on a queue of its own (so no other test
process's worker takes its tasks), attached to this test database; the receiver is a real
HTTP server that holds the first request open until the worker is dead."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import tempfile
import uuid

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from erp.celery import app
from erp.models import WebhookDelivery
from erp.tenancy import tenant_context
from erp.webhooks import events
from erp.webhooks.tasks import sweep_webhooks_task
from tests.erp.webhook_receiver import Receiver
from tests.factories import TenantFactory, WebhookEndpointFactory
from tests.faults.processes import wait_for, worker_database_url

pytestmark = [pytest.mark.real_broker, pytest.mark.django_db(transaction=True)]


class CeleryWorker:
    def __init__(self, queue: str):
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - read back on failure
            prefix="webhook-worker-", suffix=".log", delete=False
        )
        env = {
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "CONN_MAX_AGE": "0",
            "CELERY_QUEUE": queue,
            # The receiver is on loopback, which only development and tests may call.
            "WEBHOOK_ALLOW_PRIVATE_HOSTS": "true",
        }
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "erp", "worker", "--loglevel=INFO",
                "--concurrency=1", "--pool=prefork", "-Q", queue,
                "-n", f"hooks-{uuid.uuid4().hex[:6]}@%h", "--without-mingle", "--without-gossip",
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the kill takes its pool child too
        )  # fmt: skip

    def output(self) -> str:
        with open(self.log.name, encoding="utf-8", errors="replace") as log:
            return log.read()

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def queue():
    """Tasks this test publishes go to a queue only its workers read."""
    name = f"test-hooks-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = name
    yield name
    app.conf.task_default_queue = previous


@pytest.fixture
def workers(queue):
    started: list[CeleryWorker] = []

    def start() -> CeleryWorker:
        worker = CeleryWorker(queue)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _delivery(tenant) -> WebhookDelivery | None:
    with tenant_context(tenant):
        return WebhookDelivery.objects.first()


def test_a_delivery_whose_worker_was_killed_mid_request_is_delivered_by_another(workers):
    tenant = TenantFactory(slug="killed-worker")
    with Receiver([200], hang=True) as receiver:
        endpoint = WebhookEndpointFactory(tenant=tenant, url=receiver.url)
        first = workers()
        with tenant_context(tenant):
            event = events.emit(
                tenant=tenant, type="shipment.confirmed", data={"shipment_number": "SHP-9"}
            )
        # Committed: the outbox published the fan-out to the worker's queue.
        wait_for(receiver.hanging.is_set, timeout=90, what="the worker to send", log=first.output)
        in_flight = _delivery(tenant)
        assert in_flight.status == "pending" and in_flight.attempts == 0
        assert in_flight.claimed_until > timezone.now()  # held by the worker being killed

        first.kill()
        receiver.release()  # from now on the receiver answers at once
        # The dead worker's claim stands until its lease runs out: the sweep leaves the
        # delivery alone, as it must while a live worker may still be sending it.
        assert sweep_webhooks_task() == 0
        with tenant_context(tenant):
            # Time passes: the lease and the queueing are long over.
            past = timezone.now() - datetime.timedelta(minutes=5)
            WebhookDelivery.objects.filter(pk=in_flight.pk).update(
                claimed_until=past, queued_at=past
            )
        second = workers()
        assert sweep_webhooks_task() == 1
        wait_for(
            lambda: _delivery(tenant).status == "delivered",
            timeout=90,
            what="the second worker to deliver",
            log=second.output,
        )
    delivered = _delivery(tenant)
    assert delivered.attempts == 1 and delivered.last_status_code == 200
    assert len(receiver.requests) == 2  # at least once: the cut-off request and the new one
    ids = {request["headers"]["webhook-id"] for request in receiver.requests}
    assert ids == {event.webhook_id}
    last = receiver.requests[-1]
    assert Webhook(endpoint.secret).verify(last["body"], last["headers"])["data"] == {
        "shipment_number": "SHP-9"
    }
