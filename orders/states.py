"""The sales order's state machine: which action moves an order from which statuses to which,
and who may ask for it, declared with `erp.transitions`. `machine.move` (saved by
`transition`) is the only code that assigns `SalesOrder.status`; services call it, and the
order page asks `orders.selectors.available_actions` what to offer.

    draft --confirm--> confirmed --allocate--> partially allocated / allocated
    (partially) allocated --release--> released --start_picking--> picking --pack--> packed
    picking / packed --ship--> packed (picked goods left) / partially shipped / shipped
                               (or back to partially allocated / allocated for a remainder
                               reserved but not picked, ready to release again)
    partially shipped --allocate--> (partially) allocated: the backorder found stock
    draft ... released --cancel--> cancelled;  anything shipped from --close--> closed

Every move leaves a history row naming who did it and why (the action's label, with the reason
given).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from erp.models import Tenant, User
from erp.transitions import HISTORY_REASON_LENGTH, Machine
from erp.transitions import transition as row
from orders.models import ALLOCATABLE, OrderStatus, SalesOrder
from orders.permissions import EDITORS, FLOOR, RELEASERS

S = OrderStatus
ORDER_TAKERS = EDITORS
# What the order's lines say while it is off the floor (`derived_status`).
FROM_LINES = frozenset(
    {S.CONFIRMED, S.PARTIALLY_ALLOCATED, S.ALLOCATED, S.PARTIALLY_SHIPPED, S.SHIPPED}
)
REASON_LENGTH = HISTORY_REASON_LENGTH


@dataclass(frozen=True)
class Totals:
    """An order's quantities summed over its lines, in base units."""

    wanting: Decimal  # not allocated yet: the backorder once allocation has tried
    held: Decimal  # allocated or picked, not shipped
    shipped: Decimal

    @classmethod
    def of_lines(cls, lines) -> Totals:
        return cls(
            wanting=sum((line.unallocated_base for line in lines), Decimal(0)),
            held=sum((line.allocated_base + line.picked_base for line in lines), Decimal(0)),
            shipped=sum((line.shipped_base for line in lines), Decimal(0)),
        )

    @classmethod
    def of_annotated(cls, order: SalesOrder) -> Totals:
        """From `orders.selectors.orders`' annotations."""
        return cls(wanting=order.wanting_base, held=order.held_total, shipped=order.shipped_total)


# Guards: what the order's quantities must allow besides its status. The page offers the
# action only then, and the service refuses it otherwise.
def _wants_stock(totals: Totals) -> bool:
    return totals.wanting > 0


def _closable(totals: Totals) -> bool:
    return totals.shipped > 0 and totals.held <= 0


TRANSITIONS = {
    "confirm": row([S.DRAFT], S.CONFIRMED, ORDER_TAKERS, label=_("Confirm order")),
    # Allocation leaves an order on the floor at its status: the warehouse picks what is
    # reserved for it, and its status follows the floor. Its target is `derived_status`.
    "allocate": row(
        FROM_LINES, FROM_LINES, EDITORS, label=_("Allocate now"), guard=_wants_stock,
        system=True, keeps=frozenset(ALLOCATABLE) - FROM_LINES,
    ),
    "release": row(
        [S.PARTIALLY_ALLOCATED, S.ALLOCATED], S.RELEASED, RELEASERS,
        label=_("Release to warehouse"),
    ),
    "start_picking": row([S.RELEASED], S.PICKING, RELEASERS, label=_("Wave released for picking")),
    "pack": row([S.PICKING], S.PACKED, FLOOR, label=_("Packed")),
    # Packed while picked goods wait at staging, else where the lines say (`derived_status`).
    "ship": row(
        [S.PICKING, S.PACKED],
        [S.PACKED, S.PARTIALLY_ALLOCATED, S.ALLOCATED, S.PARTIALLY_SHIPPED, S.SHIPPED],
        FLOOR, label=_("Shipment confirmed"),
    ),
    "cancel": row(
        [S.DRAFT, S.CONFIRMED, S.PARTIALLY_ALLOCATED, S.ALLOCATED, S.RELEASED], S.CANCELLED,
        ORDER_TAKERS, label=_("Cancel order"),
    ),
    "close": row(
        set(S) - {S.DRAFT, S.CLOSED, S.CANCELLED}, S.CLOSED, ORDER_TAKERS,
        label=_("Close (cancel what is still backordered)"), guard=_closable,
    ),
}  # fmt: skip

# History names the move by its label ("Release to warehouse"), as the order page does.
machine = Machine(
    field="status", choices=S, table=TRANSITIONS, describe=lambda order: order.number,
    recorded_as=lambda step: step.label,
)  # fmt: skip

# What the order page offers, in the order it shows them; the floor's moves are made from
# the warehouse's pages.
DESK_ACTIONS = ["confirm", "allocate", "release", "close", "cancel"]


def derived_status(totals: Totals) -> OrderStatus:
    """The status an order off the floor has from its lines: what is shipped, held, wanted.
    Something shipped and the rest backordered is partially shipped; once the rest is
    reserved, the order is (partially) allocated again, ready to release."""
    if totals.wanting <= 0 and totals.held <= 0 and totals.shipped > 0:
        return S.SHIPPED
    if totals.wanting <= 0:
        return S.ALLOCATED
    if totals.held > 0:
        return S.PARTIALLY_ALLOCATED
    return S.PARTIALLY_SHIPPED if totals.shipped > 0 else S.CONFIRMED


def transition(
    *, tenant: Tenant, user: User | None, order: SalesOrder, action: str,
    target: OrderStatus | None = None, reason: str = "", totals: Totals | None = None,
    fields: tuple[str, ...] = (),
) -> SalesOrder:  # fmt: skip
    """Move a locked `order` by `action` (to `target` where the action has several) and save
    its status, and `fields` the caller set beside it, with one history row naming who and
    why. Staying at its status (a fully allocated order allocated again, one on the floor)
    saves only `fields`. Raises `InvalidTransition` or `RoleRequired`."""
    moved = machine.move(
        order, action, tenant=tenant, user=user, target=target, facts=totals, reason=reason
    )
    if moved or fields:
        order.save(update_fields=[*(["status"] if moved else []), *fields])
    return order
