"""The suggestion arithmetic against hand-computed cases from DOMAIN.md ("Replenishment and
planning"): safety stock, reorder point, order-up-to, netting, rounding to packs and minimum
order, the seasonal profile; first on figures given directly, then from history posted through
the ledger and a run. Every expected number is worked out in the docstring or comment."""

from __future__ import annotations

import datetime
from decimal import Decimal

from purchasing.planning import formulas
from purchasing.planning.figures import Figures
from tests.purchasing.planning import (
    AS_OF,
    alternate,
    run,
    ship,
    stock,
)

D = Decimal


def figures(**overrides) -> Figures:
    """d̄ 14/day over 182 days: total 14 * 182 = 2548; sd 8: Σq²/182 - 14² = 64, so
    Σq² = 260 * 182 = 47320. LT 9 +- 2 days, pack 120, no minimum, on hand 120."""
    values = dict(
        item_id=1, site_id=1, sku="SKU-1", site_code="MAIN", abc="B", xyz="Z",
        demand_total=D(2548), demand_squares=D(47320), recent=D(0), base=D(0), ahead=D(0),
        supplier_id=1, supplier_code="ACME", pack_size=D(120), minimum_order=D(0),
        unit_cost=D(2), lead_time=D(9), lead_time_sd=D(2), on_hand=D(120), reserved=D(0),
        on_order=D(0), in_transit=D(0), backorders=D(0),
    )  # fmt: skip
    values.update(overrides)
    return Figures(**values)


def plan(f: Figures) -> formulas.Plan:
    return formulas.plan(
        f, window_days=182, cycle_days=14, service_level="95", z=D("1.645"), as_of=AS_OF
    )


def test_safety_stock_reorder_point_and_order_up_to_by_hand():
    """SS = 1.645 * √(9 * 8² + 14² * 2²) = 1.645 * √1360 = 1.645 * 36.878 = 60.66 -> 61;
    ROP = 14 * 9 + 61 = 187; order-up-to = 187 + 14 * 14 = 383. Position 120 ≤ 187:
    need 383 - 120 = 263 -> ⌈263 / 120⌉ = 3 packs = 360. Free 120 lasts 120 / 14 = 8.6
    days: stockout on day 8."""
    p = plan(figures())

    assert (p.demand_per_day, p.demand_sd) == (D(14), D(8))
    assert (p.safety_stock, p.reorder_point, p.order_up_to) == (D(61), D(187), D(383))
    assert (p.position, p.need) == (D(120), D(263))
    assert formulas.purchase_quantity(p.need, pack_size=D(120), minimum_order=D(0)) == D(360)
    assert p.stockout_date == AS_OF + datetime.timedelta(days=8)
    assert not p.seasonal


def test_netting_counts_on_order_in_transit_backorders_and_reserved():
    """Position = 150 + 20 + 10 - 15 - 5 = 160 ≤ 187: need 383 - 160 = 223 -> packs of 12:
    ⌈223 / 12⌉ = 19 packs = 228. With 300 on hand, 100 on order, 50 in transit, 40 backordered
    and 30 reserved the position is 380 > 187: nothing is needed."""
    low = plan(figures(on_hand=D(150), on_order=D(20), in_transit=D(10), backorders=D(15),
                       reserved=D(5)))  # fmt: skip
    high = plan(figures(on_hand=D(300), on_order=D(100), in_transit=D(50), backorders=D(40),
                        reserved=D(30)))  # fmt: skip

    assert (low.position, low.need) == (D(160), D(223))
    assert formulas.purchase_quantity(low.need, pack_size=D(12), minimum_order=D(0)) == D(228)
    assert (high.position, high.need) == (D(380), D(0))


def test_at_the_reorder_point_an_order_is_suggested():
    """(s, S): position 187 = ROP 187 is at the reorder point: need 383 - 187 = 196; at 188 it
    is above and nothing is needed."""
    assert plan(figures(on_hand=D(187))).need == D(196)
    assert plan(figures(on_hand=D(188))).need == D(0)


def test_rounding_to_packs_and_the_minimum_order():
    """Need 263, packs of 120, minimum 400: the minimum wins and is itself rounded up to whole
    packs, ⌈400 / 120⌉ = 4 packs = 480. Need 263 in packs of 1 with minimum 100: 263."""
    assert formulas.purchase_quantity(D(263), pack_size=D(120), minimum_order=D(400)) == D(480)
    assert formulas.purchase_quantity(D(263), pack_size=D(1), minimum_order=D(100)) == D(263)
    assert formulas.purchase_quantity(D(0), pack_size=D(120), minimum_order=D(400)) == D(0)


def test_seasonal_profile_scales_last_years_weeks_to_the_recent_level():
    """A year of history (demand in the same 28 days a year ago, 280): the recent 28 days sold
    560, so the scale is 560 / 280 = 2. The horizon is ⌈9⌉ + 14 = 23 days, which sold 230 a
    year ago: d̄ = 230 * 2 / 23 = 20/day. SS = 1.645 * √(9 * 64 + 20² * 2²) = 1.645 * √2176
    = 1.645 * 46.648 = 76.74 -> 77; ROP = 20 * 9 + 77 = 257; order-up-to = 257 + 280 = 537."""
    p = plan(figures(recent=D(560), base=D(280), ahead=D(230)))

    assert p.seasonal and p.season_scale == D(2)
    assert p.demand_per_day == D(20)
    assert (p.safety_stock, p.reorder_point, p.order_up_to) == (D(77), D(257), D(537))
    assert "seasonal: the same weeks last year scaled by 2" in p.explain_demand()


