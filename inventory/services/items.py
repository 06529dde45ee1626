"""The item master: creating and changing items and their units of measure.

Quantities in the ledger are counted in an item's base unit and valued by its costing
method, so the facts that give those numbers their meaning (tracking, costing method, base
unit, divisibility) are locked once the item has stock; tracking and costing also once it
has lots.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction

from erp.models import Tenant, User
from erp.numbers import plain
from erp.roles import require_role
from inventory.errors import DuplicateCode, DuplicateGtin, InvalidItem, ItemLocked
from inventory.gtin import gtin_forms, normalize_gtin
from inventory.ledger import day_closes
from inventory.models import Item, ItemUnit, Lot, StockBalance, Tracking
from inventory.permissions import ITEM_EDITORS

# Facts locked once the item has stock; True: also once it has lots.
LOCKED_WITH_STOCK = {
    "tracking": True,
    "costing_method": True,
    "base_unit": False,
    "divisible": False,
}


def rule_problems(*, tracking: str, divisible: bool, expiry_required: bool) -> dict[str, str]:
    """Rules across an item's fields, as {field: message} (also used by the CSV import)."""
    problems = {}
    if tracking == Tracking.SERIAL and divisible:
        problems["divisible"] = (
            "A serial-tracked item cannot be divisible: each serial number is one unit."
        )
    if expiry_required and tracking == Tracking.NONE:
        problems["expiry_required"] = (
            "Expiry dates are kept on lots: an item that requires them needs lot or serial tracking."
        )
    return problems


def whole_factor_problem(*, item: Item, code: str, factor: Decimal) -> str | None:
    if item.divisible or factor == factor.to_integral_value():
        return None
    return (
        f"A {code} of {item.sku} must hold a whole number of {item.base_unit}, not "
        f"{plain(factor)}: the item is not divisible."
    )


def _check_rules(item: Item) -> None:
    problems = rule_problems(
        tracking=item.tracking, divisible=item.divisible, expiry_required=item.expiry_required
    )
    if problems:
        raise InvalidItem(" ".join(problems.values()), sku=item.sku)


def _save_item(item: Item, user: User) -> None:
    item._history_user = user  # also outside a request (tasks, commands)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        if "inventory_item_tenant_sku_uniq" in str(exc):
            raise DuplicateCode(kind="Item", code=item.sku, where="") from exc
        raise


@transaction.atomic
def create_item(*, tenant: Tenant, user: User, item: Item) -> Item:
    """Create `item` (from a validated form) with a unit row for its base unit (factor 1),
    where that unit's GTIN, dimensions and weight are kept.

    Raises `RoleRequired` (admins and planners only), `InvalidItem` for a broken rule and
    `DuplicateCode` for a SKU the tenant already has.
    """
    require_role(tenant=tenant, user=user, roles=ITEM_EDITORS)
    item.tenant = tenant
    _check_rules(item)
    _save_item(item, user)
    base = ItemUnit(tenant=tenant, item=item, code=item.base_unit, factor=Decimal(1))
    base._history_user = user
    base.save()
    return item


def _stock_facts(tenant: Tenant, item: Item) -> tuple[int, int]:
    balances = StockBalance.objects.filter(tenant=tenant, item=item).exclude(on_hand=0).count()
    lots = Lot.objects.filter(tenant=tenant, item=item).count()
    return balances, lots


def _check_locked(tenant: Tenant, current: Item, item: Item) -> None:
    changed = [f for f in LOCKED_WITH_STOCK if getattr(current, f) != getattr(item, f)]
    if not changed:
        return
    balances, lots = _stock_facts(tenant, current)
    for name in changed:
        if balances or (lots and LOCKED_WITH_STOCK[name]):
            raise ItemLocked(
                sku=current.sku,
                field=str(Item._meta.get_field(name).verbose_name),
                old=_shown(current, name),
                new=_shown(item, name),
                balances=balances,
                lots=lots if LOCKED_WITH_STOCK[name] else 0,
            )


def _shown(item: Item, name: str) -> str:
    value = getattr(item, name)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(dict(Item._meta.get_field(name).flatchoices).get(value, value))


def _follow_base_unit(tenant: Tenant, current: Item, item: Item, user: User) -> None:
    """Rename the base unit's row with the base unit, so it keeps its GTIN and size."""
    if current.base_unit == item.base_unit:
        return
    units = ItemUnit.objects.filter(tenant=tenant, item=current)
    clash = units.filter(code=item.base_unit).first()
    if clash is not None:
        raise InvalidItem(
            f"{current.sku} already has a unit {clash.code} (factor {plain(clash.factor)}); "
            f"remove it before making {clash.code} the base unit.",
            sku=current.sku,
        )
    base = units.filter(code=current.base_unit).first()
    if base is not None:
        base.code = item.base_unit
        base._history_user = user
        base.save(update_fields=["code"])


