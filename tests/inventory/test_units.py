"""The one unit conversion: base quantities, amounts per unit, and base-unit sizes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.tenancy import tenant_context
from inventory import units
from inventory.errors import UnitConversionError
from tests.factories import ItemFactory, ItemUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cups(tenant_a):
    item = ItemFactory(tenant=tenant_a, divisible=False)
    ItemUnitFactory(item=item, code="case", factor=12, weight_kg=Decimal("6"))
    return item


def test_a_price_per_base_unit_is_twelve_times_that_per_case(tenant_a, cups):
    with tenant_context(tenant_a):
        assert units.per_unit(tenant=tenant_a, item=cups, unit="case", per_base=Decimal("0.5")) == 6
        assert units.to_base(tenant=tenant_a, item=cups, unit="case", quantity=Decimal(2)) == 24


def test_a_fraction_of_an_indivisible_base_unit_is_refused(tenant_a, cups):
    with tenant_context(tenant_a), pytest.raises(UnitConversionError, match="cannot be split"):
        units.to_base(tenant=tenant_a, item=cups, unit="case", quantity=Decimal("0.1"))


def test_a_base_units_weight_comes_from_its_case(tenant_a, cups):
    with tenant_context(tenant_a):
        sizes = units.base_unit_sizes(tenant=tenant_a, item_ids=[cups.pk])
    assert sizes[cups.pk] == (None, Decimal("0.5"))


def test_the_ledger_refuses_a_split_unit_with_the_same_words_as_everyone(tenant_a, cups):
    from inventory import ledger
    from tests.factories import bin_in, member

    sku = cups.sku
    with tenant_context(tenant_a):
        bin_location = ledger.bin_location(tenant=tenant_a, bin=bin_in(tenant_a))
        with pytest.raises(UnitConversionError) as posted:
            ledger.post(
                tenant=tenant_a, user=member(tenant_a), kind="receipt",
                moves=[ledger.Move(
                    item=cups, quantity=Decimal("0.1"), unit="case",
                    source=ledger.virtual_location(tenant=tenant_a, kind="supplier"),
                    destination=bin_location,
                )],
            )  # fmt: skip
        with pytest.raises(UnitConversionError) as converted:
            units.to_base(tenant=tenant_a, item=cups, unit="case", quantity=Decimal("0.1"))

    expected = f"0.1 case of {sku} is 1.2 each; one each cannot be split."
    assert str(posted.value) == str(converted.value) == expected
