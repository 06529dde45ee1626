"""Which reserve stock a replenishment takes: FEFO (earliest expiry, lots without expiry
last), then FIFO (oldest lot); only reserve bins at the face's site, only free stock."""

from __future__ import annotations

import datetime

import pytest

from tests.factories import LotFactory
from tests.inventory.stock import reserved
from tests.warehouse.faces import Faces

pytestmark = pytest.mark.django_db


def test_the_lot_expiring_first_is_taken_whatever_the_bin(tenant_a):
    floor = Faces(tenant_a, stock=1)
    floor.face(floor.coffee, floor.p1, 10, 40)
    late = LotFactory(item=floor.coffee, tenant=tenant_a, expiry_date=datetime.date(2031, 1, 31))
    early = LotFactory(item=floor.coffee, tenant=tenant_a, expiry_date=datetime.date(2030, 1, 31))
    floor.stock_reserve(floor.coffee, 100, lot=late)  # R-01, walked first
    floor.stock_reserve(floor.coffee, 100, lot=early, bin=floor.reserve2)

    (task,) = floor.run()

    assert task.lot_id == early.pk
    assert task.from_location.bin_id == floor.reserve2.pk
    assert reserved(tenant_a, floor.coffee, floor.reserve2, lot=early) == 48  # 39 -> 4 cases
    assert reserved(tenant_a, floor.coffee, floor.reserve, lot=late) == 0


def test_a_lot_without_expiry_goes_after_lots_with_one(tenant_a):
    floor = Faces(tenant_a, stock=1)
    floor.face(floor.coffee, floor.p1, 10, 40)
    undated = LotFactory(item=floor.coffee, tenant=tenant_a, expiry_date=None)
    dated = LotFactory(item=floor.coffee, tenant=tenant_a, expiry_date=datetime.date(2035, 1, 1))
    floor.stock_reserve(floor.coffee, 100, lot=undated)
    floor.stock_reserve(floor.coffee, 100, lot=dated, bin=floor.reserve2)

    (task,) = floor.run()

    assert task.lot_id == dated.pk


def test_without_expiries_the_oldest_lot_goes_first(tenant_a):
    floor = Faces(tenant_a, stock=1)
    floor.face(floor.coffee, floor.p1, 10, 40)
    older = LotFactory(item=floor.coffee, tenant=tenant_a, expiry_date=None)
    newer = LotFactory(item=floor.coffee, tenant=tenant_a, expiry_date=None)
    floor.stock_reserve(floor.coffee, 100, lot=newer)  # R-01, walked first
    floor.stock_reserve(floor.coffee, 100, lot=older, bin=floor.reserve2)

    (task,) = floor.run()

    assert task.lot_id == older.pk


def test_stock_reserved_for_others_and_other_sites_is_not_taken(tenant_a):
    """R-01 holds 30 of which 30 are promised; another site's reserve holds plenty; R-02
    holds 12 free: the task takes R-02's 12."""
    floor = Faces(tenant_a, stock=1)
    other = Faces(tenant_a, stock=1)
    floor.face(floor.cups, floor.p2, 10, 40)
    floor.stock_reserve(floor.cups, 30)
    other.stock_reserve(floor.cups, 500, bin=other.reserve)
    floor.stock_reserve(floor.cups, 12, bin=floor.reserve2)
    from erp.tenancy import tenant_context
    from inventory import ledger
    from tests.inventory.stock import loc

    with tenant_context(tenant_a):
        ledger.reserve(
            tenant=tenant_a, user=None, item=floor.cups, location=loc(floor.reserve),
            quantity=30, source_type="test", source_id=1,
        )  # fmt: skip

    (task,) = floor.run()

    assert task.from_location.bin_id == floor.reserve2.pk
    assert task.quantity == 12
