"""An integrator's day (issue 14): the web store sends a sales order by API and confirms it;
the warehouse allocates, waves, picks, packs and ships it in the pages (a supervisor at a desk,
an operator on a phone with a scanner); the store reads the order and its shipment back by
API and receives the signed shipment.confirmed webhook carrying the carton's SSCC."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from playwright.sync_api import Page, expect
from standardwebhooks.webhooks import Webhook

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from tests.e2e.keys import menu, scan, sign_in, tab_to
from tests.erp.webhook_receiver import Receiver
from tests.factories import TenantFactory, WebhookEndpointFactory, api_token
from tests.warehouse.outbound import PREFIX, Floor
from warehouse.models import Carton

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}


def test_an_order_sent_by_api_ships_in_the_pages_and_comes_back_by_webhook(
    page: Page, live_server, browser, celery_worker_thread
):
    tenant = TenantFactory(slug="integrator-e2e", name="Integrator E2E")
    floor = Floor(tenant, stock=10)
    base = live_server.url
    _, raw = api_token(tenant, Role.PLANNER, name="Web store")
    store = {"Authorization": f"Bearer {raw}"}

    with Receiver() as receiver:
        endpoint = WebhookEndpointFactory(
            tenant=tenant, url=receiver.url, event_types=["shipment.confirmed"]
        )

        # The store sends the order (a retry with the same key changes nothing) and confirms it.
        body = {
            "customer": floor.customer.code,
            "site": floor.site.code,
            "customer_reference": "WEB-10042",
            "requested_date": datetime.date.today().isoformat(),
            "lines": [{"sku": floor.cups.sku, "quantity": "4", "price": "3.20"}],
        }
        sent = [
            page.request.post(
                f"{base}/api/v1/sales-orders",
                data=json.dumps(body),
                headers={
                    **store,
                    "Content-Type": "application/json",
                    "Idempotency-Key": "web-10042",
                },
            )
            for _ in range(2)
        ]
        assert [r.status for r in sent] == [201, 201]
        order = sent[0].json()
        assert sent[1].json()["id"] == order["id"]
        assert sent[1].headers.get("idempotent-replayed") == "true"
        confirmed = page.request.post(
            f"{base}/api/v1/sales-orders/{order['id']}/confirm",
            data="{}",
            headers={**store, "Content-Type": "application/json", "Idempotency-Key": "c-10042"},
        )
        assert confirmed.status == 200, confirmed.text()
        assert confirmed.json()["status"] == "confirmed"

        # The supervisor finds it among the orders, allocates, releases and waves it.
        desk = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in(desk, base, floor.supervisor.email)
        desk.goto(f"{base}/sales/orders/")
        desk.get_by_role("link", name=order["number"]).click()
        expect(desk.locator("main")).to_contain_text("WEB-10042")
        desk.get_by_role("button", name="Allocate now").click()
        desk.get_by_role("button", name="Release to warehouse").click()
        expect(desk.locator(".messages")).to_contain_text("released")
        menu(desk, "Waves")
        desk.get_by_role("link", name="Build a wave").click()
        desk.locator("main").get_by_label("Site").select_option(str(floor.site.pk))
        expect(desk.locator("#wave-preview")).to_contain_text(order["number"])
        desk.get_by_role("button", name="Create wave").click()
        desk.get_by_role("button", name="Release wave").click()
        expect(desk.locator(".wave-status")).to_have_text("Released")

        # The operator picks, packs and ships on a phone, by scanner.
        page.set_viewport_size(PHONE)
        sign_in(page, base, floor.operator.email)
        menu(page, "Pick")
        expect(page.get_by_role("button", name=re.compile(r"^Start "))).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator(".pick-bin")).to_have_text("P-02")
        scan(page, "P-02")
        expect(page.get_by_label("Scan the item")).to_be_focused()
        scan(page, "]E0" + floor.cups_gtin[1:])
        expect(page.locator("main")).to_contain_text("You hold no batch")
        menu(page, "Pack")
        page.get_by_role("link", name=order["number"]).click()
        expect(page.get_by_label("Scan the item")).to_be_focused()
        page.keyboard.type(floor.cups_gtin)
        tab_to(page, "Quantity")
        scan(page, "4")
        expect(page.locator(".messages")).to_contain_text(f"Packed 4 each of {floor.cups.sku}")
        tab_to(page, "Weight (kg)")
        scan(page, "0.8")
        expect(page.locator(".messages")).to_contain_text("Carton closed with SSCC 3" + PREFIX)
        page.get_by_role("button", name="Finish packing").click()
        expect(page.get_by_label("Tracking number")).to_be_focused()
        scan(page, "1Z999AA10123456784")
        page.get_by_role("button", name="Confirm shipment").click()
        expect(page.locator(".shipment-status")).to_contain_text("Shipped")

        with tenant_context(tenant):
            ssccs = sorted(
                Carton.objects.filter(order_id=order["id"]).values_list("sscc", flat=True)
            )
            assert ledger.verify(tenant.pk) == []
        assert len(ssccs) == 1 and ssccs[0].startswith("3" + PREFIX)

        # The store reads the order and its shipment back.
        line = page.request.get(f"{base}/api/v1/sales-orders/{order['id']}", headers=store).json()[
            "lines"
        ][0]
        assert (line["sku"], float(line["shipped_base"])) == (floor.cups.sku, 4.0)
        shipments = page.request.get(
            f"{base}/api/v1/shipments", params={"order": order["number"]}, headers=store
        ).json()["items"]
        assert [(s["status"], s["tracking_number"]) for s in shipments] == [
            ("shipped", "1Z999AA10123456784")
        ]
        assert [c["sscc"] for c in shipments[0]["cartons"]] == ssccs

        # And the webhook arrives (through the outbox and a real worker), signed with the
        # endpoint's secret, with the same SSCC.
        for _ in range(300):
            if receiver.requests:
                break
            page.wait_for_timeout(100)
        assert len(receiver.requests) == 1
        hook = receiver.requests[0]
        event = Webhook(endpoint.secret).verify(hook["body"], hook["headers"])
        assert event["type"] == "shipment.confirmed"
        data = event["data"]
        assert data["tracking_number"] == "1Z999AA10123456784"
        assert data["sales_order_numbers"] == [order["number"]]
        assert data["customer_reference"] == "WEB-10042"
        assert [c["sscc"] for c in data["cartons"]] == ssccs
        assert data["cartons"][0]["contents"][0]["sku"] == floor.cups.sku