@transaction.atomic
def update_item(*, tenant: Tenant, user: User, item: Item) -> Item:
    """Save the changes made to `item` (a modified instance of a stored item).

    Locks the item row, so two edits (or an edit and a unit change) apply one after the
    other. Raises `ItemLocked` when tracking, costing method, base unit or divisibility
    change while the item has stock (any balance not at zero) or, for tracking and costing,
    lots; `InvalidItem` for a broken rule or a unit whose factor stops fitting.
    """
    require_role(tenant=tenant, user=user, roles=ITEM_EDITORS)
    current = Item.objects.select_for_update().get(tenant=tenant, pk=item.pk)
    item.tenant = tenant
    _check_rules(item)
    _check_locked(tenant, current, item)
    if current.divisible and not item.divisible:
        for unit in ItemUnit.objects.filter(tenant=tenant, item=current):
            problem = whole_factor_problem(item=item, code=unit.code, factor=unit.factor)
            if problem:
                raise InvalidItem(problem, sku=item.sku, unit=unit.code)
    _follow_base_unit(tenant, current, item, user)
    _save_item(item, user)
    if current.category != item.category:
        # The item's past entries now count under its new category.
        day_closes.forget_days(tenant_id=tenant.pk)
    return item


def _check_unit(tenant: Tenant, item: Item, unit: ItemUnit) -> None:
    if not unit.code or any(ch.isspace() for ch in unit.code):
        raise InvalidItem("A unit code cannot be empty or contain spaces.", sku=item.sku)
    if unit.factor is None or unit.factor <= 0:
        raise InvalidItem(f"The factor of {unit.code} must be more than 0.", sku=item.sku)
    if unit.code == item.base_unit and unit.factor != 1:
        raise InvalidItem(
            f"{unit.code} is the base unit of {item.sku}: its factor is 1, not "
            f"{plain(unit.factor)}.",
            sku=item.sku,
        )
    problem = whole_factor_problem(item=item, code=unit.code, factor=unit.factor)
    if problem:
        raise InvalidItem(problem, sku=item.sku, unit=unit.code)
    if unit.gtin:
        other = (
            ItemUnit.objects.filter(tenant=tenant, gtin__in=gtin_forms(unit.gtin))
            .exclude(pk=unit.pk)
            .select_related("item")
            .first()
        )
        if other is not None:
            raise DuplicateGtin(gtin=unit.gtin, sku=other.item.sku, unit=other.code)


@transaction.atomic
def save_unit(*, tenant: Tenant, user: User, unit: ItemUnit) -> ItemUnit:
    """Add or change a unit of measure of `unit.item` (from a validated form).

    The GTIN is checked by biip and stored as 14 digits, unique in the tenant; the factor is
    exact, 1 for the base unit, and whole for an item that is not divisible. Locks the item
    row first (the same lock `update_item` takes), so a unit cannot slip past a change of
    the item's base unit or divisibility. Raises `InvalidGtin`, `DuplicateGtin`,
    `DuplicateCode` (a code the item already has) or `InvalidItem`.
    """
    require_role(tenant=tenant, user=user, roles=ITEM_EDITORS)
    item = Item.objects.select_for_update().get(tenant=tenant, pk=unit.item_id)
    unit.tenant = tenant
    unit.item = item
    unit.code = (unit.code or "").strip()
    unit.gtin = normalize_gtin(unit.gtin or "")
    _check_unit(tenant, item, unit)
    unit._history_user = user
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:
        if "inventory_itemunit_item_code_uniq" in str(exc):
            raise DuplicateCode(kind="Unit", code=unit.code, where=f" for {item.sku}") from exc
        if "inventory_itemunit_gtin_uniq" in str(exc):
            # Another transaction saved the same GTIN and committed after the check above.
            other = ItemUnit.objects.filter(tenant=tenant, gtin=unit.gtin).select_related("item")
            holder = other.first()
            raise DuplicateGtin(
                gtin=unit.gtin,
                sku=holder.item.sku if holder else "another item",
                unit=holder.code if holder else "-",
            ) from exc
        raise
    return unit


@transaction.atomic
def remove_unit(*, tenant: Tenant, user: User, unit: ItemUnit) -> None:
    """Remove a unit of measure (stock is kept in the base unit, so none is affected)."""
    require_role(tenant=tenant, user=user, roles=ITEM_EDITORS)
    Item.objects.select_for_update().get(tenant=tenant, pk=unit.item_id)
    unit._history_user = user
    unit.delete()
