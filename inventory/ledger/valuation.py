"""Valuation of postings: FIFO cost layers and moving-average pools per item and site.

Value moves only when stock crosses a site's boundary: into a site (receipt, found stock,
transfer in) it adds a layer (FIFO) or joins the pool (average); out of a site (shipment,
write-off, transfer out) it takes the oldest layers first (FIFO) or the current average.
Moves inside a site carry no value, nor do moves between virtual locations unless the
caller names their unit cost (stock in transit written off at the cost it left with). The entries carry exactly what the layers gained or
lost, so per item and site the sum of entry values always equals the layers' remaining
value, which `verify_ledger` checks.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import connection

from inventory.errors import LedgerInconsistent
from inventory.ledger import arrays
from inventory.models import CostingMethod, Item, Site

if TYPE_CHECKING:
    from inventory.ledger.posting import Leg, Move

QUANTUM = Decimal("0.0001")
COST_QUANTUM = Decimal("0.000001")


@dataclass
class Layer:
    id: int | None
    quantity: Decimal
    value: Decimal
    unit_cost: Decimal
    entry_id: int | None = None
    is_pool: bool = False
    changed: bool = False


@dataclass
class Plan:
    """What the layers gain and lose; `finish` writes it once the entries have ids."""

    tenant_id: int
    posted_at: datetime.datetime
    layers: dict[tuple[int, int], list[Layer]] = field(default_factory=dict)
    # (sku, site id) whose layers held less than an outflow took. Valuation runs before the
    # balances are checked, so this is only an error if the balances had the stock.
    short: tuple[str, int] | None = None
    new_layers: list[tuple[int, int, int, Layer]] = field(default_factory=list)  # item, site, leg#

    def finish(self, entry_ids: list[int]) -> None:
        if self.short is not None:
            raise LedgerInconsistent(
                sku=self.short[0], site=Site.objects.get(pk=self.short[1]).code
            )
        updates = [
            layer for group in self.layers.values() for layer in group if layer.changed and layer.id
        ]
        if not updates and not self.new_layers:
            return
        with connection.cursor() as cursor:
            if updates:
                cursor.execute(
                    """
                    UPDATE inventory_costlayer c
                    SET remaining_quantity = u.q, remaining_value = u.v, unit_cost = u.cost
                    FROM unnest(%s::bigint[], %s::numeric[], %s::numeric[], %s::numeric[]) AS u(id, q, v, cost)
                    WHERE c.tenant_id = %s AND c.id = u.id
                    """,
                    [arrays.ints(x.id for x in updates), arrays.numbers(x.quantity for x in updates),
                     arrays.numbers(x.value for x in updates),
                     arrays.numbers(x.unit_cost for x in updates), self.tenant_id],
                )  # fmt: skip
            if self.new_layers:
                rows = self.new_layers
                cursor.execute(
                    """
                    INSERT INTO inventory_costlayer AS c
                        (tenant_id, item_id, site_id, entry_id, is_pool, received_at,
                         original_quantity, unit_cost, remaining_quantity, remaining_value)
                    SELECT %s, n.item, n.site, n.entry, n.pool, %s, n.q, n.cost, n.q, n.v
                    FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bool[],
                                %s::numeric[], %s::numeric[], %s::numeric[])
                         AS n(item, site, entry, pool, q, cost, v)
                    ON CONFLICT (tenant_id, item_id, site_id) WHERE is_pool DO UPDATE SET
                        remaining_quantity = c.remaining_quantity + EXCLUDED.remaining_quantity,
                        remaining_value = c.remaining_value + EXCLUDED.remaining_value,
                        unit_cost = CASE
                            WHEN c.remaining_quantity + EXCLUDED.remaining_quantity > 0
                            THEN round((c.remaining_value + EXCLUDED.remaining_value)
                                       / (c.remaining_quantity + EXCLUDED.remaining_quantity), 6)
                            ELSE c.unit_cost END
                    """,
                    [self.tenant_id, self.posted_at,
                     arrays.ints(r[0] for r in rows), arrays.ints(r[1] for r in rows),
                     arrays.ints(None if r[3].is_pool else entry_ids[r[2]] for r in rows),
                     arrays.bools(r[3].is_pool for r in rows),
                     arrays.numbers(r[3].quantity for r in rows),
                     arrays.numbers(r[3].unit_cost for r in rows),
                     arrays.numbers(r[3].value for r in rows)],
                )  # fmt: skip


def _load(tenant_id: int, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], list[Layer]]:
    """Lock and read the open layers (and pools) of `pairs`, oldest first, in key order."""
    result: dict[tuple[int, int], list[Layer]] = {pair: [] for pair in pairs}
    if not pairs:
        return result
    ordered = sorted(pairs)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.id, c.item_id, c.site_id, c.remaining_quantity, c.remaining_value,
                   c.unit_cost, c.entry_id, c.is_pool
            FROM inventory_costlayer c
            JOIN unnest(%s::bigint[], %s::bigint[]) AS p(item, site)
              ON c.item_id = p.item AND c.site_id = p.site
            WHERE c.tenant_id = %s AND (c.remaining_quantity > 0 OR c.is_pool)
            ORDER BY c.item_id, c.site_id, c.received_at, c.id
            FOR UPDATE OF c
            """,
            [arrays.ints(p[0] for p in ordered), arrays.ints(p[1] for p in ordered), tenant_id],
        )
        for row_id, item_id, site_id, quantity, value, cost, entry_id, is_pool in cursor.fetchall():
            result[(item_id, site_id)].append(
                Layer(row_id, quantity, value, cost, entry_id, is_pool)
            )
    return result


