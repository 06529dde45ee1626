"""Purchase orders above the tenant's approval threshold are approved by someone other than
their creator, on every path to the supplier, and the approver is on the page and the PDF
(issue 9 finding 10: a planner created, approved and sent their own order)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from purchasing.models import PurchaseOrder, PurchasingSettings
from tests.factories import ItemFactory, PurchaseOrderFactory, SiteFactory, SupplierFactory, member
from tests.warehouse import pdfs

pytestmark = pytest.mark.django_db


def _set_threshold(client, tenant, amount: str):
    client.force_login(member(tenant, Role.ADMIN))
    response = client.post(
        reverse("purchasing:purchasing_settings"), {"approval_threshold": amount}
    )
    assert response.status_code == 302


def _act(client, order, action):
    return client.post(reverse("purchasing:order_action", args=[order.pk]), {"action": action})


def _own_order(client, tenant, planner) -> PurchaseOrder:
    """`planner` creates an order worth 787.50 on the pages."""
    supplier, site = SupplierFactory(tenant=tenant), SiteFactory(tenant=tenant)
    ItemFactory(tenant=tenant, sku="BEANS")
    client.force_login(planner)
    client.post(
        reverse("purchasing:order_create"),
        {"supplier": supplier.pk, "site": site.pk, "expected_date": "2030-05-01"},
    )
    with tenant_context(tenant):
        order = PurchaseOrder.objects.get()
    added = client.post(
        reverse("purchasing:order_add_line", args=[order.pk]),
        {"item": "BEANS", "quantity": "10", "unit_cost": "78.75"},
    )
    assert added.status_code == 302
    return order


def test_a_planner_cannot_create_approve_and_send_their_own_order_above_the_threshold(
    client, tenant_a
):
    _set_threshold(client, tenant_a, "500")
    planner = member(tenant_a, Role.PLANNER)
    order = _own_order(client, tenant_a, planner)
    page = client.get(reverse("purchasing:order_detail", args=[order.pk]))
    assert b"someone other than you must approve it" in page.content

    approve = _act(client, order, "approve")
    assert approve.status_code == 422
    assert b"worth 787.50 USD, above 500.00" in approve.content
    send = _act(client, order, "send")
    assert send.status_code == 422 and b"cannot go from draft to sent" in send.content
    with tenant_context(tenant_a):
        order.refresh_from_db()
    assert order.status == "draft" and order.approved_by is None

    approver = member(tenant_a, Role.FINANCE, user__full_name="Fiona Finance")
    client.force_login(approver)
    assert _act(client, order, "approve").status_code == 302
    client.force_login(planner)
    assert _act(client, order, "send").status_code == 302
    page = client.get(reverse("purchasing:order_detail", args=[order.pk]))
    assert b"Approved by</dt><dd>Fiona Finance" in page.content
    assert f"Created by <strong>{planner.email}</strong>".encode() in page.content
    assert f"Approved by <strong>{approver.email}</strong>".encode() in page.content
    assert b'data-separate="yes"' in page.content
    text = pdfs.text(client.get(reverse("purchasing:order_pdf", args=[order.pk])).content)
    assert "Approved by Fiona Finance on" in text


def test_an_order_the_creator_may_approve_says_so_on_its_pdf(client, tenant_a):
    _set_threshold(client, tenant_a, "1000")
    planner = member(tenant_a, Role.PLANNER, user__full_name="Pat Planner")
    order = _own_order(client, tenant_a, planner)
    text = pdfs.text(client.get(reverse("purchasing:order_pdf", args=[order.pk])).content)
    assert "Not approved yet" in text
    assert _act(client, order, "approve").status_code == 302
    text = pdfs.text(client.get(reverse("purchasing:order_pdf", args=[order.pk])).content)
    assert "Approved by Pat Planner on" in text


def test_sending_checks_the_approval_again_when_the_threshold_fell_since(client, tenant_a):
    """Approved by its creator under a threshold of 1000, the order is worth more than the
    500 the tenant now requires: it goes back for someone else's approval before it is sent."""
    _set_threshold(client, tenant_a, "1000")
    planner = member(tenant_a, Role.PLANNER)
    order = _own_order(client, tenant_a, planner)
    assert _act(client, order, "approve").status_code == 302
    _set_threshold(client, tenant_a, "500")
    client.force_login(planner)
    send = _act(client, order, "send")
    assert send.status_code == 422 and b"someone other than its creator" in send.content
    with tenant_context(tenant_a):
        order.refresh_from_db()
    assert order.status == "approved"


def test_the_database_refuses_an_order_past_draft_without_an_approver(tenant_a):
    """However a row came to be approved, it carries who approved it."""
    order = PurchaseOrderFactory(tenant=tenant_a, supplier__tenant=tenant_a)
    with tenant_context(tenant_a), pytest.raises(IntegrityError), transaction.atomic():
        PurchaseOrder.objects.filter(pk=order.pk).update(status="sent")


def test_reopening_withdraws_the_approval_and_the_creator_cannot_reapprove_a_bigger_order(
    client, tenant_a
):
    _set_threshold(client, tenant_a, "1000")
    planner = member(tenant_a, Role.PLANNER)
    order = _own_order(client, tenant_a, planner)  # 787.50: the creator may approve
    assert _act(client, order, "approve").status_code == 302
    assert _act(client, order, "reopen").status_code == 302
    client.post(
        reverse("purchasing:order_add_line", args=[order.pk]),
        {"item": "BEANS", "quantity": "10", "unit_cost": "78.75"},
    )
    assert _act(client, order, "approve").status_code == 422
    assert _act(client, order, "send").status_code == 422
    with tenant_context(tenant_a):
        order.refresh_from_db()
    assert order.status == "draft" and order.approved_by is None


def test_the_threshold_is_an_admin_setting_and_refuses_bad_input(client, tenant_a):
    client.force_login(member(tenant_a, Role.ADMIN))
    url = reverse("purchasing:purchasing_settings")
    page = client.get(url)
    assert page.status_code == 200 and b'value="5000.00"' in page.content
    for bad, message in (("-1", b"greater than or equal to 0"), ("abc", b"Enter a number")):
        response = client.post(url, {"approval_threshold": bad})
        assert response.status_code == 422 and message in response.content
    with tenant_context(tenant_a):
        assert not PurchasingSettings.objects.exists()
    client.force_login(member(tenant_a, Role.PLANNER))
    assert client.get(url).status_code == 403
    assert client.post(url, {"approval_threshold": "1"}).status_code == 403
