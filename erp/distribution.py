"""Where each table would live if the database were distributed by `tenant_id` with Citus
(docs/scale/distributing-by-tenant.md).

A table with a `tenant_id` column is distributed by it, co-located with every other one, unless
it is named below. Every table without `tenant_id` must be named here with the reason it has
none: a reference table is copied whole to every node (small, read by all tenants, joined with
tenant rows, written rarely); a local table stays on the coordinator only (written often, read
by one key, never joined with tenant rows). tests/architecture/test_distribution_blockers.py
fails on a table that is neither distributed nor named, and on a name that has no table.
"""

from __future__ import annotations

REFERENCE_TABLES: dict[str, str] = {
    "erp_tenant": (
        "every tenant_id points here; read by every request and by each beat task that "
        "walks the tenants"
    ),
    "erp_historicaltenant": "the tenant's history, written with erp_tenant",
    "erp_user": (
        "a user belongs to several tenants; posted_by, created_by and history_user keys of "
        "tenant rows point here"
    ),
    "erp_user_groups": "Django's user-to-group link (keys to erp_user and auth_group)",
    "erp_user_user_permissions": "Django's user-to-permission link",
    "auth_group": "Django's groups, referenced by erp_user_groups",
    "auth_group_permissions": "Django's group-to-permission link",
    "auth_permission": "Django's permissions, referenced by the links above",
    "django_content_type": "Django's model registry, referenced by auth_permission",
    "erp_membership": (
        "read by user before a tenant is chosen (TenantMiddleware lists the user's "
        "memberships in every tenant); distributed, that read would visit every shard on "
        "every request. Small: one row per user and tenant"
    ),
    "erp_historicalmembership": "the membership's history, written with erp_membership",
    "erp_invitation": (
        "read by the invited user across tenants (its policy has user_column) before the "
        "user is a member; small"
    ),
    "erp_historicalinvitation": "the invitation's history, written with erp_invitation",
}

LOCAL_TABLES: dict[str, str] = {
    "django_migrations": "the migration record; migrations run on the coordinator only",
    "django_session": (
        "looked up by session key on every request before any tenant is known; written "
        "often, so a reference table's write to every node would cost each request"
    ),
    "erp_signinfailure": (
        "sign-in throttling counts, written on every failed sign-in, before there is a tenant"
    ),
    "erp_outboxmessage": (
        "written in the same transaction as the tenant rows it follows (one commit with the "
        "shards' writes: to verify on a cluster, see the doc) and swept for every tenant by "
        "one beat task; holds ids only"
    ),
}


def placement(table: str, has_tenant_id: bool) -> str | None:
    """'reference', 'local', 'distributed', or None for a table nobody has placed."""
    if table in REFERENCE_TABLES:
        return "reference"
    if table in LOCAL_TABLES:
        return "local"
    if has_tenant_id:
        return "distributed"
    return None


