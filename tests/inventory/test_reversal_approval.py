"""A reversal worth more than the tenant's threshold does not post: it waits, as a large
adjustment does, for a second supervisor, and posts only on approval (issue 9 finding 10)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import Adjustment, InventorySettings, LocationKind, StockTransaction
from tests.factories import ItemFactory, bin_in, member
from tests.inventory.stock import assert_ledger_clean, loc, on_hand, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt(tenant_a):
    """10 at 78.75 received into a bin: a transaction worth 787.50; the threshold is 500."""
    item, bin = ItemFactory(tenant=tenant_a), bin_in(tenant_a)
    txn = receive(tenant_a, item, bin, 10, unit_cost="78.75")
    with tenant_context(tenant_a):
        InventorySettings.objects.create(
            tenant=tenant_a, adjustment_approval_threshold=Decimal("500")
        )
    return txn, item, bin


def _reverse(client, txn, reason="received on the wrong PO"):
    return client.post(reverse("inventory:transaction_reverse", args=[txn.pk]), {"reason": reason})


def _reversals(tenant) -> int:
    with tenant_context(tenant):
        return StockTransaction.objects.filter(kind="reversal").count()


def test_a_reversal_above_the_threshold_waits_for_a_second_supervisor(client, tenant_a, receipt):
    txn, item, bin = receipt
    requester = member(tenant_a, Role.SUPERVISOR)
    client.force_login(requester)
    response = _reverse(client, txn)
    assert response.status_code == 302
    assert _reversals(tenant_a) == 0 and on_hand(tenant_a, item, bin) == 10
    with tenant_context(tenant_a):
        request = Adjustment.objects.get()
    assert request.state == "pending" and request.reverses_id == txn.pk
    assert request.estimated_value == Decimal("787.50")
    assert response.url == reverse("inventory:adjustment_detail", args=[request.pk])
    page = client.get(response.url, follow=True)
    assert b"waits for another supervisor" in page.content
    assert f"Reversal of transaction #{txn.pk}".encode() in page.content

    decide = reverse("inventory:adjustment_decide", args=[request.pk])
    own = client.post(decide, {"decision": "approve"})
    assert own.status_code == 422 and b"another supervisor must approve it" in own.content
    assert _reversals(tenant_a) == 0

    approver = member(tenant_a, Role.SUPERVISOR)
    client.force_login(approver)
    assert client.post(decide, {"decision": "approve"}).status_code == 302
    assert _reversals(tenant_a) == 1 and on_hand(tenant_a, item, bin) == 0
    with tenant_context(tenant_a):
        request.refresh_from_db()
        reversal = StockTransaction.objects.get(kind="reversal")
    assert request.state == "posted" and request.transaction_id == reversal.pk
    assert reversal.reverses_id == txn.pk and reversal.posted_by_id == approver.pk
    assert reversal.reason == "received on the wrong PO"
    page = client.get(reverse("inventory:adjustment_detail", args=[request.pk]))
    assert requester.email.encode() in page.content and approver.email.encode() in page.content
    assert_ledger_clean(tenant_a)


def test_a_rejected_reversal_posts_nothing_and_can_be_asked_again(client, tenant_a, receipt):
    txn, item, bin = receipt
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    _reverse(client, txn)
    again = _reverse(client, txn, reason="asked twice")
    with tenant_context(tenant_a):
        assert Adjustment.objects.count() == 1  # one request waits per transaction
        request = Adjustment.objects.get()
    assert b"already waits for approval" in client.get(again.url).content
    client.force_login(member(tenant_a, Role.ADMIN))
    client.post(
        reverse("inventory:adjustment_decide", args=[request.pk]),
        {"decision": "reject", "note": "stock is right"},
    )
    assert _reversals(tenant_a) == 0 and on_hand(tenant_a, item, bin) == 10
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    _reverse(client, txn, reason="now really")
    with tenant_context(tenant_a):
        assert Adjustment.objects.filter(state="pending").count() == 1


def test_a_reversal_within_the_threshold_posts_at_once(client, tenant_a, receipt):
    txn, item, bin = receipt
    with tenant_context(tenant_a):
        InventorySettings.objects.update(adjustment_approval_threshold=Decimal("1000"))
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    page = _reverse(client, txn)
    assert page.status_code == 302
    assert _reversals(tenant_a) == 1 and on_hand(tenant_a, item, bin) == 0
    with tenant_context(tenant_a):
        assert not Adjustment.objects.exists()
    assert_ledger_clean(tenant_a)


def test_approving_a_reversal_whose_stock_is_gone_says_so(client, tenant_a, receipt):
    txn, item, bin = receipt
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    _reverse(client, txn)
    with tenant_context(tenant_a):
        request = Adjustment.objects.get()
        ledger.post(
            tenant=tenant_a, user=None, kind="shipment",
            moves=[ledger.Move(item=item, quantity=Decimal(4), source=loc(bin),
                               destination=ledger.virtual_location(tenant=tenant_a, kind=LocationKind.CUSTOMER))],
        )  # fmt: skip
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    answer = client.post(
        reverse("inventory:adjustment_decide", args=[request.pk]), {"decision": "approve"}
    )
    assert answer.status_code == 422 and b"Only 6 of" in answer.content
    with tenant_context(tenant_a):
        request.refresh_from_db()
    assert request.state == "pending" and _reversals(tenant_a) == 0
    assert_ledger_clean(tenant_a)


def test_another_tenants_reversal_request_is_not_found(client, tenant_a, tenant_b, receipt):
    txn, _, _ = receipt
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    _reverse(client, txn)
    with tenant_context(tenant_a):
        request = Adjustment.objects.get()
    client.force_login(member(tenant_b, Role.SUPERVISOR))
    assert client.get(reverse("inventory:adjustment_detail", args=[request.pk])).status_code == 404
    decide = reverse("inventory:adjustment_decide", args=[request.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 404
    assert (
        client.post(
            reverse("inventory:transaction_reverse", args=[txn.pk]), {"reason": "x"}
        ).status_code
        == 404
    )


def test_the_pending_reversal_is_listed_for_review_and_named_on_the_transaction(
    client, tenant_a, receipt
):
    txn, _, _ = receipt
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    _reverse(client, txn)
    client.force_login(member(tenant_a, Role.SUPERVISOR))
    listing = client.get(reverse("inventory:adjustment_list"), {"state": "pending"})
    assert listing.status_code == 200
    assert (
        f'Reversal of <a href="{reverse("inventory:transaction_detail", args=[txn.pk])}">'.encode()
        in listing.content
    )
    assert b">Review</a>" in listing.content
    detail = client.get(reverse("inventory:transaction_detail", args=[txn.pk]))
    assert b"waits for another supervisor's approval" in detail.content
    assert b"Reverse this transaction" not in detail.content
