"""Receiving against a PO: quantities, statuses and every discrepancy kind, checked in the
ledger, balances and the order line."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from erp.errors import DomainError
from erp.tenancy import tenant_context
from inventory.models import Projection, StockEntry
from purchasing.models import PurchaseOrder
from tests.factories import ItemFactory, LotFactory
from tests.inventory.stock import assert_ledger_clean, on_hand
from warehouse.errors import ReceivingError
from warehouse.models import Discrepancy, ReceiptLine, ReceivingSettings
from warehouse.receiving import services as receiving

pytestmark = pytest.mark.django_db


def _receive(dock, quantity, key, **kwargs):
    with tenant_context(dock.tenant):
        return receiving.receive(
            tenant=dock.tenant,
            user=dock.operator,
            order=dock.order,
            item=kwargs.pop("item", dock.item),
            quantity=Decimal(quantity),
            dock=dock.dock,
            scan_key=key,
            **kwargs,
        )


def _line(dock):
    with tenant_context(dock.tenant):
        dock.line.refresh_from_db()
        order = PurchaseOrder.objects.get(pk=dock.order.pk)
        projected = sum(p.quantity for p in Projection.objects.filter(item=dock.item))
    return dock.line.received_base, order.status, projected


def _discrepancies(dock):
    with tenant_context(dock.tenant):
        return sorted((d.kind, d.quantity, d.state) for d in Discrepancy.objects.all())


def test_partial_receipt_in_cases_posts_to_the_dock_and_keeps_the_line_open(dock):
    receipt = _receive(dock, 4, "scan-1", unit="case")
    assert receipt.quantity_base == 40 and receipt.accepted_base == 40
    assert on_hand(dock.tenant, dock.item, dock.bin) == 40
    assert _line(dock) == (40, "partially_received", 60)
    with tenant_context(dock.tenant):
        assert (
            StockEntry.objects.filter(transaction=receipt.transaction, quantity__gt=0)
            .get()
            .unit_cost
            == 2
        )
    assert_ledger_clean(dock.tenant)


def test_a_repeated_scan_posts_once(dock):
    first = _receive(dock, 5, "scan-same")
    second = _receive(dock, 5, "scan-same")
    assert first.pk == second.pk
    assert on_hand(dock.tenant, dock.item, dock.bin) == 5
    with tenant_context(dock.tenant):
        assert ReceiptLine.objects.count() == 1


def test_over_receipt_within_tolerance_is_accepted_and_recorded(dock):
    _receive(dock, 104, "scan-1")
    assert _line(dock) == (104, "received", 0)
    assert _discrepancies(dock) == [("over_receipt", 4, "accepted")]


def test_over_receipt_above_tolerance_is_held_in_quarantine_until_approved(dock, tenant_a):
    from erp.roles import Role
    from tests.factories import member

    _receive(dock, 110, "scan-1")  # tolerance 5 % of 100 = 105
    assert on_hand(dock.tenant, dock.item, dock.bin) == 105
    assert on_hand(dock.tenant, dock.item, dock.bin, status="quarantine") == 5
    assert _line(dock)[0] == 105
    with tenant_context(tenant_a):
        held = Discrepancy.objects.get(kind="over_receipt", state="open")
        receiving.resolve_discrepancy(
            tenant=tenant_a, user=member(tenant_a, Role.SUPERVISOR), discrepancy=held, accept=True
        )
    assert on_hand(dock.tenant, dock.item, dock.bin) == 110
    assert on_hand(dock.tenant, dock.item, dock.bin, status="quarantine") == 0
    assert _line(dock)[0] == 110
    assert_ledger_clean(tenant_a)


def test_damaged_units_go_to_damaged_and_do_not_count(dock):
    _receive(dock, 10, "scan-1", damaged=Decimal(3), note="crushed corner")
    assert on_hand(dock.tenant, dock.item, dock.bin) == 7
    assert on_hand(dock.tenant, dock.item, dock.bin, status="damaged") == 3
    assert _line(dock)[0] == 7
    assert _discrepancies(dock) == [("damaged", 3, "open")]
    assert_ledger_clean(dock.tenant)


def test_item_not_on_the_order_is_quarantined_never_added(dock, tenant_a):
    stranger = ItemFactory(tenant=tenant_a, sku="NUT")
    _receive(dock, 6, "scan-1", item=stranger)
    assert on_hand(dock.tenant, stranger, dock.bin, status="quarantine") == 6
    assert on_hand(dock.tenant, stranger, dock.bin) == 0
    assert _line(dock) == (0, "sent", 100)
    assert _discrepancies(dock) == [("wrong_item", 6, "open")]
    with tenant_context(tenant_a):
        assert dock.order.lines.count() == 1


def test_lot_tracked_item_without_lot_or_expiry_is_refused(dock, tenant_a):
    dock.item.tracking = "lot"
    dock.item.expiry_required = True
    with tenant_context(tenant_a):
        dock.item.save()
    with pytest.raises(ReceivingError, match="lot-tracked: scan or type the lot"):
        _receive(dock, 1, "scan-1")
    with pytest.raises(ReceivingError, match="needs the expiry date of lot L1"):
        _receive(dock, 1, "scan-2", lot_code="L1")
    assert on_hand(dock.tenant, dock.item, dock.bin) == 0


@pytest.mark.parametrize("policy", ["refuse", "quarantine"])
def test_expired_or_short_dated_goods_follow_the_tenant_policy(dock, tenant_a, policy):
    dock.item.tracking = "lot"
    dock.item.min_shelf_life_on_receipt_days = 30
    with tenant_context(tenant_a):
        dock.item.save()
        ReceivingSettings.objects.create(tenant=tenant_a, shelf_life_policy=policy)
    soon = datetime.date.today() + datetime.timedelta(days=10)
    if policy == "refuse":
        with pytest.raises(ReceivingError, match="10 days of shelf life left; at least 30 needed"):
            _receive(dock, 5, "scan-1", lot_code="SOON", expiry=soon)
        assert _line(dock)[0] == 0
        return
    _receive(dock, 5, "scan-1", lot_code="SOON", expiry=soon)
    with tenant_context(tenant_a):
        lot = dock.item.lots.get()
    assert on_hand(dock.tenant, dock.item, dock.bin, lot=lot, status="quarantine") == 5
    assert ("short_shelf_life", 5, "open") in _discrepancies(dock)


def test_expired_lot_is_quarantined_by_default(dock, tenant_a):
    lot = LotFactory(
        item=dock.item, code="OLD", expiry_date=datetime.date.today() - datetime.timedelta(days=1)
    )
    dock.item.tracking = "lot"
    with tenant_context(tenant_a):
        dock.item.save()
    _receive(dock, 2, "scan-1", lot_code="OLD")
    assert on_hand(dock.tenant, dock.item, dock.bin, lot=lot, status="quarantine") == 2
    assert ("expired", 2, "open") in _discrepancies(dock)


def test_items_flagged_for_inspection_arrive_in_qc_hold(dock):
    dock.supplier_item(inspection_required=True)
    _receive(dock, 20, "scan-1")
    assert on_hand(dock.tenant, dock.item, dock.bin, status="qc_hold") == 20
    assert on_hand(dock.tenant, dock.item, dock.bin) == 0
    assert _line(dock)[0] == 20


def test_short_close_records_the_shortfall_and_withdraws_the_projection(dock, tenant_a):
    from erp.roles import Role
    from tests.factories import member

    _receive(dock, 60, "scan-1")
    with tenant_context(tenant_a):
        receiving.short_close_line(
            tenant=tenant_a,
            user=member(tenant_a, Role.SUPERVISOR),
            line=dock.line,
            reason="supplier out of stock",
        )
    assert _line(dock) == (60, "received", 0)
    assert ("short_receipt", 40, "accepted") in _discrepancies(dock)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"quantity": Decimal(0)}, "above zero"),
        ({"unit": "pallet"}, "has no unit 'pallet'"),
        ({"quantity": Decimal("0.5")}, "cannot be split"),
        ({"damaged": Decimal(5), "quantity": Decimal(2)}, r"Damaged \(5\) must be between 0"),
    ],
)
def test_bad_receipts_are_refused_and_post_nothing(dock, kwargs, message):
    quantity = kwargs.pop("quantity", Decimal(1))
    with pytest.raises(DomainError, match=message):  # ReceivingError, or the unit conversion's
        _receive(dock, quantity, "scan-x", **kwargs)
    assert on_hand(dock.tenant, dock.item, dock.bin) == 0
    assert _line(dock)[0] == 0


def test_draft_or_cancelled_orders_cannot_be_received(dock, tenant_a):
    with tenant_context(tenant_a):
        PurchaseOrder.objects.filter(pk=dock.order.pk).update(status="cancelled")
    with pytest.raises(ReceivingError, match="is cancelled; it cannot be received against"):
        _receive(dock, 1, "scan-1")


def test_tolerance_of_an_indivisible_item_rounds_down_to_whole_units(dock, tenant_a):
    from purchasing.models import Supplier

    with tenant_context(tenant_a):
        Supplier.objects.filter(pk=dock.order.supplier_id).update(
            over_receipt_tolerance_pct=Decimal("2.5")
        )
    _receive(dock, 103, "scan-1")  # 2.5 % of 100 = 2.5 -> 2 whole units
    assert _line(dock)[0] == 102
    assert on_hand(dock.tenant, dock.item, dock.bin, status="quarantine") == 1
    assert_ledger_clean(dock.tenant)
