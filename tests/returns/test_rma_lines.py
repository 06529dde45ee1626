"""An RMA line is checked against what was shipped to that customer: its lot or serial must
have left on that order line, and no more than shipped less what other RMAs take back."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.tenancy import tenant_context
from inventory.models import SerialNumber
from returns.errors import NotShipped, ReturnsError
from returns.services import rmas
from tests.factories import CustomerFactory, LotFactory
from tests.inventory.stock import receive
from tests.returns.returns_floor import Returns, ship_serials

pytestmark = pytest.mark.django_db


def add(r, rma, line, quantity, **codes):
    with tenant_context(r.tenant):
        return rmas.add_line(
            tenant=r.tenant, user=r.supervisor, rma=rma, order_line=line,
            quantity=Decimal(quantity), **codes,
        )  # fmt: skip


def new_rma(r, order=None):
    with tenant_context(r.tenant):
        return rmas.create(
            tenant=r.tenant, user=r.supervisor, order=order or r.order, reason="defective"
        )


def test_a_shipped_lot_is_taken_back_at_its_price_and_the_cost_it_left_with(tenant_a):
    r = Returns(tenant_a)
    line = add(r, new_rma(r), r.coffee_line, 4, lot_code="L-2030-06")
    assert (line.lot, line.quantity) == (r.lot, Decimal(4))
    assert line.unit_price == Decimal("10.000000")
    assert line.unit_cost == Decimal("1.000000")


def test_a_lot_that_did_not_ship_on_the_line_is_refused(tenant_a):
    r = Returns(tenant_a)
    LotFactory(item=r.coffee, tenant=tenant_a, code="L-OTHER")
    with pytest.raises(NotShipped, match="lot L-OTHER did not leave"):
        add(r, new_rma(r), r.coffee_line, 1, lot_code="L-OTHER")


def test_an_unknown_lot_is_refused(tenant_a):
    r = Returns(tenant_a)
    with pytest.raises(NotShipped, match="has no lot NOPE"):
        add(r, new_rma(r), r.coffee_line, 1, lot_code="NOPE")


def test_more_than_shipped_less_other_rmas_is_refused(tenant_a):
    r = Returns(tenant_a)
    add(r, new_rma(r), r.coffee_line, 4, lot_code="L-2030-06")
    with pytest.raises(NotShipped, match=r"Only 2 each .* 6 shipped, 4 already on RMAs"):
        add(r, new_rma(r), r.coffee_line, 3, lot_code="L-2030-06")


def test_a_rejected_rma_gives_its_quantity_back(tenant_a):
    r = Returns(tenant_a)
    first = new_rma(r)
    add(r, first, r.coffee_line, 6, lot_code="L-2030-06")
    with tenant_context(tenant_a):
        rmas.reject(tenant=tenant_a, user=r.supervisor, rma=first, reason="duplicate")
    assert add(r, new_rma(r), r.coffee_line, 6, lot_code="L-2030-06").quantity == Decimal(6)


def test_a_serial_shipped_to_the_customer_is_taken_back(tenant_a):
    r = Returns(tenant_a)
    _item, order, line = ship_serials(r)
    returned = add(r, new_rma(r, order), line, 1, serial_code="SN-1")
    assert returned.serial.serial == "SN-1"
    assert returned.unit_cost == Decimal("40.000000")


def test_a_serial_never_shipped_to_that_customer_is_refused(tenant_a):
    r = Returns(tenant_a)
    item, order, line = ship_serials(r)
    with pytest.raises(NotShipped, match=f"Serial SN-9 of {item.sku} was never shipped to"):
        add(r, new_rma(r, order), line, 1, serial_code="SN-9")


def test_a_serial_shipped_to_another_customer_is_refused(tenant_a):
    r = Returns(tenant_a)
    other = CustomerFactory(tenant=tenant_a, name="Other Cafe")
    item, _order, _line = ship_serials(r, customer=other, count=1)  # SN-1 to Other Cafe
    with tenant_context(tenant_a):
        extra = SerialNumber.objects.create(tenant=tenant_a, item=item, serial="SN-5")
    receive(tenant_a, item, r.floor.p2, 1, serial=extra, unit_cost="40.00")
    _item, order, line = ship_serials(r, count=1, item=item)  # SN-5 to Corner Cafe
    with pytest.raises(NotShipped, match=r"Serial SN-1 .* never shipped to Corner Cafe"):
        add(r, new_rma(r, order), line, 1, serial_code="SN-1")
    assert add(r, new_rma(r, order), line, 1, serial_code="SN-5").quantity == Decimal(1)


def test_an_order_that_shipped_nothing_takes_no_rma(tenant_a):
    r = Returns(tenant_a)
    order = r.floor.released_order()
    with tenant_context(tenant_a), pytest.raises(ReturnsError, match="has shipped nothing"):
        rmas.create(tenant=tenant_a, user=r.supervisor, order=order, reason="defective")