def _take(
    plan: Plan,
    item: Item,
    site_id: int,
    layers: list[Layer],
    quantity: Decimal,
    prefer_entry: int | None,
) -> Decimal:
    """Remove `quantity` from the layers and return the value it carried out."""
    if item.costing_method == CostingMethod.AVERAGE:
        pool = next((layer for layer in layers if layer.is_pool), None)
        candidates = [pool] if pool else []
    else:
        candidates = [layer for layer in layers if not layer.is_pool and layer.quantity > 0]
        preferred = [
            layer
            for layer in candidates
            if layer.entry_id == prefer_entry and layer.quantity >= quantity
        ]
        if prefer_entry and preferred:
            candidates = preferred + [layer for layer in candidates if layer is not preferred[0]]
    need = quantity
    value = Decimal(0)
    for layer in candidates:
        if need <= 0:
            break
        if layer.quantity <= 0:
            continue
        taken = min(need, layer.quantity)
        if taken == layer.quantity:
            taken_value = layer.value
        else:
            taken_value = (taken * layer.value / layer.quantity).quantize(QUANTUM)
        layer.quantity -= taken
        layer.value -= taken_value
        layer.changed = True
        value += taken_value
        need -= taken
    if need > 0:
        plan.short = plan.short or (item.sku, site_id)
    return value


def _default_unit_cost(item: Item, layers: list[Layer]) -> Decimal:
    quantity = sum((layer.quantity for layer in layers), Decimal(0))
    if quantity > 0:
        return (sum((layer.value for layer in layers), Decimal(0)) / quantity).quantize(
            COST_QUANTUM
        )
    return item.standard_cost


def _add(
    plan: Plan,
    item: Item,
    site_id: int,
    layers: list[Layer],
    quantity: Decimal,
    value: Decimal,
    leg_index: int,
) -> None:
    if item.costing_method == CostingMethod.AVERAGE:
        pool = next((layer for layer in layers if layer.is_pool), None)
        if pool is not None:
            pool.quantity += quantity
            pool.value += value
            if pool.quantity > 0:
                pool.unit_cost = (pool.value / pool.quantity).quantize(COST_QUANTUM)
            pool.changed = True
            return
        pool = Layer(None, quantity, value, (value / quantity).quantize(COST_QUANTUM), is_pool=True)
        layers.append(pool)
        plan.new_layers.append((item.pk, site_id, leg_index, pool))
        return
    layer = Layer(None, quantity, value, (value / quantity).quantize(COST_QUANTUM))
    layers.append(layer)
    plan.new_layers.append((item.pk, site_id, leg_index, layer))


def value_moves(
    tenant, moves: Sequence[Move], quantities: Sequence[Decimal], legs: list[Leg], posted_at
) -> Plan:
    """Value each move that crosses a site boundary and set its legs' value and unit cost.

    Legs come in pairs (out, in) in the order of `moves`.
    """
    plan = Plan(tenant.pk, posted_at)
    crossing: list[tuple[int, int | None, int | None]] = []
    pairs: set[tuple[int, int]] = set()
    for index, move in enumerate(moves):
        out_site = move.source.site_id if move.source.is_real else None
        in_site = move.destination.site_id if move.destination.is_real else None
        if out_site == in_site and out_site is not None:
            continue  # inside one site: no value moves
        if out_site is None and in_site is None:
            if move.unit_cost is not None:
                # Between virtual locations at a named cost (goods in transit written off):
                # no site's layers change, but the value leaves the one location for the other.
                value = (quantities[index] * Decimal(move.unit_cost)).quantize(QUANTUM)
                out_leg, in_leg = legs[2 * index], legs[2 * index + 1]
                out_leg.value, out_leg.unit_cost = -value, Decimal(move.unit_cost)
                in_leg.value, in_leg.unit_cost = value, Decimal(move.unit_cost)
            continue  # otherwise nothing valued
        crossing.append((index, out_site, in_site))
        if out_site is not None:
            pairs.add((move.item.pk, out_site))
        if in_site is not None and (
            move.unit_cost is None or move.item.costing_method == CostingMethod.AVERAGE
        ):
            pairs.add((move.item.pk, in_site))
    if not crossing:
        return plan
    plan.layers = _load(tenant.pk, pairs)
    for index, out_site, in_site in crossing:
        move, quantity = moves[index], quantities[index]
        out_leg, in_leg = legs[2 * index], legs[2 * index + 1]
        if out_site is not None:
            value = _take(
                plan,
                move.item,
                out_site,
                plan.layers[(move.item.pk, out_site)],
                quantity,
                move.layer_entry,
            )
        else:
            cost = move.unit_cost
            if cost is None:
                cost = _default_unit_cost(move.item, plan.layers.get((move.item.pk, in_site), []))
            value = (quantity * Decimal(cost)).quantize(QUANTUM)
        if in_site is not None:
            layers = plan.layers.setdefault((move.item.pk, in_site), [])
            _add(plan, move.item, in_site, layers, quantity, value, 2 * index + 1)
        unit_cost = (value / quantity).quantize(COST_QUANTUM)
        out_leg.value, out_leg.unit_cost = -value, unit_cost
        in_leg.value, in_leg.unit_cost = value, unit_cost
    return plan


def site_values(tenant_id: int) -> dict[tuple[int, int], tuple[Decimal, Decimal]]:
    """(quantity, value) of the open layers per (item, site), for checks and reports."""
    totals: dict[tuple[int, int], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT item_id, site_id, sum(remaining_quantity), sum(remaining_value) "
            "FROM inventory_costlayer WHERE tenant_id = %s GROUP BY item_id, site_id",
            [tenant_id],
        )
        for item_id, site_id, quantity, value in cursor.fetchall():
            totals[(item_id, site_id)] = [quantity, value]
    return {key: (q, v) for key, (q, v) in totals.items()}
