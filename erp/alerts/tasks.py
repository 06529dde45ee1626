"""Alert tasks: the rules' per-tenant runs from beat, and subscribers' e-mails."""

from __future__ import annotations

import logging
from urllib.parse import urljoin

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import OperationalError
from django.urls import reverse

from erp.tenancy import task_context

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def run_alert_rules_all_task() -> None:
    """Every few minutes: fan out one alert-rule run per tenant."""
    from erp.models import Tenant

    for tenant_id in Tenant.objects.values_list("pk", flat=True):
        run_alert_rules_task.delay(tenant_id)


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def run_alert_rules_task(self, tenant_id: int, kinds: list[str] | None = None) -> int:
    """One tenant's rule run. A subject with an alert gets no second one, so a redelivered or
    overlapping run changes nothing more."""
    from erp.alerts import services

    with task_context(tenant_id) as tenant:
        results = services.run_rules(tenant=tenant, kinds=kinds)
    opened = sum(len(r.opened) for r in results.values())
    closed = sum(len(r.closed) for r in results.values())
    logger.info("alert rules for tenant %s: %s opened, %s closed", tenant_id, opened, closed)
    return opened


@shared_task(
    bind=True, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5
)
def notify_subscribers_task(self, tenant_id: int, alert_ids: list[int]) -> int:
    """E-mail each new alert to the members subscribed to its kind. The alerts are claimed
    (marked e-mailed) and committed before any mail goes out, so no network call runs inside
    the transaction and a repeat of the task sends nothing twice."""
    from erp.alerts import registry, services

    with task_context(tenant_id) as tenant:
        claimed = services.claim_for_email(tenant=tenant, alert_ids=alert_ids)
        name = tenant.name
    sent = 0
    for alert, to in claimed:
        link = urljoin(settings.BASE_URL, alert.link or reverse("alerts:detail", args=[alert.pk]))
        body = f"{alert.message}\n\n{link}\n\nStockline · {name}"
        send_mail(
            f"[{name}] {registry.label_for(alert.kind)}: {alert.message}"[:200],
            body,
            None,
            to,
        )
        sent += 1
    return sent
