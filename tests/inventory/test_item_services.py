"""Item master services: items and their units, the rules they keep, and who may change them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.errors import RoleRequired
from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import selectors
from inventory.errors import DuplicateCode, DuplicateGtin, InvalidGtin, InvalidItem, ItemLocked
from inventory.models import Item, ItemUnit
from inventory.services import items
from tests.factories import ItemFactory, ItemUnitFactory, LotFactory, bin_in, member
from tests.inventory.stock import receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(tenant_a):
    return member(tenant_a, Role.PLANNER)


def _create(tenant, user, **fields):
    values = {"sku": "SKU-1", "description": "Gloves", "base_unit": "each"} | fields
    with tenant_context(tenant):
        return items.create_item(tenant=tenant, user=user, item=Item(**values))


def _update(tenant, user, item, **changes):
    with tenant_context(tenant):
        fresh = Item.objects.get(pk=item.pk)
        for name, value in changes.items():
            setattr(fresh, name, value)
        return items.update_item(tenant=tenant, user=user, item=fresh)


def _save_unit(tenant, user, item, **fields):
    with tenant_context(tenant):
        unit = ItemUnit(item=item, **({"code": "case", "factor": Decimal(12)} | fields))
        return items.save_unit(tenant=tenant, user=user, unit=unit)


def test_new_item_gets_its_base_unit_and_a_history_row_by_its_creator(tenant_a, planner):
    item = _create(tenant_a, planner, base_unit="kg", divisible=True)
    with tenant_context(tenant_a):
        unit = ItemUnit.objects.get(item=item)
        assert (unit.code, unit.factor) == ("kg", 1)
        assert item.history.get().history_user == planner


def test_duplicate_sku_is_refused_naming_it(tenant_a, planner):
    _create(tenant_a, planner)
    with pytest.raises(DuplicateCode, match="Item SKU-1 already exists"):
        _create(tenant_a, planner)


def test_same_sku_is_fine_in_another_tenant(tenant_a, tenant_b, planner):
    _create(tenant_a, planner)
    _create(tenant_b, member(tenant_b, Role.ADMIN))


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"tracking": "serial", "divisible": True}, "serial-tracked item cannot be divisible"),
        ({"tracking": "none", "expiry_required": True}, "needs lot or serial tracking"),
    ],
)
def test_item_rules_are_refused_and_nothing_is_saved(tenant_a, planner, fields, message):
    with pytest.raises(InvalidItem, match=message):
        _create(tenant_a, planner, **fields)
    with tenant_context(tenant_a):
        assert not Item.objects.exists()


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SUPERVISOR, Role.FINANCE])
def test_only_admins_and_planners_create_items(tenant_a, role):
    with pytest.raises(RoleRequired):
        _create(tenant_a, member(tenant_a, role))


def test_roles_other_than_editors_cannot_change_units(tenant_a):
    item = ItemFactory(tenant=tenant_a)
    with pytest.raises(RoleRequired):
        _save_unit(tenant_a, member(tenant_a, Role.SUPERVISOR), item)
    unit = ItemUnitFactory(item=item)
    with tenant_context(tenant_a), pytest.raises(RoleRequired):
        items.remove_unit(tenant=tenant_a, user=member(tenant_a, Role.FINANCE), unit=unit)


@pytest.mark.parametrize(
    "field,value", [("tracking", "lot"), ("costing_method", "average"), ("base_unit", "pack")]
)
def test_locked_facts_cannot_change_while_the_item_has_stock(tenant_a, planner, field, value):
    item = ItemFactory(tenant=tenant_a, sku="SKU-118")
    receive(tenant_a, item, bin_in(tenant_a), 40)
    with pytest.raises(ItemLocked) as raised:
        _update(tenant_a, planner, item, **{field: value})
    assert "SKU-118" in str(raised.value)
    assert "cannot change from" in str(raised.value)
    assert "stock balance(s) not at zero" in str(raised.value)
    with tenant_context(tenant_a):
        assert getattr(Item.objects.get(pk=item.pk), field) != value


def test_tracking_cannot_change_while_the_item_has_lots(tenant_a, planner):
    lot = LotFactory(item=ItemFactory(tenant=tenant_a, tracking="lot"))
    with pytest.raises(ItemLocked, match=r"tracking of .* from Lot to None: it has 1 lot\(s\)"):
        _update(tenant_a, planner, lot.item, tracking="none")


def test_costing_method_cannot_change_while_the_item_has_lots(tenant_a, planner):
    lot = LotFactory(item=ItemFactory(tenant=tenant_a, tracking="lot"))
    with pytest.raises(ItemLocked, match="costing method"):
        _update(tenant_a, planner, lot.item, costing_method="average")


def test_item_without_stock_or_lots_changes_freely_and_the_base_unit_row_follows(tenant_a, planner):
    item = _create(tenant_a, planner)
    _update(tenant_a, planner, item, tracking="lot", costing_method="average", base_unit="pack")
    with tenant_context(tenant_a):
        item.refresh_from_db()
        assert (item.tracking, item.costing_method, item.base_unit) == ("lot", "average", "pack")
        assert list(ItemUnit.objects.filter(item=item).values_list("code", flat=True)) == ["pack"]


def test_description_changes_even_with_stock(tenant_a, planner):
    item = ItemFactory(tenant=tenant_a)
    receive(tenant_a, item, bin_in(tenant_a), 5)
    _update(tenant_a, planner, item, description="Renamed")
    with tenant_context(tenant_a):
        assert Item.objects.get(pk=item.pk).description == "Renamed"


def test_item_cannot_become_indivisible_with_a_fractional_unit(tenant_a, planner):
    item = _create(tenant_a, planner, base_unit="kg", divisible=True)
    _save_unit(tenant_a, planner, item, code="bag", factor=Decimal("2.5"))
    with pytest.raises(InvalidItem, match=r"whole number of kg, not 2\.5"):
        _update(tenant_a, planner, item, divisible=False)


def test_unit_gtin_is_checked_by_biip_and_stored_as_fourteen_digits(tenant_a, planner):
    item = _create(tenant_a, planner)
    unit = _save_unit(tenant_a, planner, item, gtin="4006381333931")
    assert unit.gtin == "04006381333931"
    with pytest.raises(InvalidGtin, match="Invalid GTIN check digit for '4006381333932'"):
        _save_unit(tenant_a, planner, item, code="inner", factor=6, gtin="4006381333932")
    with pytest.raises(InvalidGtin, match="Expected 8, 12, 13, or 14 digits"):
        _save_unit(tenant_a, planner, item, code="inner", factor=6, gtin="12345")


def test_gtin_is_unique_in_the_tenant_whatever_its_length(tenant_a, tenant_b, planner):
    first = _create(tenant_a, planner, sku="SKU-A")
    second = _create(tenant_a, planner, sku="SKU-B")
    _save_unit(tenant_a, planner, first, gtin="012345678905")
    with pytest.raises(DuplicateGtin, match="GTIN 00012345678905 already belongs to SKU-A"):
        _save_unit(tenant_a, planner, second, gtin="0012345678905")
    other = _create(tenant_b, member(tenant_b, Role.ADMIN), sku="SKU-A")
    _save_unit(tenant_b, member(tenant_b, Role.ADMIN), other, gtin="012345678905")


@pytest.mark.parametrize(
    "fields,error,message",
    [
        (
            {"code": "each", "factor": Decimal(3)},
            InvalidItem,
            "base unit of SKU-1: its factor is 1",
        ),
        (
            {"code": "half", "factor": Decimal("0.5")},
            InvalidItem,
            r"whole number of each, not 0\.5",
        ),
        ({"code": "case", "factor": Decimal(12)}, DuplicateCode, "Unit case already exists for"),
        ({"code": "case", "factor": Decimal(0)}, InvalidItem, "must be more than 0"),
    ],
)
def test_bad_units_are_refused_with_their_facts(tenant_a, planner, fields, error, message):
    item = _create(tenant_a, planner)
    _save_unit(tenant_a, planner, item, code="case", factor=Decimal(12))
    with pytest.raises(error, match=message):
        _save_unit(tenant_a, planner, item, **fields)


def test_unit_keeps_exact_factor_dimensions_and_weight(tenant_a, planner):
    item = _create(tenant_a, planner, base_unit="kg", divisible=True)
    unit = _save_unit(
        tenant_a,
        planner,
        item,
        code="bag",
        factor=Decimal("2.345678"),
        length_cm=Decimal("40"),
        width_cm=Decimal("30"),
        height_cm=Decimal("10"),
        weight_kg=Decimal("2.4"),
    )
    with tenant_context(tenant_a):
        unit.refresh_from_db()
    assert unit.factor == Decimal("2.345678")
    assert unit.volume_m3 == Decimal("0.012")
    assert unit.weight_kg == Decimal("2.4")


def test_removing_a_unit_records_who_did_it(tenant_a, planner):
    item = _create(tenant_a, planner)
    unit = _save_unit(tenant_a, planner, item)
    with tenant_context(tenant_a):
        items.remove_unit(tenant=tenant_a, user=planner, unit=unit)
        assert not ItemUnit.objects.filter(code="case").exists()
        assert ItemUnit.history.filter(history_type="-").get().history_user == planner


def test_gtin_stored_as_printed_elsewhere_still_counts_as_taken(tenant_a, planner):
    """Rows written with the label's 13 digits (demo data, older code) clash with the same
    GTIN entered as 14."""
    ItemUnitFactory(item=ItemFactory(tenant=tenant_a, sku="OLD-1"), gtin="4006381333931")
    item = _create(tenant_a, planner)
    with pytest.raises(DuplicateGtin, match="already belongs to OLD-1"):
        _save_unit(tenant_a, planner, item, gtin="04006381333931")
    with tenant_context(tenant_a):
        assert selectors.unit_for_gtin(tenant=tenant_a, gtin="04006381333931").item.sku == "OLD-1"
