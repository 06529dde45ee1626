"""Lots and serial numbers are registered once, on first arrival, under the item's rules."""

from __future__ import annotations

import datetime

import pytest

from erp.tenancy import tenant_context
from inventory.errors import InvalidPosting
from inventory.models import Lot, SerialNumber
from inventory.services import lots
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db

JUNE = datetime.date(2030, 6, 30)


def test_a_lot_is_registered_on_first_arrival_and_found_after(tenant_a):
    item = ItemFactory(tenant=tenant_a, tracking="lot")
    with tenant_context(tenant_a):
        first = lots.lot_for_receipt(tenant=tenant_a, item=item, code=" L1 ", expiry=JUNE)
        again = lots.lot_for_receipt(tenant=tenant_a, item=item, code="L1", expiry=None)
        assert Lot.objects.filter(item=item).count() == 1
    assert again == first and first.code == "L1" and first.expiry_date == JUNE


def test_a_code_longer_than_a_lot_holds_finds_the_same_lot_next_time(tenant_a):
    item = ItemFactory(tenant=tenant_a, tracking="lot")
    code = "L" * 25
    with tenant_context(tenant_a):
        first = lots.lot_for_receipt(tenant=tenant_a, item=item, code=code, expiry=None)
        again = lots.lot_for_receipt(tenant=tenant_a, item=item, code=code, expiry=None)
    assert again == first and len(first.code) == 20


def test_a_lot_keeps_its_one_expiry(tenant_a):
    item = ItemFactory(tenant=tenant_a, tracking="lot")
    with tenant_context(tenant_a):
        lots.lot_for_receipt(tenant=tenant_a, item=item, code="L1", expiry=JUNE)
        with pytest.raises(InvalidPosting, match="on file with expiry 2030-06-30, not 2030-07-01"):
            lots.lot_for_receipt(
                tenant=tenant_a, item=item, code="L1", expiry=datetime.date(2030, 7, 1)
            )


def test_a_new_lot_of_an_item_that_needs_expiry_is_refused_without_one(tenant_a):
    item = ItemFactory(tenant=tenant_a, tracking="lot", expiry_required=True)
    with tenant_context(tenant_a):
        with pytest.raises(InvalidPosting, match="needs an expiry date for a new lot"):
            lots.lot_for_receipt(tenant=tenant_a, item=item, code="L1", expiry=None)
        assert not Lot.objects.filter(item=item).exists()


def test_a_serial_is_registered_once_and_unknown_ones_are_refused(tenant_a):
    item = ItemFactory(tenant=tenant_a, tracking="serial")
    with tenant_context(tenant_a):
        first = lots.register_serial(tenant=tenant_a, item=item, serial="SN-1", lot=None)
        again = lots.register_serial(tenant=tenant_a, item=item, serial="SN-1", lot=None)
        assert SerialNumber.objects.filter(item=item).count() == 1
        with pytest.raises(InvalidPosting, match="has no serial SN-2"):
            lots.existing_serial(tenant=tenant_a, item=item, serial="SN-2")
    assert again == first
