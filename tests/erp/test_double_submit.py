"""An import's upload and its start, each sent twice in a row and twice at once, make one
import job and start it once (issue 9); revoking an API token twice revokes it once; the
webhook forms add one endpoint, send one test, rotate the secret once and queue one replay
(issue 14)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from erp.api.models import ApiToken
from erp.imports.models import ImportJob
from erp.models import OutboxMessage, WebhookDelivery, WebhookEndpoint
from erp.roles import Role
from erp.tenancy import tenant_context
from erp.webhooks import events, services
from tests.double_submit import Form, check_twice_at_once, check_twice_in_a_row, reading
from tests.factories import WebhookEndpointFactory, api_token, member

CSV = "site,zone,code,type\nMAIN,PICK,A-1,pick_face\n"


def _jobs(tenant):
    return reading(tenant, jobs=lambda: list(ImportJob.objects.values_list("status", flat=True)))


def upload(tenant) -> Form:
    return Form(
        user=member(tenant, Role.ADMIN),
        url=reverse("inventory:bin_import"),
        # Each post reads its own file, as each browser sends its own copy.
        data=lambda: {"file": SimpleUploadedFile("bins.csv", CSV.encode())},
        effect=_jobs(tenant),
        before={"jobs": []},
        once={"jobs": ["validating"]},
    )


def start(tenant) -> Form:
    admin = member(tenant, Role.ADMIN)
    with tenant_context(tenant):
        job = ImportJob.objects.create(
            tenant=tenant, kind="inventory.bins", created_by=admin, filename="bins.csv",
            content=CSV, status="ready", row_count=1,
        )  # fmt: skip
    return Form(
        user=admin,
        url=reverse("inventory:bin_import_start", args=[job.pk]),
        data={},
        effect=_jobs(tenant),
        before={"jobs": ["ready"]},
        once={"jobs": ["importing"]},
    )


def revoke(tenant) -> Form:
    token, _ = api_token(tenant)
    history = reading(
        tenant,
        revocations=lambda: ApiToken.history.filter(id=token.pk, revoked_at__isnull=False).count(),
    )
    return Form(
        user=member(tenant, Role.ADMIN),
        url=reverse("api_tokens:revoke", args=[token.pk]),
        data={},
        effect=history,
        before={"revocations": 0},
        once={"revocations": 1},
    )


def webhook_add(tenant) -> Form:
    def endpoints():
        return list(WebhookEndpoint.objects.values_list("url", flat=True))

    return Form(
        user=member(tenant, Role.ADMIN),
        url=reverse("webhooks:add"),
        data={
            "url": "https://example.com/in",
            "event_types": ["receipt.posted"],
            "is_active": "on",
        },
        effect=reading(tenant, endpoints=endpoints),
        before={"endpoints": []},
        once={"endpoints": ["https://example.com/in"]},
    )


def webhook_test(tenant) -> Form:
    endpoint = WebhookEndpointFactory(tenant=tenant)
    return Form(
        user=member(tenant, Role.ADMIN),
        url=reverse("webhooks:test", args=[endpoint.pk]),
        data={},
        effect=reading(tenant, deliveries=lambda: WebhookDelivery.objects.count()),
        before={"deliveries": 0},
        once={"deliveries": 1},
    )


def webhook_rotate(tenant) -> Form:
    endpoint = WebhookEndpointFactory(tenant=tenant)
    # The secret is kept out of history, but each rotation is a saved version.
    return Form(
        user=member(tenant, Role.ADMIN),
        url=reverse("webhooks:rotate", args=[endpoint.pk]),
        data={},
        effect=reading(tenant, versions=lambda: endpoint.history.count()),
        before={"versions": 1},
        once={"versions": 2},
    )


def webhook_replay(tenant) -> Form:
    WebhookEndpointFactory(tenant=tenant)
    with tenant_context(tenant):
        event = events.emit(tenant=tenant, type="receipt.posted", data={"receipt_line_id": 1})
        [delivery] = services.fan_out(tenant=tenant, event_id=event.pk)

    def sends():  # the fan-out queued one; each replay queues one more
        return OutboxMessage.objects.filter(
            task="erp.webhooks.tasks.deliver_task", args=[tenant.pk, delivery.pk]
        ).count()

    return Form(
        user=member(tenant, Role.ADMIN),
        url=reverse("webhooks:replay", args=[delivery.pk]),
        data={},
        effect=reading(tenant, sends=sends),
        before={"sends": 1},
        once={"sends": 2},
    )


FORMS = [upload, start, revoke, webhook_add, webhook_test, webhook_rotate, webhook_replay]


@pytest.mark.django_db
@pytest.mark.parametrize("build", FORMS, ids=lambda build: build.__name__)
def test_a_form_sent_twice_in_a_row_is_done_once(tenant_a, build):
    check_twice_in_a_row(build(tenant_a))


@pytest.mark.parametrize("build", FORMS, ids=lambda build: build.__name__)
def test_a_form_sent_twice_at_once_is_done_once(own_tenant, build):
    check_twice_at_once(build(own_tenant))
