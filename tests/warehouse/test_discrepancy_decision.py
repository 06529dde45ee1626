"""A supervisor decides a receiving discrepancy with the form the list page renders, through
Django's CSRF check as a browser meets it (the form lives in a partial included with `only`)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from tests.factories import member
from tests.inventory.stock import assert_ledger_clean, on_hand
from warehouse.models import Discrepancy
from warehouse.receiving import services as receiving

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_over_receipt_accepted_from_the_list_page_form_passes_the_csrf_check(dock):
    with tenant_context(dock.tenant):
        receiving.receive(
            tenant=dock.tenant, user=dock.operator, order=dock.order, item=dock.item,
            quantity=Decimal(110), dock=dock.dock, scan_key="over",
        )  # fmt: skip
        held = Discrepancy.objects.get(state="open")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member(dock.tenant, Role.SUPERVISOR))
    page = browser.get(reverse("warehouse:discrepancy_list")).content.decode()
    action = reverse("warehouse:discrepancy_resolve", args=[held.pk])
    form = page[page.index(f'action="{action}"') :]
    token = TOKEN.search(form[: form.index("</form>")])
    assert token, "the decide form carries no CSRF token"

    answer = browser.post(
        action,
        {"csrfmiddlewaretoken": token.group(1), "decision": "accept", "resolution": "credit"},
    )

    assert answer.status_code == 302
    with tenant_context(dock.tenant):
        held.refresh_from_db()
        assert held.state == "accepted"
    assert on_hand(dock.tenant, dock.item, dock.bin) == 110
    assert_ledger_clean(dock.tenant)
