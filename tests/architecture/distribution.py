"""What would stop the schema and the code from being distributed by `tenant_id` with Citus
(docs/scale/distributing-by-tenant.md), found from the live catalog and the source.

Each category is one catalog query (or one pass over the source) and yields a set of stable
one-line descriptions, compared by test_distribution_blockers.py with the checked-in list.
Placement follows erp.distribution: `tenant_id` makes a table distributed unless it is named
a reference or local table there.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from erp.distribution import REVIEWED_SQL, placement

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = ("erp", "inventory", "purchasing", "orders", "warehouse", "returns", "reporting")
CATEGORIES = (
    "undeclared_tables",
    "distribution_column",
    "unique_keys",
    "foreign_keys",
    "sequences",
    "triggers",
    "policies",
    "raw_sql",
)

TABLES_SQL = """
SELECT c.relname,
       EXISTS (SELECT 1 FROM pg_attribute a
               WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
FROM pg_class c
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND c.relnamespace = current_schema()::regnamespace
"""

# Every distributed table is co-located with the others, which needs the same column type, and
# Citus refuses a row whose distribution column is NULL (so create_distributed_table would fail
# on an old row without a tenant, and the database does not rule one out).
DISTRIBUTION_COLUMN_SQL = """
SELECT c.relname, format_type(a.atttypid, a.atttypmod), a.attnotnull
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE a.attname = 'tenant_id' AND NOT a.attisdropped
  AND c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(%s)
  AND (NOT a.attnotnull OR a.atttypid <> 'bigint'::regtype)
"""

# Primary keys, unique constraints, unique indexes (partial ones too) and exclusion
# constraints of distributed tables: a shard can only enforce them with the tenant in the key.
UNIQUE_SQL = """
SELECT c.relname, i.relname,
       CASE WHEN x.indisprimary THEN 'primary key'
            WHEN con.contype = 'x' THEN 'exclusion constraint'
            WHEN con.contype = 'u' THEN 'unique constraint'
            ELSE 'unique index' END,
       (SELECT string_agg(coalesce(a.attname, '(expression)'), ', ' ORDER BY k.ord)
        FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
        LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum)
FROM pg_index x
JOIN pg_class c ON c.oid = x.indrelid
JOIN pg_class i ON i.oid = x.indexrelid
LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.conrelid = c.oid
WHERE (x.indisunique OR con.contype = 'x')
  AND c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(%s)
  AND NOT EXISTS (SELECT 1 FROM pg_attribute a
                  WHERE a.attrelid = c.oid AND a.attname = 'tenant_id'
                    AND a.attnum = ANY (x.indkey::int2[]))
"""

FOREIGN_KEYS_SQL = """
SELECT con.conname, s.relname, t.relname,
       (SELECT array_agg(a.attname ORDER BY k.ord)
        FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum),
       (SELECT array_agg(a.attname ORDER BY k.ord)
        FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum)
FROM pg_constraint con
JOIN pg_class s ON s.oid = con.conrelid
JOIN pg_class t ON t.oid = con.confrelid
WHERE con.contype = 'f' AND s.relnamespace = current_schema()::regnamespace
"""

# Citus draws bigint sequence values on any node (each node its own range); an int or smallint
# one can only be drawn on the coordinator, and 2^31 rows is soon reached by one column shared
# by every tenant.
SEQUENCES_SQL = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
       CASE WHEN a.attidentity <> '' THEN 'identity' ELSE 'serial' END
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(%s)
  AND a.attnum > 0 AND NOT a.attisdropped
  AND (a.attidentity <> '' OR pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%%')
  AND a.atttypid <> 'bigint'::regtype
"""

# Citus refuses triggers on distributed and reference tables unless
# citus.enable_unsafe_triggers is on (src/backend/distributed/commands/trigger.c).
TRIGGERS_SQL = """
SELECT c.relname, t.tgname
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE NOT t.tgisinternal
  AND c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(%s)
"""

# Citus refuses a policy with a subquery on a distributed table (commands/policy.c).
POLICIES_SQL = """
SELECT tablename, policyname
FROM pg_policies
WHERE schemaname = current_schema() AND tablename = ANY(%s)
  AND (coalesce(qual, '') ~* '\\mselect\\M' OR coalesce(with_check, '') ~* '\\mselect\\M')
"""


def placements(cursor) -> dict[str, str | None]:
    cursor.execute(TABLES_SQL)
    return {table: placement(table, has_tenant) for table, has_tenant in cursor.fetchall()}


def undeclared_tables(places: dict[str, str | None]) -> set[str]:
    return {f"{table}: no tenant_id and not declared" for table, p in places.items() if p is None}


def _of(places: dict[str, str | None], *kinds: str) -> list[str]:
    return sorted(table for table, p in places.items() if p in kinds)


def distribution_column(cursor, places: dict[str, str | None]) -> set[str]:
    cursor.execute(DISTRIBUTION_COLUMN_SQL, [_of(places, "distributed")])
    found = set()
    for table, column_type, not_null in cursor.fetchall():
        if column_type != "bigint":
            found.add(f"{table}.tenant_id: {column_type}, not bigint")
        if not not_null:
            found.add(f"{table}.tenant_id: nullable")
    return found


def unique_keys(cursor, places: dict[str, str | None]) -> set[str]:
    cursor.execute(UNIQUE_SQL, [_of(places, "distributed")])
    return {
        f"{table}: {kind} {name} ({columns})" for table, name, kind, columns in cursor.fetchall()
    }


def _fk_problem(source: str | None, target: str | None, columns, target_columns) -> str | None:
    source, target = source or "local", target or "local"
    if source == "distributed" and target == "distributed":
        paired = any(
            a == "tenant_id" and b == "tenant_id"
            for a, b in zip(columns, target_columns, strict=True)
        )
        return None if paired else "between distributed tables without tenant_id"
    if source == "distributed" and target == "local":
        return "from a distributed table to a local one"
    if source == "reference" and target == "distributed":
        return "from a reference table to a distributed one"
    if source == "local" and target == "distributed":
        return "from a local table to a distributed one"
    return None


def foreign_keys(cursor, places: dict[str, str | None]) -> set[str]:
    cursor.execute(FOREIGN_KEYS_SQL)
    found = set()
    for name, source, target, columns, target_columns in cursor.fetchall():
        problem = _fk_problem(places.get(source), places.get(target), columns, target_columns)
        if problem:
            found.add(
                f"{source}: {name} ({', '.join(columns)}) -> "
                f"{target} ({', '.join(target_columns)}): {problem}"
            )
    return found


def sequences(cursor, places: dict[str, str | None]) -> set[str]:
    cursor.execute(SEQUENCES_SQL, [_of(places, "distributed")])
    return {
        f"{table}.{column}: {kind} of type {kind_type}"
        for table, column, kind_type, kind in cursor.fetchall()
    }


def triggers(cursor, places: dict[str, str | None]) -> set[str]:
    cursor.execute(TRIGGERS_SQL, [_of(places, "distributed", "reference")])
    return {f"{table}: trigger {name}" for table, name in cursor.fetchall()}


def policies(cursor, places: dict[str, str | None]) -> set[str]:
    cursor.execute(POLICIES_SQL, [_of(places, "distributed")])
    return {f"{table}: policy {name} has a subquery" for table, name in cursor.fetchall()}


# --- raw SQL in the source ------------------------------------------------------------------

RAW_CALLS = frozenset({"execute", "executemany", "raw", "extra", "RawSQL"})
_TABLE_REF = re.compile(r"\b(?:from|join|update|into)\s+(?:only\s+)?\"?([\w{}.\[\]'\"]+)", re.I)
_VERB = re.compile(r"^\s*(?:with\b.*?\)\s*)?(select|insert|update|delete|set|with)\b", re.I | re.S)
_SETTING = re.compile(r"set_config\(\s*'([\w.]+)'", re.I)


@dataclass(frozen=True)
class Statement:
    path: str  # relative to the repository
    function: str
    sql: str


def _text(node: ast.AST, scope: list[ast.stmt], module: ast.Module) -> str | None:
    """The SQL text an expression builds, with f-string holes kept as `{expression}`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                parts.append(_hole(value.value, scope, module))
            else:
                parts.append(_text(value, scope, module) or "")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left, scope, module), _text(node.right, scope, module)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Name):
        for body in (scope, module.body):
            assigned = _assigned(node.id, body)
            if assigned is not None:
                return _text(assigned, scope, module)
    return None


def _hole(node: ast.AST, scope: list[ast.stmt], module: ast.Module) -> str:
    """An f-string hole: a model's table (`Model._meta.db_table`, directly or through a
    name), a string the module assigns, or `{expression}` when it cannot be told."""
    if (
        isinstance(node, ast.Attribute)
        and node.attr == "db_table"
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "_meta"
        and isinstance(node.value.value, ast.Name)
    ):
        table = _model_tables().get(node.value.value.id)
        if table:
            return table
    if isinstance(node, ast.Name):
        for body in (scope, module.body):
            assigned = _assigned(node.id, body)
            if assigned is not None:
                if isinstance(assigned, ast.Constant) and isinstance(assigned.value, str):
                    return assigned.value
                return _hole(assigned, scope, module)
    return "{" + ast.unparse(node) + "}"


@functools.cache
def _model_tables() -> dict[str, str]:
    from django.apps import apps

    return {model.__name__: model._meta.db_table for model in apps.get_models()}


def _assigned(name: str, body: list[ast.stmt]) -> ast.AST | None:
    value = None
    for statement in body:
        for node in ast.walk(statement):
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
            ) or (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.target.id == name
                and node.value is not None
            ):
                value = node.value
    return value


def _called(call: ast.Call) -> str | None:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name if name in RAW_CALLS else None


def _sql_arguments(call: ast.Call) -> list[ast.AST]:
    if _called(call) == "extra":  # .extra(select={...}, where=[...], tables=[...])
        return [
            value
            for keyword in call.keywords
            for value in ast.walk(keyword.value)
            if isinstance(value, (ast.Constant, ast.JoinedStr))
        ]
    if call.args:
        return [call.args[0]]
    return [k.value for k in call.keywords if k.arg in {"sql", "query", "raw_query"}]


_MENTIONS = re.compile(r"execute|RawSQL|\.raw\(|\.extra\(")


class _Calls(ast.NodeVisitor):
    """Each raw-SQL call with the (innermost) function it sits in."""

    def __init__(self) -> None:
        self.stack: list[ast.AST] = []
        self.names: list[str] = []
        self.found: list[tuple[str, list[ast.stmt], ast.Call]] = []

    def _enter(self, node) -> None:
        self.names.append(node.name)
        self.stack.append(node)
        self.generic_visit(node)
        self.stack.pop()
        self.names.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _enter

    def visit_Call(self, node: ast.Call) -> None:
        if _called(node) and not _is_schema_editor(node):
            functions = [n for n in self.stack if not isinstance(n, ast.ClassDef)]
            body = functions[-1].body if functions else []
            self.found.append((".".join(self.names) or "<module>", body, node))
        self.generic_visit(node)


def _is_schema_editor(call: ast.Call) -> bool:
    # Migration operations run DDL through the schema editor, never a tenant's query.
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == "schema_editor"
    )


@functools.cache
def statements(root: Path = ROOT) -> tuple[Statement, ...]:
    """Every raw-SQL statement of the apps (read once per process: the source does not change
    while the tests run)."""
    return tuple(_statements(root))


def _statements(root: Path) -> Iterator[Statement]:
    for app in PROJECT_APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            source = path.read_text()
            if not _MENTIONS.search(source):
                continue
            module = ast.parse(source, filename=str(path))
            calls = _Calls()
            calls.visit(module)
            for function, body, call in calls.found:
                for argument in _sql_arguments(call):
                    sql = _text(argument, body, module)
                    yield Statement(
                        str(path.relative_to(root)), function, sql or "<built elsewhere>"
                    )


def _tables(sql: str) -> set[str]:
    return {m.group(1).strip('"').lower() for m in _TABLE_REF.finditer(sql)}


def _verb(sql: str) -> str:
    match = _VERB.match(sql)
    return match.group(1).upper() if match else sql.strip().split(None, 1)[0].upper()


def raw_sql_problem(statement: Statement, places: dict[str, str | None]) -> str | None:
    """Why the statement would misbehave on Citus, or None. A cheap look at the text: a
    statement that names a distributed table (or a table the text does not spell out) must
    mention tenant_id so it is routed to one shard; a setting made by set_config() stays on
    the coordinator (Citus passes only SET LOCAL on, with citus.propagate_set_commands)."""
    sql = statement.sql
    setting = _SETTING.search(sql)
    if setting:
        return f"set_config {setting.group(1)} (not passed to the shards)"
    if sql == "<built elsewhere>":
        if f"{statement.path}:{statement.function}" in REVIEWED_SQL:
            return None
        return "SQL built elsewhere (cannot be read here; review it into REVIEWED_SQL)"
    tables = _tables(sql)
    distributed = sorted(t for t in tables if places.get(t) == "distributed")
    unknown = sorted(t for t in tables if t not in places and "{" in t)
    if (distributed or unknown) and "tenant_id" not in sql.lower():
        return f"{_verb(sql)} {', '.join(distributed + unknown)} without tenant_id"
    return None


def raw_sql(places: dict[str, str | None], root: Path = ROOT) -> set[str]:
    found = set()
    for statement in statements(root):
        problem = raw_sql_problem(statement, places)
        if problem:
            found.add(f"{statement.path}:{statement.function}: {problem}")
    return found


def unreadable_sites(root: Path = ROOT) -> set[str]:
    """Sites whose SQL the check cannot read: REVIEWED_SQL must name exactly these."""
    return {f"{s.path}:{s.function}" for s in statements(root) if s.sql == "<built elsewhere>"}


def all_blockers(cursor, root: Path = ROOT) -> dict[str, set[str]]:
    places = placements(cursor)
    return {
        "undeclared_tables": undeclared_tables(places),
        "distribution_column": distribution_column(cursor, places),
        "unique_keys": unique_keys(cursor, places),
        "foreign_keys": foreign_keys(cursor, places),
        "sequences": sequences(cursor, places),
        "triggers": triggers(cursor, places),
        "policies": policies(cursor, places),
        "raw_sql": raw_sql(places, root),
    }
