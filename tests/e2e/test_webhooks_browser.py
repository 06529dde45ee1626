"""In Chromium on a phone-sized screen: an admin adds a webhook endpoint with the event
checkboxes, reads its signing secret, sends a test that a real worker delivers to a real
receiver, and opens the delivery log and the delivery; every page fits 360 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from standardwebhooks.webhooks import Webhook

from erp.roles import Role
from tests.e2e.keys import sign_in
from tests.e2e.screen import assert_fits
from tests.erp.webhook_receiver import Receiver
from tests.factories import TenantFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}


def test_an_admin_adds_an_endpoint_and_a_test_event_is_delivered(
    page: Page, live_server, celery_worker_thread
):
    tenant = TenantFactory(slug="hooks-e2e", name="Hooks E2E")
    admin = member(tenant, Role.ADMIN)
    base = live_server.url
    page.set_viewport_size(PHONE)
    sign_in(page, base, admin.email)
    with Receiver([200]) as receiver:
        page.goto(f"{base}/settings/webhooks/")
        assert_fits(page)
        page.get_by_role("link", name="Add endpoint").click()
        # A long receiver URL and the event list must still fit the phone's width.
        page.get_by_label("URL").fill(receiver.url + "?" + "integration-" * 8)
        page.get_by_label("Description").fill("Carrier portal")
        page.get_by_label("shipment.confirmed", exact=False).check()
        assert_fits(page)
        page.get_by_role("button", name="Add endpoint").click()

        expect(page.locator(".messages")).to_contain_text("Endpoint added")
        secret = page.locator("#endpoint-secret").text_content()
        assert secret.startswith("whsec_")
        assert_fits(page)

        page.get_by_role("button", name="Send test event").click()
        expect(page.locator("#webhook-id")).to_contain_text("evt_")
        for _ in range(30):  # the worker sends it within moments; the page shows it on reload
            if page.locator("#delivery-status").text_content() == "Delivered":
                break
            page.wait_for_timeout(500)
            page.reload()
        expect(page.locator("#delivery-status")).to_have_text("Delivered")
        expect(page.locator("#delivery-answer")).to_have_text("HTTP 200")
        assert_fits(page)
    [request] = receiver.requests
    assert Webhook(secret).verify(request["body"], request["headers"])["type"] == "webhook.test"

    page.goto(f"{base}/settings/webhooks/deliveries/")
    expect(page.locator("#deliveries")).to_contain_text("webhook.test")
    assert_fits(page)
