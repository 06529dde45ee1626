"""The order pool's actions: queue an allocation run, and release several orders at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from erp import outbox
from erp.errors import DomainError
from erp.models import Tenant, User
from erp.roles import require_role
from orders import permissions
from orders.errors import NothingToRelease
from orders.models import SalesOrder
from orders.services import sales_orders
from orders.services.allocation import ALLOCATORS

RELEASERS = permissions.RELEASERS


@dataclass
class Released:
    released: list[SalesOrder] = field(default_factory=list)
    refused: list[tuple[SalesOrder, str]] = field(default_factory=list)


def queue_allocation(*, tenant: Tenant, user: User) -> None:
    """Queue an allocation run over every open order, sent to the broker only once the
    caller's transaction commits (so the worker sees what was committed)."""
    require_role(tenant=tenant, user=user, roles=ALLOCATORS)
    from orders.tasks import allocate_task

    outbox.enqueue(allocate_task, tenant.pk)


@transaction.atomic
def release_orders(*, tenant: Tenant, user: User, orders: list[SalesOrder]) -> Released:
    """Release each of `orders` on its own: one refused (credit hold, a status that has moved
    on) rolls back to its own savepoint and is reported, the others stay released.

    Orders are taken in id order, the order `sales_orders.release` locks them in, so two
    bulk releases of overlapping orders cannot deadlock. Raises `NothingToRelease` for an
    empty selection and `RoleRequired` for anyone but supervisors and admins.
    """
    require_role(tenant=tenant, user=user, roles=RELEASERS)
    if not orders:
        raise NothingToRelease()
    result = Released()
    for order in sorted(orders, key=lambda o: o.pk):
        try:
            result.released.append(sales_orders.release(tenant=tenant, user=user, order=order))
        except DomainError as exc:
            result.refused.append((order, str(exc)))
    return result
