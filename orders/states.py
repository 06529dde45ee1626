"""The sales order's state machine: which action moves an order from which statuses to which,
and who may ask for it. `move` is the only code that assigns `SalesOrder.status`; services
call it, and the order page asks `orders.selectors.available_actions` what to offer.

    draft --confirm--> confirmed --allocate--> partially allocated / allocated
    (partially) allocated --release--> released --start_picking--> picking --pack--> packed
    picking / packed --ship--> packed (picked goods left) / partially shipped / shipped
                               (or back to partially allocated / allocated for a remainder
                               reserved but not picked, ready to release again)
    partially shipped --allocate--> (partially) allocated: the backorder found stock
    draft ... released --cancel--> cancelled;  anything shipped from --close--> closed

Every move leaves a history row naming who did it and why (the action, or the reason given).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from erp.errors import InvalidTransition
from erp.models import Tenant, User
from erp.roles import Role, membership_for, require_role
from orders.models import ALLOCATABLE, OrderStatus, SalesOrder
from orders.permissions import EDITORS, FLOOR, RELEASERS

S = OrderStatus
ORDER_TAKERS = EDITORS
# What the order's lines say while it is off the floor (`derived_status`).
FROM_LINES = frozenset(
    {S.CONFIRMED, S.PARTIALLY_ALLOCATED, S.ALLOCATED, S.PARTIALLY_SHIPPED, S.SHIPPED}
)
# The history reason column holds 100 characters.
REASON_LENGTH = 100


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


def _always(totals: Totals) -> bool:
    return True


@dataclass(frozen=True)
class Transition:
    sources: frozenset[OrderStatus]
    targets: frozenset[OrderStatus]
    roles: frozenset[Role]
    label: str
    # Whether the system (an allocation run after a receipt, `user` None) may make the move.
    system: bool = False
    # What the order's quantities must allow besides its status; the page offers the action
    # only then, and the service refuses it otherwise.
    guard: Callable[[Totals], bool] = _always
    # Statuses the action may run from without moving the order.
    keeps: frozenset[OrderStatus] = frozenset()


def _wants_stock(totals: Totals) -> bool:
    return totals.wanting > 0


def _closable(totals: Totals) -> bool:
    return totals.shipped > 0 and totals.held <= 0


TRANSITIONS: dict[str, Transition] = {
    "confirm": Transition(frozenset({S.DRAFT}), frozenset({S.CONFIRMED}), ORDER_TAKERS,
                          _("Confirm order")),
    # Allocation leaves an order on the floor at its status: the warehouse picks what is
    # reserved for it, and its status follows the floor.
    "allocate": Transition(FROM_LINES, FROM_LINES,
                           EDITORS,
                           _("Allocate now"), system=True, guard=_wants_stock,
                           keeps=frozenset(ALLOCATABLE) - FROM_LINES),
    "release": Transition(frozenset({S.PARTIALLY_ALLOCATED, S.ALLOCATED}),
                          frozenset({S.RELEASED}), RELEASERS, _("Release to warehouse")),
    "start_picking": Transition(frozenset({S.RELEASED}), frozenset({S.PICKING}), RELEASERS,
                                _("Wave released for picking")),
    "pack": Transition(frozenset({S.PICKING}), frozenset({S.PACKED}), FLOOR, _("Packed")),
    "ship": Transition(frozenset({S.PICKING, S.PACKED}),
                       frozenset({S.PACKED, S.PARTIALLY_ALLOCATED, S.ALLOCATED,
                                  S.PARTIALLY_SHIPPED, S.SHIPPED}),
                       FLOOR, _("Shipment confirmed")),
    "cancel": Transition(frozenset({S.DRAFT, S.CONFIRMED, S.PARTIALLY_ALLOCATED, S.ALLOCATED,
                                    S.RELEASED}),
                         frozenset({S.CANCELLED}), ORDER_TAKERS, _("Cancel order")),
    "close": Transition(frozenset(set(S) - {S.DRAFT, S.CLOSED, S.CANCELLED}),
                        frozenset({S.CLOSED}), ORDER_TAKERS,
                        _("Close (cancel what is still backordered)"), guard=_closable),
}  # fmt: skip

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


def _refuse(order: SalesOrder, target: OrderStatus) -> InvalidTransition:
    return InvalidTransition(
        document=order.number,
        current=order.get_status_display().lower(),
        target=OrderStatus(target).label.lower(),
    )


def check(
    *, tenant: Tenant, user: User | None, order: SalesOrder, action: str,
    target: OrderStatus | None = None, totals: Totals | None = None,
) -> OrderStatus:  # fmt: skip
    """The status `action` takes `order` to (its only target unless `target` names one),
    after checking the order's status, the user's role and the action's guard (when
    `totals` are given). Raises `InvalidTransition` or `RoleRequired`; changes nothing."""
    transition = TRANSITIONS[action]
    if target is None:
        (target,) = transition.targets
    if order.status not in transition.sources or target not in transition.targets:
        raise _refuse(order, target)
    if user is not None:
        require_role(tenant=tenant, user=user, roles=transition.roles)
    elif not transition.system:
        raise _refuse(order, target)
    if totals is not None and not transition.guard(totals):
        raise _refuse(order, target)
    return target


def move(
    *, tenant: Tenant, user: User | None, order: SalesOrder, action: str,
    target: OrderStatus | None = None, reason: str = "", totals: Totals | None = None,
) -> bool:  # fmt: skip
    """Assign the status `action` leads to (see `check`) with who and why for its history
    row, without saving (the caller saves, alone or in bulk). Staying at the status the order
    has (allocation's result for a fully allocated order, or one on the floor) changes
    nothing and returns False."""
    if target is not None and target == order.status:
        transition_ = TRANSITIONS[action]
        if order.status not in transition_.sources | transition_.keeps:
            raise _refuse(order, target)
        return False
    target = check(
        tenant=tenant, user=user, order=order, action=action, target=target, totals=totals
    )
    label = str(TRANSITIONS[action].label)
    why = f"{label}: {reason.strip()}" if reason.strip() else label
    order.status = target
    order._change_reason = why[:REASON_LENGTH]
    if user is not None:
        order._history_user = user
    return True


def transition(
    *, tenant: Tenant, user: User | None, order: SalesOrder, action: str,
    target: OrderStatus | None = None, reason: str = "", totals: Totals | None = None,
    fields: tuple[str, ...] = (),
) -> SalesOrder:  # fmt: skip
    """Move a locked `order` by `action` and save its status (and `fields` the caller set
    beside it) with one history row naming who and why. Raises `InvalidTransition` or
    `RoleRequired`."""
    if move(
        tenant=tenant, user=user, order=order, action=action, target=target, reason=reason,
        totals=totals,
    ):  # fmt: skip
        order.save(update_fields=["status", *fields])
    elif fields:
        order.save(update_fields=list(fields))
    return order


def allowed(*, tenant: Tenant, user: User, order: SalesOrder, action: str, totals: Totals) -> bool:
    """Whether `user` may ask for `action` on `order` now (no query beyond the role)."""
    transition_ = TRANSITIONS[action]
    if order.status not in transition_.sources | transition_.keeps:
        return False
    if not transition_.guard(totals):
        return False
    membership = membership_for(tenant=tenant, user=user)
    return membership is not None and membership.role in transition_.roles
