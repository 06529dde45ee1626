"""Receipt and each disposition's effect on the ledger: quantities by bin and status, the
site's value, the putaway task, the loss and the supplier return; `verify_ledger` clean."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import LocationKind, StockBalance, StockEntry
from purchasing.models import SupplierItem
from returns.models import ReturningSupplier, RmaStatus
from returns.services import inspection
from tests.factories import SupplierFactory
from tests.returns.returns_floor import Returns

pytestmark = pytest.mark.django_db


def site_value(r: Returns, item) -> Decimal:
    with tenant_context(r.tenant):
        return StockEntry.objects.filter(tenant=r.tenant, item=item, site=r.floor.site).aggregate(
            v=Sum("value")
        )["v"]


def virtual(r: Returns, kind: str, item) -> tuple[Decimal, Decimal]:
    with tenant_context(r.tenant):
        location = ledger.virtual_location(tenant=r.tenant, kind=kind)
        balance = StockBalance.objects.filter(tenant=r.tenant, item=item, location=location)
        on_hand = balance.aggregate(q=Sum("on_hand"))["q"] or Decimal(0)
        value = StockEntry.objects.filter(tenant=r.tenant, item=item, location=location).aggregate(
            v=Sum("value")
        )["v"] or Decimal(0)
        return on_hand, value


def clean(r: Returns) -> None:
    with tenant_context(r.tenant):
        assert ledger.verify(r.tenant.pk) == []


def test_receipt_posts_customer_to_returns_area_in_qc_hold_at_the_cost_shipped(tenant_a):
    r = Returns(tenant_a)
    # 50 received at 1.00, 6 shipped: 44 worth 44.00 left at the site.
    assert site_value(r, r.coffee) == Decimal("44.0000")
    rma = r.received(6)
    assert rma.status == RmaStatus.RECEIVED
    assert r.on_hand(r.coffee, r.area, lot=r.lot, status="qc_hold") == Decimal(6)
    assert site_value(r, r.coffee) == Decimal("50.0000")
    assert virtual(r, LocationKind.CUSTOMER, r.coffee)[0] == Decimal(0)
    clean(r)


def test_partial_receipt_leaves_the_rma_partially_received(tenant_a):
    r = Returns(tenant_a)
    rma = r.authorised(6)
    with tenant_context(tenant_a):
        from returns.services import receipt

        receipt.receive(
            tenant=tenant_a, user=r.operator, rma=rma, item=r.coffee, lot=r.lot, serial=None,
            quantity=Decimal(2), scan_key="one",
        )  # fmt: skip
    assert r.fresh(rma).status == RmaStatus.PARTIALLY_RECEIVED
    assert r.on_hand(r.coffee, r.area, lot=r.lot, status="qc_hold") == Decimal(2)


def test_restock_makes_the_units_available_and_queues_their_putaway(tenant_a):
    r = Returns(tenant_a)
    rma = r.inspected(grades=(("new", 6),))
    (row,) = r.inspections(rma)
    assert row.proposed == "restock"
    with tenant_context(tenant_a):
        done = inspection.dispose(
            tenant=tenant_a, user=r.operator, inspection=row, disposition="restock"
        )
    assert r.on_hand(r.coffee, r.area, lot=r.lot, status="available") == Decimal(6)
    assert r.on_hand(r.coffee, r.area, lot=r.lot, status="qc_hold") == Decimal(0)
    assert done.putaway_task.quantity == Decimal(6)
    assert done.putaway_task.suggested_location.code == "R-01"
    assert site_value(r, r.coffee) == Decimal("50.0000")
    assert r.fresh(rma).status == RmaStatus.DISPOSITIONED
    clean(r)


def test_quarantine_holds_the_units_in_the_returns_bin(tenant_a):
    r = Returns(tenant_a)
    rma = r.inspected(grades=(("opened", 3),))
    (row,) = r.inspections(rma)
    with tenant_context(tenant_a):
        inspection.dispose(
            tenant=tenant_a, user=r.operator, inspection=row, disposition="quarantine",
            reason="seal broken",
        )  # fmt: skip
    assert r.on_hand(r.coffee, r.area, lot=r.lot, status="quarantine") == Decimal(3)
    assert site_value(r, r.coffee) == Decimal("47.0000")  # 44 + 3 back at 1.00
    clean(r)


def test_scrap_posts_to_scrap_and_takes_its_value_off_the_site_as_loss(tenant_a):
    r = Returns(tenant_a)
    rma = r.inspected(grades=(("damaged", 2),))
    (row,) = r.inspections(rma)
    assert row.proposed == "scrap"
    with tenant_context(tenant_a):
        done = inspection.dispose(
            tenant=tenant_a, user=r.operator, inspection=row, disposition="scrap"
        )
    assert done.value == Decimal("2.0000")
    assert r.on_hand(r.coffee, r.area, lot=r.lot, status="qc_hold") == Decimal(0)
    assert virtual(r, LocationKind.SCRAP, r.coffee) == (Decimal(2), Decimal("2.0000"))
    assert site_value(r, r.coffee) == Decimal("44.0000")
    clean(r)


def test_return_to_vendor_quarantines_then_ships_to_the_supplier(tenant_a):
    r = Returns(tenant_a)
    supplier = SupplierFactory(tenant=tenant_a, code="ROAST")
    with tenant_context(tenant_a):
        SupplierItem.objects.create(tenant=tenant_a, supplier=supplier, item=r.coffee, price=1)
        ReturningSupplier.objects.create(tenant=tenant_a, supplier=supplier)
    rma = r.inspected(grades=(("defective", 2),))
    (row,) = r.inspections(rma)
    assert row.proposed == "return_to_vendor"
    with tenant_context(tenant_a):
        done = inspection.dispose(
            tenant=tenant_a, user=r.operator, inspection=row, disposition="return_to_vendor"
        )
    assert r.on_hand(r.coffee, r.area, lot=r.lot, status="quarantine") == Decimal(2)
    rtv = done.supplier_return
    assert (rtv.supplier, rtv.quantity, rtv.status) == (supplier, Decimal(2), "open")
    with tenant_context(tenant_a):
        shipped = inspection.ship_supplier_return(tenant=tenant_a, user=r.operator, rtv=rtv)
    assert shipped.value == Decimal("2.0000")
    assert r.on_hand(r.coffee, r.area, lot=r.lot, status="quarantine") == Decimal(0)
    supplier_side = virtual(r, LocationKind.SUPPLIER, r.coffee)
    # The supplier location gave 50 at receipt and takes 2 back.
    assert supplier_side[0] == Decimal(-48)
    assert site_value(r, r.coffee) == Decimal("44.0000")
    clean(r)


def test_defective_goes_to_scrap_when_no_supplier_takes_returns(tenant_a):
    r = Returns(tenant_a)
    rma = r.inspected(grades=(("defective", 1),))
    (row,) = r.inspections(rma)
    assert row.proposed == "scrap"


def test_a_repeated_disposition_posts_once(tenant_a):
    r = Returns(tenant_a)
    rma = r.inspected(grades=(("damaged", 2),))
    (row,) = r.inspections(rma)
    with tenant_context(tenant_a):
        first = inspection.dispose(
            tenant=tenant_a, user=r.operator, inspection=row, disposition="scrap"
        )
        again = inspection.dispose(
            tenant=tenant_a, user=r.operator, inspection=row, disposition="scrap"
        )
    assert again.transaction_id == first.transaction_id
    assert virtual(r, LocationKind.SCRAP, r.coffee)[0] == Decimal(2)
    clean(r)


def test_an_override_needs_a_reason_and_posts_nothing_without_one(tenant_a):
    r = Returns(tenant_a)
    rma = r.inspected(grades=(("damaged", 2),))
    (row,) = r.inspections(rma)
    from returns.errors import ReturnsError

    with tenant_context(tenant_a), pytest.raises(ReturnsError, match="say why"):
        inspection.dispose(tenant=tenant_a, user=r.operator, inspection=row, disposition="restock")
    assert r.on_hand(r.coffee, r.area, lot=r.lot, status="qc_hold") == Decimal(2)
    with tenant_context(tenant_a):
        done = inspection.dispose(
            tenant=tenant_a, user=r.operator, inspection=row, disposition="quarantine",
            reason="customer disputes the damage",
        )  # fmt: skip
    assert done.override_reason == "customer disputes the damage"