# Raw SQL whose text the static check cannot read (passed in, or looped over), read by a
# person instead: site (path:function) -> what runs there and why it is fine on Citus.
REVIEWED_SQL: dict[str, str] = {
    "erp/jobs.py:_session": (
        "runs holding()'s pg_try_advisory_lock / pg_advisory_unlock: no table; the lock lives "
        "on the node the application connects to (the coordinator)"
    ),
    "erp/jobs.py:_session.on_django": "the same advisory-lock statements on Django's connection",
    "erp/provision.py:provision": (
        "CREATE ROLE, CREATE DATABASE and GRANT, run once by the superuser before migrations; "
        "no tenant rows"
    ),
    "inventory/ledger/statement.py:write.run": (
        "runs WIRE_SQL, the posting statement: every table it reads or writes is filtered or "
        "filled with tenant_id = %(tenant)s, so it is routed to one shard"
    ),
    "inventory/selectors/valuation.py:ValuationGroups.rows": (
        "runs _BY_ITEM or _BY_SITE_AND_CATEGORY, both filtered by tenant_id = %(t)s in every "
        "table they read (entries, snapshots, items, sites)"
    ),
    "reporting/finance.py:Register._run": (
        "runs _ROWS plus a count, a page or the totals by reason over it: every tenant table "
        "it reads (entries, transactions, locations, items, sites, adjustments, counts, count "
        "rounds, inspections) is filtered by tenant_id = %(t)s; erp_user is joined by id only"
    ),
    "warehouse/scale/run.py:_analyze": (
        "ANALYZE of named ledger tables after a bulk load: maintenance, no tenant rows read"
    ),
    "reporting/audit_view.py:create_view": (
        "DDL after migrate: CREATE VIEW reporting_audit_event, a UNION ALL of the ledger's and "
        "the history tables' rows with their tenant_id; every query on it (the audit trail's "
        "selector) filters by tenant_id, so on Citus it is routed to the tenant's shard"
    ),
    "inventory/selectors/measures.py:period_flows": (
        "runs FLOWS_SQL or FLOWS_BY_ITEM_SQL (one template, without and with the item join for "
        "the item filters): transactions, entries, items and segments all filtered by "
        "tenant_id = %(t)s"
    ),
    "inventory/selectors/valuation.py:_from_closed_days": (
        "runs _CLOSED_BEFORE, then _DAY_BY_CATEGORY or _DAY_BY_SITE_AND_CATEGORY (one parts "
        "template grouped two ways): sites, closed days, their rows, transactions, entries and "
        "items all filtered by tenant_id = %(t)s"
    ),
    "inventory/ledger/transit_close.py:close_transit": (
        "runs FROM_START_SQL or SINCE_SQL (one template with the span as parameters) and the "
        "close's upsert: entries, transactions, locations and the close all filtered by "
        "tenant_id = %(t)s"
    ),
    "erp/test_template.py:ensure": (
        "test set-up only: CREATE, DROP and COMMENT ON DATABASE for the tests' template "
        "database, no tenant rows"
    ),
    "erp/test_template.py:clone": "test set-up only: CREATE DATABASE ... TEMPLATE, no tenant rows",
    "erp/test_template.py:_drop": "test set-up only: DROP DATABASE, no tenant rows",
    "inventory/ledger/verify.py:_scan": (
        "runs SUMS, DIFFERENCES and COUNTS, all filtered by tenant_id = %(t)s (a temporary "
        "table on the same node holds the sums between them), and session settings"
    ),
}


_TABLES_AND_KEYS = """
SELECT c.relname,
       EXISTS (SELECT 1 FROM pg_attribute a
               WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped),
       coalesce((SELECT array_agg(DISTINCT t.relname ORDER BY t.relname)
                 FROM pg_constraint con JOIN pg_class t ON t.oid = con.confrelid
                 WHERE con.contype = 'f' AND con.conrelid = c.oid AND con.confrelid <> c.oid),
                '{}')
FROM pg_class c
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND c.relnamespace = current_schema()::regnamespace
"""


class KeyCycle(RuntimeError):
    pass


def referenced_first(tables: dict[str, list[str]]) -> list[str]:
    """The tables ordered so that each comes after every table it has a key to (ties by name):
    Citus can only take a key whose other side is already a Citus table of the right kind."""
    order: list[str] = []
    placed: set[str] = set()
    waiting = dict(tables)
    while waiting:
        ready = sorted(t for t, refs in waiting.items() if placed.issuperset(refs))
        if not ready:
            raise KeyCycle(f"foreign keys form a cycle among {sorted(waiting)}")
        order += ready
        placed.update(ready)
        for table in ready:
            del waiting[table]
    return order


def citus_plan(cursor) -> list[str]:
    """The statements that would distribute the live schema, in an order Citus accepts:
    reference tables first, then the distributed ones, each co-located with the first.
    Local tables stay as they are. Raises KeyCycle if keys make that order impossible."""
    cursor.execute(_TABLES_AND_KEYS)
    rows = cursor.fetchall()
    places = {table: placement(table, has_tenant) for table, has_tenant, _ in rows}
    unplaced = sorted(t for t, p in places.items() if p is None)
    if unplaced:
        raise ValueError(f"tables not placed in erp/distribution.py: {', '.join(unplaced)}")
    keys = {table: refs for table, _, refs in rows}

    def among(kind: str) -> dict[str, list[str]]:
        return {
            table: [r for r in keys[table] if places.get(r) == kind]
            for table in keys
            if places[table] == kind
        }

    statements = [
        f"SELECT create_reference_table('{table}');"
        for table in referenced_first(among("reference"))
    ]
    distributed = referenced_first(among("distributed"))
    anchor = distributed[0]
    statements.append(
        f"SELECT create_distributed_table('{anchor}', 'tenant_id', colocate_with => 'none');"
    )
    statements += [
        f"SELECT create_distributed_table('{table}', 'tenant_id', colocate_with => '{anchor}');"
        for table in distributed[1:]
    ]
    return statements
