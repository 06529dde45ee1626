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
