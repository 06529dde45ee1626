"""The sales order line's declared moves: a line has no status of its own but quantities in
buckets (ordered = wanting + allocated + picked + shipped + cancelled, `wanting` being what
is left), and every change is one of these flows of a quantity from one bucket to another.
`move` is the only code that changes a line's buckets; it refuses a flow its source cannot
give, in words, before the database's check constraints would.

    wanting --allocate--> allocated --pick--> picked --ship--> shipped
    allocated --deallocate--> wanting (a short pick's backorder, an allocation given back)
    wanting / allocated --cancel--> cancelled
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from erp.errors import DomainError
from erp.numbers import plain
from orders.models import SalesOrderLine

WANTING = "wanting"  # derived: what no other bucket holds (`unallocated_base`)
FIELDS = {
    "allocated": "allocated_base",
    "picked": "picked_base",
    "shipped": "shipped_base",
    "cancelled": "cancelled_base",
}


@dataclass(frozen=True)
class Flow:
    source: str
    target: str


FLOWS = {
    "allocate": Flow(WANTING, "allocated"),
    "deallocate": Flow("allocated", WANTING),
    "pick": Flow("allocated", "picked"),
    "ship": Flow("picked", "shipped"),
    "cancel_wanting": Flow(WANTING, "cancelled"),
    "cancel_allocated": Flow("allocated", "cancelled"),
}


class LineFlowRefused(DomainError):
    message = _("Line {line} of {order} has {held} {unit} {source}; it cannot {action} {quantity}.")


def held(line: SalesOrderLine, bucket: str) -> Decimal:
    return line.unallocated_base if bucket == WANTING else getattr(line, FIELDS[bucket])


def move(line: SalesOrderLine, action: str, quantity: Decimal) -> list[str]:
    """Move `quantity` (base units, more than zero) along `action`'s flow on the locked `line`,
    which the caller saves with the fields returned."""
    flow = FLOWS[action]
    quantity = Decimal(quantity)
    have = held(line, flow.source)
    if quantity <= 0 or quantity > have:
        raise LineFlowRefused(
            line=line.line_no, order=line.order.number, held=plain(have),
            unit=line.item.base_unit, source=flow.source, action=action.split("_")[0],
            quantity=plain(quantity),
        )  # fmt: skip
    changed = []
    if flow.source != WANTING:
        setattr(line, FIELDS[flow.source], have - quantity)
        changed.append(FIELDS[flow.source])
    if flow.target != WANTING:
        setattr(line, FIELDS[flow.target], held(line, flow.target) + quantity)
        changed.append(FIELDS[flow.target])
    return changed
