"""The suggestion arithmetic of DOMAIN.md ("Replenishment and planning"), on one item-site's
figures; no queries.

    d̄   = demand in the window / its days (flat), or, where a year of history exists (demand
          in the same 28 days a year ago), the demand of the coming horizon's days a year ago
          scaled by recent / year-ago level, over the horizon's days (seasonal)
    sd  = population spread of daily demand over the window (days without demand count 0)
    SS  = z * √(LT * sd² + d̄² * sdLT²), rounded up to a whole unit
    ROP = d̄ * LT + SS, rounded up;  order-up-to = ROP + d̄ * order cycle, rounded up
    position = on hand + on order + in transit - backorders - reserved
    at or below ROP: need = order-up-to - position; a purchase is the need rounded up to
    whole packs, and at least the minimum order (itself in whole packs)

d̄ and sd keep 4 decimals, the horizon is ⌈LT⌉ + the order cycle in days.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from erp.numbers import plain
from purchasing.planning.figures import RECENT_DAYS, Figures

FOUR = Decimal("0.0001")
NO_STOCKOUT_DAYS = 100 * 365  # stock lasting longer has no stockout date


def ceil(value: Decimal | float) -> Decimal:
    # Six decimals first, so a float's 61.0000000001 stays 61.
    return Decimal(str(round(float(value), 6))).to_integral_value(ROUND_CEILING)


@dataclass
class Plan:
    """One item-site's planning figures; `need` > 0 when it is at or below its reorder point."""

    figures: Figures
    demand_per_day: Decimal
    demand_sd: Decimal
    seasonal: bool
    season_scale: Decimal | None
    service_level: str
    z: Decimal
    safety_stock: Decimal
    reorder_point: Decimal
    order_up_to: Decimal
    position: Decimal
    stockout_date: datetime.date | None

    @property
    def need(self) -> Decimal:
        if self.position > self.reorder_point:
            return Decimal(0)
        return max(self.order_up_to - self.position, Decimal(0))

    @property
    def free(self) -> Decimal:
        """Stock on hand that nothing claims."""
        f = self.figures
        return f.on_hand - f.reserved - f.backorders

    @property
    def surplus(self) -> Decimal:
        """What the site could give another without falling below its own order-up-to: free
        stock above it, in whole units."""
        above = min(self.position - self.order_up_to, self.free)
        return max(above, Decimal(0)).to_integral_value(ROUND_FLOOR)

    def explain_demand(self) -> str:
        f = self.figures
        rate = f"d̄ {_shown(self.demand_per_day)}/day"
        if self.seasonal:
            rate += (
                f" (seasonal: the same weeks last year scaled by {_shown(self.season_scale, '0.01')}, the last "
                f"{RECENT_DAYS} days against the same days a year ago)"
            )
        return (
            f"{rate}, sd {_shown(self.demand_sd)}, LT {_shown(f.lead_time)}"
            f"±{_shown(f.lead_time_sd)} d, z {self.z} ({self.service_level}% for "
            f"{f.abc}{f.xyz}) -> SS {plain(self.safety_stock)}, ROP {plain(self.reorder_point)}, "
            f"order-up-to {plain(self.order_up_to)}; on hand {plain(f.on_hand)}, on order "
            f"{plain(f.on_order)}, in transit {plain(f.in_transit)}, backorders "
            f"{plain(f.backorders)}, reserved {plain(f.reserved)} -> position "
            f"{plain(self.position)}"
        )


def _shown(value: Decimal, step: str = "0.1") -> str:
    """A rate or spread as a planner reads it (11.3/day, not 11.2637): the figures behind it
    keep four places."""
    return plain(Decimal(value).quantize(Decimal(step)).normalize())


def plan(
    figures: Figures, *, window_days: int, cycle_days: int, service_level: str, z: Decimal,
    as_of: datetime.date,
) -> Plan:  # fmt: skip
    f = figures
    flat = (f.demand_total / window_days).quantize(FOUR)
    variance = f.demand_squares / window_days - (f.demand_total / window_days) ** 2
    sd = Decimal(math.sqrt(max(float(variance), 0.0))).quantize(FOUR)
    lt, slt = Decimal(f.lead_time), Decimal(f.lead_time_sd)
    horizon = int(ceil(lt)) + cycle_days
    seasonal = f.base > 0
    scale = None
    d = flat
    if seasonal:
        scale = (f.recent / f.base).quantize(FOUR)
        d = (f.ahead * f.recent / f.base / horizon).quantize(FOUR)
    safety = ceil(float(z) * math.sqrt(float(lt * sd * sd + d * d * slt * slt)))
    rop = ceil(d * lt + safety)
    out = ceil(rop + d * cycle_days)
    position = f.on_hand + f.on_order + f.in_transit - f.backorders - f.reserved
    free = f.on_hand - f.reserved - f.backorders
    stockout = None
    if free <= 0 and (d > 0 or f.backorders > 0):
        stockout = as_of
    elif d > 0 and free / d < NO_STOCKOUT_DAYS:
        stockout = as_of + datetime.timedelta(days=int(free / d))
    # else: a slow mover with a big stock runs out beyond any horizon (and, at 0.0001 a day,
    # beyond the calendar's year 9999): no stockout in sight.
    return Plan(
        figures=f, demand_per_day=d, demand_sd=sd, seasonal=seasonal, season_scale=scale,
        service_level=service_level, z=z, safety_stock=safety, reorder_point=rop,
        order_up_to=out, position=position, stockout_date=stockout,
    )  # fmt: skip


def purchase_quantity(need: Decimal, *, pack_size: Decimal, minimum_order: Decimal) -> Decimal:
    """`need` rounded up to whole packs, and at least the minimum order in whole packs."""
    if need <= 0:
        return Decimal(0)
    packs = (max(need, minimum_order) / pack_size).to_integral_value(ROUND_CEILING)
    return packs * pack_size


def explain_purchase(p: Plan, *, need: Decimal, quantity: Decimal, transferred: Decimal) -> str:
    f = p.figures
    packs = (quantity / f.pack_size).to_integral_value()
    text = f"{p.explain_demand()} ≤ ROP: need {plain(need)}"
    if transferred:
        text += f", {plain(transferred)} of it by transfer"
    text += f" -> suggest {plain(quantity)}"
    if f.pack_size != 1:
        text += f", {plain(packs)} pack{'s' if packs != 1 else ''} of {plain(f.pack_size)}"
    if f.minimum_order and quantity - f.pack_size < f.minimum_order <= quantity:
        text += f" (minimum order {plain(f.minimum_order)})"
    return text


def explain_transfer(
    p: Plan, *, need: Decimal, quantity: Decimal, source: Plan, spare: Decimal
) -> str:
    return (
        f"{p.explain_demand()} ≤ ROP: need {plain(need)} -> transfer {plain(quantity)} from "
        f"{source.figures.site_code} before buying (it holds {plain(spare)} free above its "
        f"order-up-to {plain(source.order_up_to)})"
    )
