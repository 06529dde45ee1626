"""Directed putaway: each rule criterion, capacity limits, same item and lot first, overrides."""

from __future__ import annotations

from decimal import Decimal

import pytest

from erp.roles import Role
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import ItemUnit
from tests.factories import BinFactory, ItemFactory, LotFactory, ZoneFactory, member
from tests.inventory.stock import assert_ledger_clean, on_hand, receive
from warehouse.models import PutawayRule, PutawayTask
from warehouse.putaway import services as putaway
from warehouse.putaway.services import PutawayError

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(dock):
    return dock.order.site


def _zone(site, code, **bins):
    zone = ZoneFactory(site=site, code=code)
    made = [
        BinFactory(
            zone=zone,
            code=f"{code}-{n}",
            walk_sequence=n,
            bin_type=bins.get("bin_type", "reserve"),
            capacity_units=bins.get("units"),
            capacity_volume=bins.get("volume"),
            capacity_weight=bins.get("weight"),
        )
        for n in range(1, 4)
    ]
    return zone, made


def _rule(tenant, zone, **match):
    with tenant_context(tenant):
        return PutawayRule.objects.create(
            tenant=tenant, name=f"to {zone.code}", target_zone=zone, **match
        )


def _suggest(dock, item=None, lot=None, quantity=10, unit="each"):
    with tenant_context(dock.tenant):
        return putaway.suggest(
            tenant=dock.tenant,
            item=item or dock.item,
            lot=lot,
            quantity=Decimal(quantity),
            unit=unit,
            site_id=dock.order.site_id,
        )


@pytest.mark.parametrize(
    "field,item_value,rule_value,other_value",
    [
        ("category", "chemicals", "chemicals", "food"),
        ("velocity_class", "fast", "fast", "slow"),
        ("hazardous", True, True, False),
    ],
)
def test_each_item_criterion_selects_its_rule(
    dock, site, field, item_value, rule_value, other_value
):
    hit, hit_bins = _zone(site, "HIT")
    miss, _ = _zone(site, "MISS")
    _rule(dock.tenant, miss, priority=1, **{field: other_value})
    _rule(dock.tenant, hit, priority=2, **{field: rule_value})
    setattr(dock.item, field, item_value)
    with tenant_context(dock.tenant):
        dock.item.save()
    suggestion = _suggest(dock)
    assert suggestion.location.bin_id == hit_bins[0].pk and "to HIT" in suggestion.note


def test_unit_received_in_selects_its_rule(dock, site):
    pallets, pallet_bins = _zone(site, "PAL", bin_type="pick_face")
    _rule(dock.tenant, pallets, priority=1, unit="pallet")
    assert _suggest(dock, unit="pallet").location.bin_id == pallet_bins[0].pk
    # Eaches match no rule; the fallback (reserve bins) has none at this site.
    assert _suggest(dock, unit="each").location is None


def test_priority_decides_between_matching_rules(dock, site):
    first, first_bins = _zone(site, "FIRST")
    second, _ = _zone(site, "SECOND")
    _rule(dock.tenant, second, priority=20)
    _rule(dock.tenant, first, priority=10)
    assert _suggest(dock).location.bin_id == first_bins[0].pk


def test_a_bin_holding_the_same_item_and_lot_comes_first(dock, site):
    zone, bins = _zone(site, "STO")
    _rule(dock.tenant, zone)
    lot = LotFactory(item=dock.item, code="L-7")
    dock.item.tracking = "lot"
    with tenant_context(dock.tenant):
        dock.item.save()
    receive(dock.tenant, dock.item, bins[2], 5, lot=lot)
    assert _suggest(dock, lot=lot).location.bin_id == bins[2].pk
    other_lot = LotFactory(item=dock.item, code="L-8")
    # Another lot goes to the nearest empty bin instead.
    assert _suggest(dock, lot=other_lot).location.bin_id == bins[0].pk


@pytest.mark.parametrize(
    "capacity,dims",
    [
        ({"units": 50}, {}),
        (
            {"volume": Decimal("0.010")},
            {"length_cm": 10, "width_cm": 10, "height_cm": 10},
        ),  # 0.001 m³ each
        ({"weight": Decimal("60")}, {"weight_kg": 5}),  # 25 kg in bin 1 + 50 kg
    ],
)
def test_capacity_limits_skip_bins_without_room(dock, site, capacity, dims):
    zone, bins = _zone(site, "CAP", **capacity)
    _rule(dock.tenant, zone)
    with tenant_context(dock.tenant):
        ItemUnit.objects.update_or_create(
            tenant=dock.tenant, item=dock.item, code="each", defaults={"factor": 1, **dims}
        )
    other = ItemFactory(tenant=dock.tenant)
    with tenant_context(dock.tenant):
        ItemUnit.objects.create(tenant=dock.tenant, item=other, code="each", factor=1, **dims)
    receive(dock.tenant, other, bins[0], 45 if "units" in capacity else 5)
    # 10 units: bin 1 is partly full (no room for 10 more under the limit), bin 2 is empty.
    assert _suggest(dock, quantity=10).location.bin_id == bins[1].pk
    # Nothing fits 100 units in any bin of the zone, nor in the (absent) reserve fallback.
    assert _suggest(dock, quantity=100).location is None


def test_operator_completes_a_task_to_the_suggested_bin_or_overrides_with_a_reason(dock, site):
    zone, bins = _zone(site, "STO")
    _rule(dock.tenant, zone)
    from warehouse.receiving import services as receiving

    with tenant_context(dock.tenant):
        receipt = receiving.receive(
            tenant=dock.tenant,
            user=dock.operator,
            order=dock.order,
            item=dock.item,
            quantity=Decimal(20),
            dock=dock.dock,
            scan_key="r1",
        )
        task = PutawayTask.objects.get(receipt_line=receipt)
        assert task.suggested_location.bin_id == bins[0].pk and task.quantity == 20
        elsewhere = ledger.bin_location(tenant=dock.tenant, bin=bins[1])
        with pytest.raises(PutawayError, match="not the suggested bin STO-1; say why"):
            putaway.complete(tenant=dock.tenant, user=dock.operator, task=task, location=elsewhere)
        done = putaway.complete(
            tenant=dock.tenant,
            user=dock.operator,
            task=task,
            location=elsewhere,
            override_reason="STO-1 blocked by a pallet",
        )
        again = putaway.complete(
            tenant=dock.tenant,
            user=dock.operator,
            task=task,
            location=elsewhere,
            override_reason="x",
        )
    assert (
        done.state == "done"
        and done.override_reason == "STO-1 blocked by a pallet"
        and again.pk == done.pk
    )
    assert (
        on_hand(dock.tenant, dock.item, bins[1]) == 20
        and on_hand(dock.tenant, dock.item, dock.bin) == 0
    )
    assert_ledger_clean(dock.tenant)


def test_finance_cannot_work_putaway(dock, site):
    _, bins = _zone(site, "STO")
    from erp.errors import RoleRequired
    from warehouse.receiving import services as receiving

    with tenant_context(dock.tenant):
        receipt = receiving.receive(
            tenant=dock.tenant,
            user=dock.operator,
            order=dock.order,
            item=dock.item,
            quantity=Decimal(2),
            dock=dock.dock,
            scan_key="r1",
        )
        task = PutawayTask.objects.get(receipt_line=receipt)
        with pytest.raises(RoleRequired):
            putaway.complete(
                tenant=dock.tenant,
                user=member(dock.tenant, Role.FINANCE),
                task=task,
                location=ledger.bin_location(tenant=dock.tenant, bin=bins[0]),
            )
