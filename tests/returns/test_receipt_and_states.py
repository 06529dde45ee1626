"""What an RMA's status allows: goods only once authorised and into a returns area, the
excess of a receipt as a discrepancy, rejection only before anything arrived, receiving
stopped short so inspection can finish, closing only once credited."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.errors import InvalidTransition
from erp.tenancy import tenant_context
from inventory.models import Bin
from returns.errors import ReturnsError
from returns.models import ReturnDiscrepancy, RmaStatus
from returns.services import inspection, receipt, rmas
from tests.returns.returns_floor import Returns

pytestmark = pytest.mark.django_db


def receive(r, rma, quantity, key="k"):
    with tenant_context(r.tenant):
        return receipt.receive(
            tenant=r.tenant, user=r.operator, rma=rma, item=r.coffee, lot=r.lot, serial=None,
            quantity=Decimal(quantity), scan_key=key,
        )  # fmt: skip


def test_a_draft_rma_takes_no_goods(tenant_a):
    r = Returns(tenant_a)
    rma = r.draft(6)
    with pytest.raises(ReturnsError, match="is draft: it is not expecting goods"):
        receive(r, rma, 6)


def test_a_site_without_a_returns_area_refuses_the_receipt_and_posts_nothing(tenant_a):
    r = Returns(tenant_a)
    rma = r.authorised(6)
    with tenant_context(tenant_a):
        Bin.objects.filter(pk=r.area.pk).update(is_active=False)
    with pytest.raises(ReturnsError, match="has no returns area"):
        receive(r, rma, 6)
    assert r.fresh(rma).status == RmaStatus.AUTHORISED


def test_more_than_authorised_is_received_up_to_the_rma_and_the_rest_is_a_discrepancy(tenant_a):
    r = Returns(tenant_a)
    rma = r.authorised(6)
    result = receive(r, rma, 8)
    assert result.receipt.quantity == Decimal(6)
    assert result.discrepancy.quantity == Decimal(2)
    assert "2 each more" in result.discrepancy.note
    assert r.on_hand(r.coffee, r.area, lot=r.lot, status="qc_hold") == Decimal(6)


def test_a_repeated_scan_returns_the_first_receipt_and_posts_once(tenant_a):
    r = Returns(tenant_a)
    rma = r.authorised(6)
    first = receive(r, rma, 2, key="same")
    again = receive(r, rma, 2, key="same")
    assert again.receipt.pk == first.receipt.pk
    assert r.on_hand(r.coffee, r.area, lot=r.lot, status="qc_hold") == Decimal(2)
    with tenant_context(tenant_a):
        assert not ReturnDiscrepancy.objects.exists()


def test_an_rma_with_goods_in_is_not_rejected(tenant_a):
    r = Returns(tenant_a)
    rma = r.authorised(6)
    receive(r, rma, 2)
    with tenant_context(tenant_a), pytest.raises(InvalidTransition):
        rmas.reject(tenant=tenant_a, user=r.supervisor, rma=rma)


def test_receiving_stopped_short_lets_inspection_finish_the_rma(tenant_a):
    r = Returns(tenant_a)
    rma = r.authorised(6)
    receive(r, rma, 2)
    with tenant_context(tenant_a):
        inspection.inspect(
            tenant=tenant_a, user=r.operator, line=r.line(rma), grade="new", quantity=Decimal(2)
        )
        assert r.fresh(rma).status == RmaStatus.PARTIALLY_RECEIVED
        rmas.stop_receiving(tenant=tenant_a, user=r.supervisor, rma=rma, reason="rest lost")
    # The 2 that came are graded: stopping the wait leaves nothing more to grade.
    assert r.fresh(rma).status == RmaStatus.INSPECTED
    with tenant_context(tenant_a):
        row = r.inspections(rma)[0]
        inspection.dispose(tenant=tenant_a, user=r.operator, inspection=row, disposition="restock")
    assert r.fresh(rma).status == RmaStatus.DISPOSITIONED


def test_receiving_stopped_after_everything_in_was_decided_moves_on_to_dispositioned(tenant_a):
    r = Returns(tenant_a)
    rma = r.authorised(6)
    receive(r, rma, 2)
    with tenant_context(tenant_a):
        row = inspection.inspect(
            tenant=tenant_a, user=r.operator, line=r.line(rma), grade="new", quantity=Decimal(2)
        )
        inspection.dispose(tenant=tenant_a, user=r.operator, inspection=row, disposition="restock")
        assert r.fresh(rma).status == RmaStatus.PARTIALLY_RECEIVED
        rmas.stop_receiving(tenant=tenant_a, user=r.supervisor, rma=rma)
    assert r.fresh(rma).status == RmaStatus.DISPOSITIONED


def test_only_a_credited_rma_is_closed(tenant_a):
    r = Returns(tenant_a)
    done = r.dispositioned(grades=(("new", 2), ("damaged", 1)))
    with tenant_context(tenant_a), pytest.raises(InvalidTransition):
        rmas.close(tenant=tenant_a, user=r.supervisor, rma=done)
    credited = r.credited(grades=(("new", 2), ("damaged", 1)))
    with tenant_context(tenant_a):
        assert rmas.close(tenant=tenant_a, user=r.supervisor, rma=credited).status == "closed"


def test_a_lot_never_seen_is_recorded_as_a_discrepancy_and_posts_nothing(tenant_a):
    r = Returns(tenant_a)
    rma = r.authorised(6)
    with tenant_context(tenant_a):
        result = receipt.receive_scanned(
            tenant=tenant_a, user=r.operator, rma=rma, item_code=r.coffee.sku,
            lot_code="L-NEVER", quantity=Decimal(2), scan_key="odd",
        )  # fmt: skip
    assert result.receipt is None
    assert (result.discrepancy.quantity, result.discrepancy.note) == (
        Decimal(2), f"{r.coffee.sku} lot L-NEVER was never shipped (an unknown lot)"
    )  # fmt: skip
    assert r.on_hand(r.coffee, r.area, lot=r.lot, status="qc_hold") == Decimal(0)
    assert r.fresh(rma).status == RmaStatus.AUTHORISED


def test_a_shipped_lot_not_on_the_rma_is_recorded_as_a_discrepancy(tenant_a):
    r = Returns(tenant_a)
    rma = r.authorised(6)
    with tenant_context(tenant_a):
        result = receipt.receive_scanned(
            tenant=tenant_a, user=r.operator, rma=rma, item_code=r.cups.sku,
            quantity=Decimal(1), scan_key="cups",
        )  # fmt: skip
    assert result.receipt is None
    assert result.discrepancy.note == f"{r.cups.sku} is not on {rma.number}"
