"""Platform tasks: the heartbeat that shows on the health page that worker and beat are alive."""

from __future__ import annotations

import socket

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

# Celery's autodiscovery imports each app's `tasks` module only; the import framework's
# tasks live in their package and register through this import.
from erp.alerts.tasks import (
    notify_subscribers_task,
    run_alert_rules_all_task,
    run_alert_rules_task,
)
from erp.exports.tasks import expire_exports_for_task, expire_exports_task, run_export_task
from erp.imports.tasks import check_import_task, run_import_task
from erp.webhooks.tasks import deliver_task, fan_out_task, sweep_webhooks_task

__all__ = [
    "check_import_task",
    "deliver_task",
    "expire_exports_for_task",
    "expire_exports_task",
    "fan_out_task",
    "forget_idempotent_requests_task",
    "forget_sign_in_failures_task",
    "heartbeat_task",
    "notify_subscribers_task",
    "run_alert_rules_all_task",
    "run_alert_rules_task",
    "run_export_task",
    "run_import_task",
    "sweep_outbox_task",
    "sweep_webhooks_task",
]

WORKER_KEY = "heartbeat:worker"
BEAT_KEY = "heartbeat:beat"


@shared_task(acks_late=True, ignore_result=True)
def heartbeat_task() -> None:
    """Scheduled by beat, run by a worker: each run proves both are alive at that moment."""
    now = timezone.now().isoformat()
    cache.set_many(
        {WORKER_KEY: {"at": now, "host": socket.gethostname()}, BEAT_KEY: {"at": now}}, timeout=None
    )


@shared_task(acks_late=True, ignore_result=True)
def forget_sign_in_failures_task() -> int:
    """Hourly: drop sign-in failure counts whose window has passed (no tenant: sign-in has none)."""
    from erp import throttle

    return throttle.forget_expired()


@shared_task(acks_late=True, ignore_result=True)
def forget_idempotent_requests_task() -> None:
    """Nightly: fan out, per tenant, the forgetting of form answers kept for repeats."""
    from erp.models import Tenant

    for tenant_id in Tenant.objects.values_list("pk", flat=True):
        forget_idempotent_requests_for_task.delay(tenant_id)


@shared_task(acks_late=True, ignore_result=True)
def forget_idempotent_requests_for_task(tenant_id: int) -> int:
    """Drop one tenant's stored form answers older than a week: a double tap or a retry comes
    within seconds, and the rows would otherwise grow without end."""
    from erp import idempotency
    from erp.tenancy import task_context

    with task_context(tenant_id) as tenant:
        return idempotency.forget_old(tenant=tenant)


@shared_task(acks_late=True, ignore_result=True)
def sweep_outbox_task() -> int:
    """Every 30 seconds: queue follow-up work whose after-commit publish failed (erp.outbox)."""
    from erp import outbox

    return outbox.sweep()
