"""The webhook pages: admins add, edit, test and rotate endpoints, read the delivery log and a
delivery's request, and replay it; other roles are refused and other tenants' rows are 404."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from erp.models import WebhookDelivery, WebhookEndpoint
from erp.roles import Role
from erp.tenancy import tenant_context
from erp.webhooks import events
from erp.webhooks.tasks import deliver_task, fan_out_task
from tests.erp.webhook_receiver import Receiver, run_queued
from tests.factories import WebhookEndpointFactory, member

pytestmark = pytest.mark.django_db


def page_text(content: str) -> str:
    return html.unescape(content)


def _delivered(tenant, endpoint) -> WebhookDelivery:
    with tenant_context(tenant):
        event = events.emit(tenant=tenant, type="receipt.posted", data={"receipt_number": "R-1"})
    fan_out_task(tenant.pk, event.pk)
    with tenant_context(tenant):
        row = WebhookDelivery.objects.get(event=event, endpoint=endpoint)
    deliver_task(tenant.pk, row.pk)
    with tenant_context(tenant):
        return WebhookDelivery.objects.select_related("event").get(pk=row.pk)


def test_an_admin_adds_an_endpoint_and_its_page_shows_the_secret(admin_client, tenant_a):
    page = admin_client.get(reverse("webhooks:add"))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'value="shipment.confirmed"' in text and 'value="return.credited"' in text
    response = admin_client.post(
        reverse("webhooks:add"),
        {
            "url": "https://erp.example.com/hooks/stockline",
            "description": "Accounting",
            "event_types": ["shipment.confirmed", "receipt.posted"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        endpoint = WebhookEndpoint.objects.get()
    assert endpoint.event_types == ["receipt.posted", "shipment.confirmed"]  # registry order
    assert response["Location"] == reverse("webhooks:detail", args=[endpoint.pk])
    detail = admin_client.get(response["Location"]).content.decode()
    assert endpoint.secret in detail and "whsec_" in detail
    assert "https://erp.example.com/hooks/stockline" in detail


@pytest.mark.parametrize(
    "url,error",
    [
        ("ftp://files.example.com/in", "Enter a valid URL."),
        ("javascript:alert(1)", "Enter a valid URL."),
        ("not a url", "Enter a valid URL."),
        ("https://user:secret@example.com/hook", "Leave user names and passwords out of the URL."),
        ("", "This field is required."),
    ],
)
def test_a_bad_url_is_a_form_error(admin_client, tenant_a, url, error):
    response = admin_client.post(
        reverse("webhooks:add"), {"url": url, "event_types": ["receipt.posted"]}
    )
    assert response.status_code == 422
    assert error in page_text(response.content.decode())
    with tenant_context(tenant_a):
        assert not WebhookEndpoint.objects.exists()


def test_an_unknown_event_type_is_a_form_error(admin_client, tenant_a):
    response = admin_client.post(
        reverse("webhooks:add"), {"url": "https://example.com/h", "event_types": ["stock.stolen"]}
    )
    assert response.status_code == 422
    assert "Select a valid choice. stock.stolen is not one of the available choices." in (
        page_text(response.content.decode())
    )


def test_editing_disables_an_endpoint_and_keeps_its_secret(admin_client, tenant_a):
    endpoint = WebhookEndpointFactory(tenant=tenant_a, url="https://example.com/a")
    assert admin_client.get(reverse("webhooks:edit", args=[endpoint.pk])).status_code == 200
    response = admin_client.post(
        reverse("webhooks:edit", args=[endpoint.pk]),
        {"url": "https://example.com/b", "description": "", "event_types": []},
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        saved = WebhookEndpoint.objects.get(pk=endpoint.pk)
        assert events.emit(tenant=tenant_a, type="receipt.posted", data={}) is None
    assert (saved.url, saved.is_active, saved.event_types) == ("https://example.com/b", False, [])
    assert saved.secret == endpoint.secret
    page = admin_client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    assert "Disabled: no events are sent" in page and "None: only tests sent" in page


def test_rotating_the_secret_signs_with_a_new_one(admin_client, tenant_a):
    endpoint = WebhookEndpointFactory(tenant=tenant_a)
    response = admin_client.post(reverse("webhooks:rotate", args=[endpoint.pk]))
    assert response.status_code == 302
    with tenant_context(tenant_a):
        rotated = WebhookEndpoint.objects.get(pk=endpoint.pk).secret
    assert rotated != endpoint.secret and rotated.startswith("whsec_")
    page = admin_client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    assert rotated in page and endpoint.secret not in page


def test_a_test_event_reaches_the_receiver(admin_client, tenant_a, sent_tasks):
    with Receiver([200]) as receiver:
        endpoint = WebhookEndpointFactory(tenant=tenant_a, url=receiver.url, event_types=[])
        response = admin_client.post(reverse("webhooks:test", args=[endpoint.pk]))
        assert response.status_code == 302
        with tenant_context(tenant_a):
            row = WebhookDelivery.objects.select_related("event").get(endpoint=endpoint)
        assert response["Location"] == reverse("webhooks:delivery", args=[row.pk])
        deliver_task(tenant_a.pk, row.pk)  # what the worker does with the queued task
    assert row.event.type == "webhook.test"
    assert b'"type":"webhook.test"' in receiver.requests[0]["body"]
    page = admin_client.get(response["Location"]).content.decode()
    assert "Delivered" in page and "HTTP 200" in page


def test_the_delivery_log_filters_and_a_delivery_shows_what_was_sent(admin_client, tenant_a):
    with Receiver([500]) as receiver:
        failing = WebhookEndpointFactory(tenant=tenant_a, url=receiver.url)
        row = _delivered(tenant_a, failing)
    log = admin_client.get(reverse("webhooks:deliveries")).content.decode()
    assert "receipt.posted" in log and "HTTP 500" in log
    assert "Nothing matches" not in log
    for query in ("status=pending", "type=receipt.posted", f"endpoint={failing.pk}"):
        filtered = admin_client.get(reverse("webhooks:deliveries") + "?" + query).content.decode()
        assert reverse("webhooks:delivery", args=[row.pk]) in filtered, query
    for query in ("status=delivered", "type=shipment.confirmed"):
        filtered = admin_client.get(reverse("webhooks:deliveries") + "?" + query).content.decode()
        assert reverse("webhooks:delivery", args=[row.pk]) not in filtered, query
    page = admin_client.get(reverse("webhooks:delivery", args=[row.pk])).content.decode()
    assert row.event.webhook_id in page
    assert "&quot;receipt_number&quot;: &quot;R-1&quot;" in page  # the body, indented
    assert "webhook-signature" in page and "v1," in page
    assert "HTTP 500" in page and "1 of 8" in page


def test_replay_sends_a_delivered_delivery_again_with_the_same_id(
    admin_client, tenant_a, sent_tasks, django_capture_on_commit_callbacks
):
    with Receiver([200]) as receiver:
        endpoint = WebhookEndpointFactory(tenant=tenant_a, url=receiver.url)
        row = _delivered(tenant_a, endpoint)
        assert row.status == "delivered"
        sent_tasks.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(reverse("webhooks:replay", args=[row.pk]))
        assert response.status_code == 302
        assert run_queued(sent_tasks) == ["erp.webhooks.tasks.deliver_task"]
    first, second = receiver.requests
    assert first["headers"]["webhook-id"] == second["headers"]["webhook-id"]
    with tenant_context(tenant_a):
        again = WebhookDelivery.objects.get(pk=row.pk)
    assert (again.status, again.attempts) == ("delivered", 2)


def test_other_roles_are_refused_every_page(client, tenant_a):
    endpoint = WebhookEndpointFactory(tenant=tenant_a)
    pages = [
        reverse("webhooks:list"),
        reverse("webhooks:add"),
        reverse("webhooks:detail", args=[endpoint.pk]),
        reverse("webhooks:edit", args=[endpoint.pk]),
        reverse("webhooks:deliveries"),
    ]
    for role in (Role.OPERATOR, Role.SUPERVISOR, Role.PLANNER, Role.FINANCE):
        client.force_login(member(tenant_a, role))
        for url in pages:
            assert client.get(url).status_code == 403, (role, url)
        assert client.post(reverse("webhooks:rotate", args=[endpoint.pk])).status_code == 403
        assert client.post(reverse("webhooks:test", args=[endpoint.pk])).status_code == 403


def test_another_tenants_endpoint_and_delivery_are_not_found(admin_client, tenant_b):
    with Receiver([200]) as receiver:
        theirs = WebhookEndpointFactory(tenant=tenant_b, url=receiver.url)
        delivery = _delivered(tenant_b, theirs)
    for name in ("detail", "edit"):
        assert admin_client.get(reverse(f"webhooks:{name}", args=[theirs.pk])).status_code == 404
    for name in ("test", "rotate"):
        assert admin_client.post(reverse(f"webhooks:{name}", args=[theirs.pk])).status_code == 404
    assert admin_client.get(reverse("webhooks:delivery", args=[delivery.pk])).status_code == 404
    assert admin_client.post(reverse("webhooks:replay", args=[delivery.pk])).status_code == 404
    listed = admin_client.get(reverse("webhooks:list")).content.decode()
    assert receiver.url not in listed
    log = admin_client.get(reverse("webhooks:deliveries")).content.decode()
    assert "No deliveries match these filters." in log


def test_replay_to_a_disabled_endpoint_says_to_enable_it(admin_client, tenant_a):
    with Receiver([500]) as receiver:
        endpoint = WebhookEndpointFactory(tenant=tenant_a, url=receiver.url)
        row = _delivered(tenant_a, endpoint)
    with tenant_context(tenant_a):
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    response = admin_client.post(reverse("webhooks:replay", args=[row.pk]), follow=True)
    assert "The endpoint is disabled: enable it first, then replay." in response.content.decode()
    with tenant_context(tenant_a):
        assert WebhookDelivery.objects.get(pk=row.pk).status == "pending"