# --- from the ledger, through a run ---------------------------------------------------------


def test_run_from_shipments_and_receipts_matches_the_hand_computation(tenant_a, shop):
    """330 received, then 14 and 6 shipped on alternate days over the 28-day window: 280, so
    d̄ = 10/day, Σq² = 14 * 196 + 14 * 36 = 3248, sd = √(3248 / 28 - 100) = √16 = 4; on hand
    50. LT 5 +- 1 (the receipts, not the stated 30). SS = 1.645 * √(5 * 16 + 100 * 1) = 1.645
    * √180 = 22.07 -> 23; ROP = 50 + 23 = 73; order-up-to = 73 + 10 * 14 = 213. Position 50 ≤
    73: need 163 -> 17 packs of 10 = 170. Stockout in 50 / 10 = 5 days."""
    stock(tenant_a, shop["item"], shop["bin"], 330)
    alternate(tenant_a, shop["item"], shop["bin"], 6, 14)

    (suggestion,) = run(tenant_a)

    assert suggestion.kind == "purchase" and suggestion.supplier == shop["supplier"]
    assert (suggestion.demand_per_day, suggestion.demand_sd) == (D(10), D(4))
    assert (suggestion.lead_time_days, suggestion.lead_time_sd) == (D(5), D(1))
    assert (suggestion.safety_stock, suggestion.reorder_point) == (D(23), D(73))
    assert (suggestion.order_up_to, suggestion.position) == (D(213), D(50))
    assert suggestion.quantity == suggestion.suggested_quantity == D(170)
    assert suggestion.stockout_date == AS_OF + datetime.timedelta(days=5)
    assert "SS 23, ROP 73" in suggestion.explanation
    assert "suggest 170, 17 packs of 10" in suggestion.explanation
    assert "seasonal" not in suggestion.explanation


def test_run_follows_last_years_weeks_when_a_year_of_history_exists(tenant_a, shop):
    """A year ago: 280 in the same 28 days (370 days back) and 190 in the 5 + 14 = 19 days after
    (360 days back). Recent 28 days: 28 and 12 alternately, 560 (d̄ flat 20, Σq² = 14 * 784 + 14
    * 144 = 12992, sd = √(12992 / 28 - 400) = 8). Scale 560 / 280 = 2; d̄ = 190 * 2 / 19 = 20.
    SS = 1.645 * √(5 * 64 + 400 * 1) = 1.645 * √720 = 44.14 -> 45; ROP = 100 + 45 = 145;
    order-up-to = 145 + 280 = 425. Received 1100, shipped 1030: on hand 70, need 355 -> 360."""
    stock(tenant_a, shop["item"], shop["bin"], 1100, ago=500)
    ship(tenant_a, shop["item"], shop["bin"], 280, ago=370)
    ship(tenant_a, shop["item"], shop["bin"], 190, ago=360)
    alternate(tenant_a, shop["item"], shop["bin"], 12, 28)

    (suggestion,) = run(tenant_a)

    assert suggestion.seasonal and suggestion.demand_per_day == D(20)
    assert (suggestion.safety_stock, suggestion.reorder_point) == (D(45), D(145))
    assert (suggestion.order_up_to, suggestion.position) == (D(425), D(70))
    assert suggestion.quantity == D(360)
    assert "seasonal: the same weeks last year scaled by 2" in suggestion.explanation


def test_nothing_is_suggested_above_the_reorder_point(tenant_a, shop):
    """Same demand as the hand-computed run (ROP 73) but 100 left on hand: 100 > 73."""
    stock(tenant_a, shop["item"], shop["bin"], 380)
    alternate(tenant_a, shop["item"], shop["bin"], 6, 14)

    assert run(tenant_a) == []


def test_the_explanation_rounds_rates_to_a_tenth_as_a_planner_reads_them():
    """Total 2050 over 182 days: d̄ = 11.2637...; Σq² 47320: Σq²/182 - d̄² = 260 - 126.87 =
    133.13, sd = 11.538...; shown as 11.3 and 11.5, the SS, ROP and quantities as computed."""
    p = plan(figures(demand_total=D(2050)))

    assert p.demand_per_day == D("11.2637")
    assert p.explain_demand().startswith("d̄ 11.3/day, sd 11.5, LT 9±2 d, z 1.645 (95% for BZ)")


def test_a_slow_mover_with_a_big_stock_has_no_stockout_date():
    """1 unit in 182 days (d = 0.0055/day) against 51,338,746 on hand: 9.3 x 10^9 days, past
    the calendar (a planning run on a 10^7-entry tenant failed on it); 100 units last 18,182
    days (49.8 years), within the 100-year horizon."""
    slow = dict(demand_total=D(1), demand_squares=D(1))
    assert plan(figures(on_hand=D(51338746), **slow)).stockout_date is None
    assert plan(figures(on_hand=D(100), **slow)).stockout_date == AS_OF + datetime.timedelta(
        days=18181
    )
