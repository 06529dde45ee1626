"""The transfer's transitions table: draft -> released -> picked -> shipped -> received or
partially received -> closed, cancelled from draft, released or picked; each move recorded with who
and why; a refused move says what was refused and changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from erp.errors import InvalidTransition, RoleRequired
from erp.tenancy import tenant_context
from tests.inventory.stock import assert_ledger_clean, reserved
from tests.warehouse.transfer_sites import Sites
from warehouse.models import TransferStatus, WorkKind, WorkTask
from warehouse.states import available_actions
from warehouse.transfers import services as transfers
from warehouse.transfers.services import TransferError

pytestmark = pytest.mark.django_db
X = TransferStatus


@pytest.fixture
def sites(tenant_a):
    return Sites(tenant_a)


def _last(sites, transfer):
    with tenant_context(sites.tenant):
        record = transfer.history.order_by("-history_date", "-history_id").first()
    return record.status, record.history_user_id, record.history_change_reason


def test_a_draft_is_recorded_with_who_made_it(sites):
    transfer = sites.draft()
    assert _last(sites, transfer)[:2] == (X.DRAFT, sites.supervisor.pk)


def test_release_moves_a_draft_to_released_with_who(sites):
    transfer = sites.released()
    assert _last(sites, transfer) == (X.RELEASED, sites.supervisor.pk, "release")


def test_the_last_pick_makes_it_picked(sites):
    transfer = sites.picked()
    assert _last(sites, transfer) == (X.PICKED, sites.operator.pk, "pick")


def test_ship_moves_picked_to_shipped(sites):
    transfer = sites.shipped()
    assert _last(sites, transfer) == (X.SHIPPED, sites.operator.pk, "ship")


def test_receipts_move_it_to_partially_received_then_received(sites):
    transfer = sites.shipped()
    sites.receive(transfer, 5, key="a")
    assert _last(sites, sites.fresh(transfer)) == (
        X.PARTIALLY_RECEIVED,
        sites.operator.pk,
        "receive",
    )
    sites.receive(transfer, 7, key="b")
    assert _last(sites, sites.fresh(transfer)) == (X.RECEIVED, sites.operator.pk, "receive")


def test_close_moves_a_received_transfer_to_closed(sites):
    transfer = sites.shipped()
    sites.receive(transfer, 12)
    with tenant_context(sites.tenant):
        transfers.close(tenant=sites.tenant, user=sites.supervisor, transfer=transfer)
    assert _last(sites, transfer) == (X.CLOSED, sites.supervisor.pk, "close")


def test_close_short_moves_a_partially_received_transfer_to_closed_with_why(sites):
    transfer = sites.shipped()
    sites.receive(transfer, 10)
    with tenant_context(sites.tenant):
        transfers.close(
            tenant=sites.tenant, user=sites.supervisor, transfer=sites.fresh(transfer),
            missing="write_off", reason="2 missing, carrier claim",
        )  # fmt: skip
    assert _last(sites, transfer) == (
        X.CLOSED,
        sites.supervisor.pk,
        "close: 2 missing, carrier claim",
    )


def test_cancel_a_draft(sites):
    transfer = sites.draft()
    with tenant_context(sites.tenant):
        transfers.cancel(
            tenant=sites.tenant, user=sites.supervisor, transfer=transfer, reason="not needed"
        )
    assert _last(sites, transfer) == (X.CANCELLED, sites.supervisor.pk, "cancel: not needed")


def test_cancelling_a_released_transfer_releases_its_stock_and_queue_entry(sites):
    transfer = sites.released()
    with tenant_context(sites.tenant):
        transfers.cancel(tenant=sites.tenant, user=sites.supervisor, transfer=transfer)
        task = WorkTask.objects.get(kind=WorkKind.TRANSFER, reference=transfer.pk)
    assert _last(sites, transfer)[0] == X.CANCELLED
    assert reserved(sites.tenant, sites.item, sites.r1) == 0
    assert reserved(sites.tenant, sites.item, sites.r2) == 0
    assert task.status == "cancelled"
    assert_ledger_clean(sites.tenant)


def test_a_picked_transfer_can_still_be_called_off_and_its_stock_is_freed(sites):
    # Picks only record scans: the stock is still reserved in until shipped.
    transfer = sites.picked()
    with tenant_context(sites.tenant):
        transfers.cancel(
            tenant=sites.tenant, user=sites.supervisor, transfer=transfer, reason="source empty"
        )
    assert _last(sites, transfer) == (X.CANCELLED, sites.supervisor.pk, "cancel: source empty")
    assert reserved(sites.tenant, sites.item, sites.r1) == 0
    assert reserved(sites.tenant, sites.item, sites.r2) == 0
    assert_ledger_clean(sites.tenant)


def test_a_shipped_transfer_cannot_be_cancelled_and_nothing_changes(sites):
    transfer = sites.shipped()
    with tenant_context(sites.tenant), pytest.raises(InvalidTransition) as refused:
        transfers.cancel(tenant=sites.tenant, user=sites.supervisor, transfer=transfer)
    assert str(refused.value) == f"{transfer.number} cannot go from shipped to cancelled."
    assert sites.fresh(transfer).status == X.SHIPPED
    assert_ledger_clean(sites.tenant)


def test_an_operator_cannot_release(sites):
    transfer = sites.draft()
    with tenant_context(sites.tenant), pytest.raises(RoleRequired):
        transfers.release(tenant=sites.tenant, user=sites.operator, transfer=transfer)
    assert sites.fresh(transfer).status == X.DRAFT


def test_release_without_enough_stock_says_so_and_reserves_nothing(sites):
    transfer = sites.draft(lines=((None, 21, ""),))
    with tenant_context(sites.tenant), pytest.raises(TransferError) as refused:
        transfers.release(tenant=sites.tenant, user=sites.supervisor, transfer=transfer)
    assert str(refused.value) == "Only 20 each of BOLT free at CHI; 21 asked."
    assert reserved(sites.tenant, sites.item, sites.r1) == 0


def test_a_transfer_needs_two_different_sites(sites):
    with tenant_context(sites.tenant), pytest.raises(TransferError):
        transfers.create(
            tenant=sites.tenant, user=sites.supervisor, from_site=sites.source,
            to_site=sites.source, expected_date=datetime.date(2030, 1, 1),
        )  # fmt: skip


def test_lines_change_only_on_a_draft(sites):
    transfer = sites.released()
    with tenant_context(sites.tenant), pytest.raises(TransferError) as refused:
        transfers.add_line(
            tenant=sites.tenant, user=sites.supervisor, transfer=transfer, item=sites.item,
            quantity=Decimal(1),
        )  # fmt: skip
    assert "only a draft can be changed" in str(refused.value)


def test_buttons_follow_the_status_and_role(sites):
    transfer = sites.draft()
    with tenant_context(sites.tenant):
        supervisor = [
            a.name for a in available_actions(transfer, tenant=sites.tenant, user=sites.supervisor)
        ]
        operator = [
            a.name for a in available_actions(transfer, tenant=sites.tenant, user=sites.operator)
        ]
    assert supervisor == ["release", "cancel"]
    assert operator == []
