"""Quantities in an item's units, converted exactly to its base unit: the one conversion
purchasing, receiving, putaway, packing and the ledger's posting use."""

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


def factors(pairs) -> dict[tuple[int, str], Decimal]:
    """(item id, unit) -> base units in one unit, for many pairs in one query (a posting of
    many lines); base units and unknown units are left out."""
    wanted = {(item.pk, unit) for item, unit in pairs if unit and unit != item.base_unit}
    if not wanted:
        return {}
    rows = ItemUnit.objects.filter(
        item_id__in={i for i, _ in wanted}, code__in={u for _, u in wanted}
    ).values_list("item_id", "code", "factor")
    return {(item_id, code): found for item_id, code, found in rows}


def convert(*, item: Item, unit: str, quantity: Decimal, factor: Decimal) -> Decimal:
    """`quantity` of `unit` (`factor` base units each) in base units; refuses a fraction of an
    indivisible base unit, whichever path the quantity came by."""
    base = Decimal(quantity) * factor
    if not item.divisible and base != base.to_integral_value():
        raise UnitConversionError(
            f"{plain(quantity)} {unit} of {item.sku} is {plain(base)} {item.base_unit}; "
            f"one {item.base_unit} cannot be split.",
            sku=item.sku,
        )
    return base


def to_base(*, tenant, item: Item, unit: str, quantity: Decimal) -> Decimal:
    """`quantity` of `unit` in base units; refuses a fraction of an indivisible base unit."""
    return convert(
        item=item, unit=unit, quantity=quantity, factor=factor(tenant=tenant, item=item, unit=unit)
    )


def per_unit(*, tenant, item: Item, unit: str, per_base: Decimal) -> Decimal:
    """An amount per base unit (a price, a cost) as the amount per one `unit`."""
    return Decimal(per_base) * factor(tenant=tenant, item=item, unit=unit)


def base_unit_sizes(*, tenant, item_ids) -> dict[int, tuple[Decimal | None, Decimal | None]]:
    """Item id -> volume (m³) and weight (kg) of one base unit, from the smallest unit that
    gives each (a case's weight over its factor when only the case was weighed)."""
    found: dict[int, tuple[Decimal | None, Decimal | None]] = {}
    rows = ItemUnit.objects.filter(tenant=tenant, item_id__in=list(item_ids)).order_by("factor")
    for row in rows:
        volume = row.volume_m3 / row.factor if row.volume_m3 is not None else None
        weight = row.weight_kg / row.factor if row.weight_kg is not None else None
        known = found.get(row.item_id, (None, None))
        found[row.item_id] = (
            known[0] if known[0] is not None else volume,
            known[1] if known[1] is not None else weight,
        )
    return found
