"""The `reporting_audit_event` view: one row per stock transaction and per history record of
every model that keeps history (django-simple-history), in one shape, for the audit trail.

Why a view of UNION ALL branches rather than a table filled by triggers or a query in Python:
- Nothing is copied, so nothing can drift from the ledger and the history tables, and writes
  pay nothing for the audit trail.
- Every branch is a plain SELECT with its columns cast to the view's types, so PostgreSQL pulls
  the UNION ALL up into an "append relation": every condition of a query on the view (tenant,
  date range, user, the keyset bound of a page) is pushed into each branch, and ORDER BY ...
  LIMIT becomes a Merge Append of per-branch index scans on the time column (each history
  table's history_date index, the ledger's inv_txn_posted_keyset_idx), with an Incremental
  Sort on top for rows of equal time, that stops after the page's rows. A page therefore reads
  about a page of rows per branch however deep it is: bench/audit_trail.py measured 40 ms for
  the first page and 44 ms for the middle one of a 10^6-row tenant (EXPLAIN: 52 rows read).
  The cost grows with the number of branches (one index probe each), not with the history.
  Known limit: the history tables index history_date alone (simple-history's), not
  (tenant_id, history_date), so a small tenant among big ones walks other tenants' recent
  rows in each branch; an index per history table owned by its app would remove that.
- The view is `security_invoker`, so each branch's table applies its own row-level security
  for the querying role: the view can never show another tenant's rows.

The view is dropped before `migrate` and built again after it from the models that keep
history at that moment (pre_migrate / post_migrate in ReportingConfig.ready), so a new
history model is in the audit trail without a migration of its own, and no migration of
another app ever finds its columns held by this view.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

VIEW = "reporting_audit_event"
TRANSACTIONS = "inventory.stocktransaction"  # the `source` of ledger rows
# The column that names a document or master record, first one a model has.
DOCUMENT_FIELDS = ("number", "sku", "code", "reference", "name", "email", "serial")


@dataclass(frozen=True)
class HistorySource:
    label: str  # the tracked model's label_lower, e.g. "inventory.item"
    table: str  # its history table
    tenant_column: str  # "tenant_id", or "id" for the tenant's own history
    document: str | None
    item: str | None
    lot: str | None
    serial: str | None


def history_models() -> list[type[models.Model]]:
    """Every history model of the project (simple-history's `Historical...`), in app order."""
    return [
        m
        for m in apps.get_models()
        if m.__name__.startswith("Historical") and hasattr(m, "instance_type")
    ]


def history_sources() -> list[HistorySource]:
    sources = []
    for history in history_models():
        tracked = history.instance_type
        columns = {f.attname for f in history._meta.concrete_fields}
        if "tenant_id" in columns:
            tenant = "tenant_id"
        elif tracked._meta.label_lower == "erp.tenant":
            tenant = "id"
        else:
            continue  # not tenant-owned (no audit trail of a tenant can show it)
        tracked_label = tracked._meta.label_lower
        own = {
            "inventory.item": "item",
            "inventory.lot": "lot",
            "inventory.serialnumber": "serial",
        }.get(tracked_label)
        sources.append(
            HistorySource(
                label=tracked_label,
                table=history._meta.db_table,
                tenant_column=tenant,
                document=next((c for c in DOCUMENT_FIELDS if c in columns), None),
                item="id" if own == "item" else ("item_id" if "item_id" in columns else None),
                lot="id" if own == "lot" else ("lot_id" if "lot_id" in columns else None),
                serial="id"
                if own == "serial"
                else ("serial_id" if "serial_id" in columns else None),
            )
        )
    return sources


def _or_null(column: str | None, cast: str) -> str:
    return f"h.{column}::{cast}" if column else f"NULL::{cast}"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def view_sql(sources: list[HistorySource]) -> str:
    """CREATE VIEW of the ledger branch and one branch per history source. Every column is
    cast to one type in every branch: PostgreSQL pulls a UNION ALL up (and pushes conditions
    into its branches) only when no branch needs a conversion."""
    branches = [
        "SELECT ('t:' || t.id)::text AS id, t.tenant_id::bigint AS tenant_id,"
        " t.posted_at AS at, t.posted_by_id::bigint AS user_id,"
        f" {_quote(TRANSACTIONS)}::text AS source, t.kind::text AS action,"
        " t.id::bigint AS object_id, NULL::bigint AS history_id,"
        " t.reference::text AS document, NULL::bigint AS item_id, NULL::bigint AS lot_id,"
        " NULL::bigint AS serial_id, t.reason::text AS reason"
        " FROM inventory_stocktransaction t"
    ]
    for s in sources:
        branches.append(
            f"SELECT ({_quote(s.label + ':')} || h.history_id)::text,"
            f" h.{s.tenant_column}::bigint, h.history_date, h.history_user_id::bigint,"
            f" {_quote(s.label)}::text, h.history_type::text, h.id::bigint,"
            f" h.history_id::bigint, {_or_null(s.document, 'text')},"
            f" {_or_null(s.item, 'bigint')}, {_or_null(s.lot, 'bigint')},"
            f" {_or_null(s.serial, 'bigint')}, h.history_change_reason::text"
            f' FROM "{s.table}" h'
        )
    body = "\nUNION ALL\n".join(branches)
    return f"CREATE VIEW {VIEW} WITH (security_invoker = true) AS\n{body}"


def drop_view(*, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute(f"DROP VIEW IF EXISTS {VIEW}")


def create_view(*, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """(Re)build the view from the history tables that exist now (a partial migrate may not
    have made them all yet; the next migrate completes the view)."""
    conn = connections[using]
    # Processes that migrate at once (a bench's workers, a deploy's web and worker starting
    # together) would otherwise both drop and both create: one fails on "already exists".
    with transaction.atomic(using=using), conn.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [VIEW])
        tables = set(conn.introspection.table_names(cursor))
        if "inventory_stocktransaction" not in tables:
            return
        sources = [s for s in history_sources() if s.table in tables]
        cursor.execute(f"DROP VIEW IF EXISTS {VIEW}")
        cursor.execute(view_sql(sources))
