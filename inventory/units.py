"""Quantities in an item's units, converted exactly to its base unit."""

from __future__ import annotations

from decimal import Decimal

from erp.numbers import plain
from inventory.errors import UnitConversionError
from inventory.models import Item, ItemUnit


def factor(*, tenant, item: Item, unit: str) -> Decimal:
    """Base units in one `unit` of `item` (1 for the base unit itself)."""
    if unit == item.base_unit:
        return Decimal(1)
    found = (
        ItemUnit.objects.filter(tenant=tenant, item=item, code=unit)
        .values_list("factor", flat=True)
        .first()
    )
    if found is None:
        raise UnitConversionError(f"{item.sku} has no unit '{unit}'.", sku=item.sku, unit=unit)
    return found


def to_base(*, tenant, item: Item, unit: str, quantity: Decimal) -> Decimal:
    """`quantity` of `unit` in base units; refuses a fraction of an indivisible base unit."""
    base = Decimal(quantity) * factor(tenant=tenant, item=item, unit=unit)
    if not item.divisible and base != base.to_integral_value():
        raise UnitConversionError(
            f"{plain(quantity)} {unit} of {item.sku} is {plain(base)} {item.base_unit}; "
            f"one {item.base_unit} cannot be split.",
            sku=item.sku,
        )
    return base
