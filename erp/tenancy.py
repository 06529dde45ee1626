"""The tenant context: which tenant's rows the database lets this transaction see.

Row-level security policies compare each row's `tenant_id` with the transaction-local
setting `app.tenant_id` (and memberships also with `app.user_id`). The setting is made with
`set_config(..., true)`, which only lasts inside a transaction, so every entry point
(request middleware, Celery task, management command) opens one first. No setting means no
rows, never all rows.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction

# Mirrors the database setting so code can check the active tenant without a query.
_current: contextvars.ContextVar[tuple[int | None, int | None]] = contextvars.ContextVar(
    "stockline_tenant", default=(None, None)
)


# The transaction's settings: the tenant and user the policies read, and no JIT compilation.
# PostgreSQL compiles any statement its planner costs above `jit_above_cost`; a report's
# correlated subqueries reach that on estimates alone, and compiling took 2.0 s of a 2.1 s
# drill-down at 10^7 entries that runs in 45 ms. Per transaction, so it holds through a
# transaction-pooling PgBouncer too.
CONTEXT_SQL = (
    "SELECT set_config('app.tenant_id', %s, true), set_config('app.user_id', %s, true), "
    "set_config('jit', 'off', true)"
)


class TenantContextError(RuntimeError):
    pass


def current_tenant_id() -> int | None:
    return _current.get()[0]


def current_context() -> tuple[int | None, int | None]:
    """(tenant id, user id) of the open context, for setting the same on another connection."""
    return _current.get()


def _set(tenant_id: int | None, user_id: int | None) -> None:
    connection = connections[DEFAULT_DB_ALIAS]  # one lookup through the proxy's Local
    if not connection.in_atomic_block:
        # Outside a transaction set_config(..., true) would last one statement.
        raise TenantContextError("the tenant context can only be set inside transaction.atomic()")
    with connection.cursor() as cursor:
        apply_context(cursor, tenant_id, user_id)
    _current.set((tenant_id, user_id))


def apply_context(cursor, tenant_id: int | None, user_id: int | None) -> None:
    """Set the transaction's settings (CONTEXT_SQL) on `cursor`'s connection, inside its
    transaction: the default connection's here, the replica's in `erp.replica`."""
    cursor.execute(
        CONTEXT_SQL,
        ["" if tenant_id is None else str(tenant_id), "" if user_id is None else str(user_id)],
    )


@contextmanager
def tenant_context(tenant, *, user=None, durable: bool = False) -> Iterator[None]:
    """Run the block in one transaction with `tenant`'s rows visible (and `user`'s memberships).

    `tenant` is a Tenant, its id, or None (only the user's own memberships are visible).
    Tasks and commands pass `durable=True` so that nesting them in another transaction fails
    loudly; nested contexts otherwise restore the outer tenant on exit.
    """
    tenant_id = getattr(tenant, "pk", tenant)
    user_id = getattr(user, "pk", user)
    connection = connections[DEFAULT_DB_ALIAS]
    nested = connection.in_atomic_block
    with transaction.atomic(durable=durable):
        previous = _current.get()
        _set(tenant_id, user_id)
        try:
            yield
        except BaseException:
            # The transaction (or savepoint) is being rolled back, and the setting with it.
            _current.set(previous)
            raise
        if nested and not connection.needs_rollback:
            _set(*previous)
        else:
            # The outermost transaction is about to end, and the setting with it.
            _current.set(previous)


def switch(tenant, *, user=None) -> None:
    """Change the tenant inside an open `tenant_context` (its exit restores the outer one)."""
    _set(getattr(tenant, "pk", tenant), getattr(user, "pk", user))


@contextmanager
def task_context(tenant_id: int) -> Iterator:
    """A Celery task's or command's tenant: one durable transaction, yielding the Tenant."""
    from erp.models import Tenant

    tenant = Tenant.objects.get(pk=tenant_id)
    with tenant_context(tenant, durable=True):
        yield tenant
